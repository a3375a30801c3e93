"""The drill: the databases' application passwords rotated under load, the way a managed rotation does it.

The secret gets the new password, then the database takes it, then the pooler drops every open connection (so
that every process logs in again, as after an RDS Proxy failover): from then on the old password works nowhere.
The services read the new password from the secret themselves (lib/postgres); requests may fail for at most
MAX_OUTAGE seconds, and nothing is restarted. run.sh runs this last, after the log check.
"""

import json
import secrets
import threading
import time

from conftest import Account, Gateway, mails_to, wait_for
from containers import compose, docker, pooler, psql, secret, secrets_manager

MAX_OUTAGE = 5.0
SERVICES = ("auth", "auth-worker", "resource", "resource-worker")
# The load's bounds: each of its two clients stops after this many requests or seconds, whichever comes first.
MAX_REQUESTS, MAX_SECONDS, PACE = 600, 90, 0.15


class Load:
    """Two clients in threads, one on each service and database, each recording (time, succeeded)."""

    def __init__(self, requests: dict):
        self.results: dict[str, list[tuple[float, bool]]] = {name: [] for name in requests}
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=item, daemon=True) for item in requests.items()]

    def run(self, name, request) -> None:
        deadline = time.monotonic() + MAX_SECONDS
        while not self.stop.is_set() and time.monotonic() < deadline and len(self.results[name]) < MAX_REQUESTS:
            moment = time.monotonic()
            try:
                succeeded = request()
            except OSError:
                succeeded = False
            self.results[name].append((moment, succeeded))
            self.stop.wait(PACE)

    def successes_since(self, moment: float) -> int:
        return min(sum(ok for at, ok in results if at > moment) for results in self.results.values())

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()


def container_starts() -> dict[str, str]:
    """When each service's container started, and how often it restarted."""
    starts = {}
    for service in SERVICES:
        container = compose("ps", "--quiet", service).stdout.strip()
        inspected = json.loads(docker("inspect", container).stdout)[0]
        starts[service] = f"{inspected['State']['StartedAt']} {inspected['RestartCount']}"
    return starts


def rotate(database: str) -> tuple[str, str]:
    """Rotate the application user's password; the old password and the new."""
    name = f"{database}-db-app"
    old = secret(name)
    new = secrets.token_urlsafe(30)
    secrets_manager().put_secret_value(SecretId=name, SecretString=json.dumps({**old, "password": new}))
    # token_urlsafe's alphabet needs no quoting in SQL.
    psql(database, f"ALTER ROLE {database}_app PASSWORD '{new}'")
    pooler(f"KILL {database}")
    pooler(f"RESUME {database}")
    return old["password"], new


def logs_in_through_the_pooler(database: str, password: str) -> bool:
    dsn = f"host=127.0.0.1 port=5432 dbname={database} user={database}_app sslmode=require"
    return (
        compose(
            "exec",
            "-T",
            "-e",
            f"PGPASSWORD={password}",
            "pgbouncer",
            "psql",
            dsn,
            "-X",
            "-qAt",
            "-c",
            "SELECT 1",
            check=False,
        ).returncode
        == 0
    )


def test_the_database_passwords_rotate_under_load_without_an_outage_or_a_restart():
    owner = Account("rotation")
    api = owner.api()
    project = api.post("/api/projects/", json={"name": "Rotation"}).json()
    tasks = f"/api/projects/{project['id']}/tasks/"
    starts = container_starts()

    load = Load(
        {
            "auth": lambda: api.get("/auth/me/").status_code == 200,
            "resource": lambda: api.post(tasks, json={"title": "a task"}).status_code == 201,
        }
    )
    with load:
        assert wait_for(lambda: load.successes_since(0) >= 5, timeout=30), load.results
        rotated_at = time.monotonic()
        passwords = {database: rotate(database) for database in ("auth", "resource")}
        recovered = wait_for(lambda: load.successes_since(rotated_at) >= 20, timeout=60)

    failures = sorted(at for results in load.results.values() for at, ok in results if not ok)
    outage = failures[-1] - failures[0] if failures else 0.0
    print(
        f"rotation drill: {sum(map(len, load.results.values()))} requests, {len(failures)} failed over {outage:.1f} s"
    )
    assert recovered, f"{len(failures)} requests failed, none of the last succeeded"
    assert not failures or failures[-1] - failures[0] <= MAX_OUTAGE, (
        f"requests failed for {failures[-1] - failures[0]:.1f} s"
    )
    for results in load.results.values():
        assert all(ok for _, ok in results[-10:])

    for database, (old, new) in passwords.items():
        assert not logs_in_through_the_pooler(database, old)
        assert logs_in_through_the_pooler(database, new)
    # The workers work on too: an export (resource worker) and a reset mail's task (auth worker).
    export = api.post(f"/api/projects/{project['id']}/exports/", json={"format": "json"}).json()
    assert wait_for(lambda: api.get(f"/api/exports/{export['id']}/").json()["status"] == "done")
    assert Gateway().post("/auth/password/reset/", json={"email": owner.email}).status_code == 202
    assert wait_for(lambda: any(mail["Subject"] == "Reset your password" for mail in mails_to(owner.email)))
    assert container_starts() == starts
