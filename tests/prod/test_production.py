"""The production images, run as ECS runs them (tests/prod/run.sh): what only production has works.

Mail goes out through SES's API from the verified sender, exports are stored in S3, the services
connect through the pooler as their application users, and nothing they do leaves state on a pooled connection.
Each service is a Redis user of its own, which cannot touch the other's keys.
"""

import json
import subprocess

import jwt
import pytest
from conftest import NEW_PASSWORD, PASSWORD, Account, Gateway, link_values, mails_to, wait_for
from containers import compose, object_versions, pooler, psql
from seed import ENVIRONMENT

IMAGES = ["jwt-services/auth:prod", "jwt-services/resource:prod"]
# Amazon Trust Services' roots: ElastiCache, RDS Proxy, SES and every AWS API present chains ending in one.
AMAZON_ROOTS = {"Amazon Root CA 1", "Amazon Root CA 2", "Amazon Root CA 3", "Amazon Root CA 4"}
# The common names of the authorities Python's default TLS context trusts (Redis), then of those in the
# bundle libpq verifies PostgreSQL against (lib/env.py's SYSTEM_CA_BUNDLE).
TRUSTED_NAMES = """
import json, ssl
for context in (ssl.create_default_context(), ssl.create_default_context(cafile="/etc/ssl/certs/ca-certificates.crt")):
    print(json.dumps([dict(pair[0] for pair in cert["subject"]).get("commonName") for cert in context.get_ca_certs()]))
"""

# Redis commands tried with a service container's own credentials: what each answered.
REDIS_TRIES = """
import json, sys, django, redis
from django.conf import settings
django.setup()
client = redis.Redis.from_url(settings.REDIS_URL)
answers = {}
for command in json.loads(sys.argv[1]):
    try:
        client.execute_command(*command)
        answers[" ".join(command)] = "done"
    except redis.exceptions.NoPermissionError:
        answers[" ".join(command)] = "refused"
print(json.dumps(answers))
"""


def redis_tries(service: str, commands: list[list[str]]) -> dict[str, str]:
    result = compose("exec", "-T", service, "python", "-c", REDIS_TRIES, json.dumps(commands))
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def dana() -> Account:
    """A new account, verified through its welcome mail: EMAIL_VERIFICATION is mandatory here, as in production."""
    account = Account("dana")
    unverified = Gateway().post("/auth/token/", json={"email": account.email, "password": PASSWORD})
    assert unverified.status_code == 403
    assert unverified.json()["code"] == "email_unverified"
    account.verify()
    return account


@pytest.mark.parametrize("image", IMAGES)
def test_the_images_trust_the_certificate_authorities_aws_endpoints_present(image):
    result = subprocess.run(
        ["docker", "run", "--rm", "--entrypoint", "python3", image, "-c", TRUSTED_NAMES],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    for line in lines:
        assert set(json.loads(line)) >= AMAZON_ROOTS


@pytest.mark.parametrize(
    ("image", "folder"),
    [
        ("jwt-services/auth:prod", "/keys/private"),
        ("jwt-services/auth:prod", "/keys/resource"),
        ("jwt-services/resource:prod", "/keys/resource"),
    ],
)
def test_the_services_user_cannot_write_the_key_folders(image, folder):
    """compose's keygen writes the keys as root; the services' user only reads them."""
    result = subprocess.run(
        ["docker", "run", "--rm", "--entrypoint", "sh", image, "-c", f"touch {folder}/probe"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Permission denied" in result.stderr


def test_a_new_account_is_welcomed_through_the_mail_server_and_verified_by_its_link(dana):
    assert [m["Subject"] for m in mails_to(dana.email)] == ["Welcome"]
    assert jwt.decode(dana.login()["access"], options={"verify_signature": False})["email_verified"] is True


def test_a_password_reset_mail_lets_the_owner_choose_a_new_password_and_verifies_the_address():
    erin = Account("erin")
    assert Gateway().post("/auth/password/reset/", json={"email": erin.email}).status_code == 202
    assert wait_for(lambda: any(m["Subject"] == "Reset your password" for m in mails_to(erin.email)))
    (mail,) = [m for m in mails_to(erin.email) if m["Subject"] == "Reset your password"]
    confirmed = Gateway().post(
        "/auth/password/reset/confirm/", json={**link_values(mail), "new_password": NEW_PASSWORD}
    )
    assert confirmed.status_code == 204
    login = Gateway().post("/auth/token/", json={"email": erin.email, "password": NEW_PASSWORD})
    assert login.status_code == 200
    assert wait_for(lambda: any(m["Subject"] == "Your password was reset" for m in mails_to(erin.email)))


def test_a_session_ended_from_the_list_is_refused_at_the_resource_service_through_redis(dana):
    """The session rows through the pooler as the application user, the mark through the services' Redis users."""
    phone, laptop = dana.login(), dana.login()
    laptop_api, phone_api = Gateway(laptop["access"]), Gateway(phone["access"])
    sessions = laptop_api.get("/auth/sessions/").json()
    assert [session["current"] for session in sessions][:2] == [True, False]
    assert phone_api.get("/api/projects/").status_code == 200
    assert laptop_api.request("DELETE", f"/auth/sessions/{sessions[1]['id']}/").status_code == 204
    assert wait_for(lambda: phone_api.get("/api/projects/").status_code == 401, timeout=5)
    assert laptop_api.get("/api/projects/").status_code == 200


def test_tasks_exported_to_s3_are_downloaded_and_gone_with_the_account(dana):
    api = dana.api()
    project = api.post("/api/projects/", json={"name": "Harbour"}).json()
    for title in ("Paint the hull", "Mend the sails"):
        assert api.post(f"/api/projects/{project['id']}/tasks/", json={"title": title}).status_code == 201
    export = api.post(f"/api/projects/{project['id']}/exports/", json={"format": "csv"}).json()
    assert wait_for(lambda: api.get(f"/api/exports/{export['id']}/").json()["status"] == "done")
    download = api.get(f"/api/exports/{export['id']}/download/")
    assert download.status_code == 200
    assert "Paint the hull" in download.text
    assert "Mend the sails" in download.text

    # Every version of the file leaves the versioned bucket with the account.
    key = f"resource-service/exports/{export['id']}.csv"
    assert object_versions(key) != []
    assert api.delete("/auth/me/", json={"password": PASSWORD}).status_code == 204
    assert wait_for(lambda: object_versions(key) == [])


def test_the_services_connect_through_the_pooler_as_their_application_users_only():
    clients = {(row[1], row[2]) for row in pooler("SHOW CLIENTS") if row[2] != "pgbouncer"}
    assert clients == {("auth_app", "auth"), ("resource_app", "resource")}


@pytest.mark.parametrize("database", ["auth", "resource"])
def test_the_schema_belongs_to_its_owner_who_ran_the_migrations(database):
    owners = psql(database, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'").stdout.split()
    assert owners == [f"{database}_owner"]


@pytest.mark.parametrize("database", ["auth", "resource"])
def test_the_application_user_reads_and_writes_rows_but_cannot_change_the_schema(database):
    refused = psql(database, "CREATE TABLE intruder (id int)", user=f"{database}_app", check=False)
    assert refused.returncode != 0
    assert "permission denied" in refused.stderr


@pytest.mark.parametrize("database", ["auth", "resource"])
def test_no_lock_or_transaction_outlives_its_request_on_a_pooled_connection(database):
    """Behind a transaction-mode pooler the next transaction on that server connection is anyone's."""
    locks = psql(
        database,
        "SELECT count(*) FROM pg_locks JOIN pg_database ON pg_database.oid = pg_locks.database"
        " WHERE locktype = 'advisory' AND datname = current_database()",
    ).stdout.strip()
    assert locks == "0"
    open_transactions = psql(
        database,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND state LIKE 'idle in transaction%'",
    ).stdout.strip()
    assert open_transactions == "0"


def test_the_resource_services_redis_user_cannot_write_the_auth_services_keys():
    """A resource task can neither plant a cache value or a lockout, queue an auth task, command its workers nor
    write a revocation: it reads the revocations and nothing else of the auth service's."""
    answers = redis_tries(
        "resource",
        [
            ["SET", "auth:1:planted", "x"],
            ["DEL", "auth:login-failures:probe"],
            ["LPUSH", "auth:auth", "{}"],
            ["PUBLISH", "auth:celery.pidbox", "{}"],
            ["SET", "revoked-before:probe", "0"],
            ["GET", "revoked-before:probe"],
            ["DEL", "revoked-session:probe"],
            ["GET", "revoked-session:probe"],
            ["SET", "resource:probe", "x", "EX", "5"],
            ["KEYS", "*"],
            ["FLUSHDB"],
        ],
    )
    assert answers == {
        "SET auth:1:planted x": "refused",
        "DEL auth:login-failures:probe": "refused",
        "LPUSH auth:auth {}": "refused",
        "PUBLISH auth:celery.pidbox {}": "refused",
        "SET revoked-before:probe 0": "refused",
        "GET revoked-before:probe": "done",
        "DEL revoked-session:probe": "refused",
        "GET revoked-session:probe": "done",
        "SET resource:probe x EX 5": "done",
        "KEYS *": "refused",
        "FLUSHDB": "refused",
    }


def test_the_auth_services_redis_user_reaches_only_its_keys_and_the_resource_queue():
    answers = redis_tries(
        "auth",
        [
            ["SET", "resource:planted", "x"],
            ["LLEN", "resource:resource"],
            ["SET", "auth:probe", "x", "EX", "5"],
            ["SET", "revoked-before:probe", "0", "EX", "5"],
            ["SET", "revoked-session:probe", "1", "EX", "5"],
        ],
    )
    assert answers == {
        "SET resource:planted x": "refused",
        "LLEN resource:resource": "done",
        "SET auth:probe x EX 5": "done",
        "SET revoked-before:probe 0 EX 5": "done",
        "SET revoked-session:probe 1 EX 5": "done",
    }


@pytest.mark.parametrize("service", ["auth", "resource"])
def test_each_beat_writes_its_queues_depth_as_a_cloudwatch_metric_line(service):
    """What CloudWatch reads as the metric the workers scale on: an embedded-metric JSON line in the beat's log."""

    def depth_lines() -> list[dict]:
        lines = compose("logs", "--no-log-prefix", f"{service}-beat").stdout.splitlines()
        return [json.loads(line) for line in lines if line.startswith("{") and '"queue depth"' in line]

    assert wait_for(lambda: depth_lines(), timeout=60)
    line = depth_lines()[0]
    (metric,) = line["_aws"]["CloudWatchMetrics"]
    assert metric["Namespace"] == f"JwtServices/{ENVIRONMENT}"
    assert metric["Metrics"] == [{"Name": "QueueDepth", "Unit": "Count"}]
    assert (line["Queue"], type(line["QueueDepth"])) == (service, int)
