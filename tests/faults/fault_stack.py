"""The fault drills' own stack (tests/faults/run.py sets it up in FAULTS_WORK): a PostgreSQL cluster and a Redis
server started here, never the machine's own services; the services under honcho with the auth service in a
separate honcho so that it can be stopped alone, and the resource worker in a third so that it can be killed
alone. test_faults.py stops and starts each part; the groups' pids are kept in FAULTS_WORK."""

import os
import subprocess
from pathlib import Path

from harness import Group, status, wait_until

WORK = Path(os.environ["FAULTS_WORK"])
PG_PORT = os.environ["FAULTS_PG_PORT"]
REDIS_PORT = os.environ["FAULTS_REDIS_PORT"]
GATEWAY = os.environ["BLACKBOX_BASE_URL"]
PGBIN = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name))
SERVE = ["make", "--no-print-directory", "dev-serve"]


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else command


def pg_init() -> None:
    (WORK / "pg").mkdir()
    if os.getuid() == 0:
        subprocess.run(["chown", "postgres", str(WORK / "pg")], check=True)
    command = [str(PGBIN / "initdb"), "-D", str(WORK / "pg"), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
    subprocess.run(_as_postgres(command), check=True, capture_output=True)


def pg_start() -> None:
    options = f"-p {PG_PORT} -c listen_addresses=127.0.0.1 -k {WORK / 'pg'}"
    command = [str(PGBIN / "pg_ctl"), "-D", str(WORK / "pg"), "-l", str(WORK / "pg" / "server.log"), "-w"]
    started = subprocess.run(_as_postgres([*command, "-o", options, "start"]), capture_output=True, check=False)
    if started.returncode:
        raise SystemExit(f"PostgreSQL did not start; its log:\n{(WORK / 'pg' / 'server.log').read_text()}")


def pg_stop() -> None:
    if (WORK / "pg").exists():
        command = [str(PGBIN / "pg_ctl"), "-D", str(WORK / "pg"), "-m", "fast", "-w", "stop"]
        subprocess.run(_as_postgres(command), capture_output=True, check=False)


def _redis_answers() -> bool:
    return subprocess.run(["redis-cli", "-p", REDIS_PORT, "ping"], capture_output=True, check=False).returncode == 0


def redis_start() -> None:
    files = ["--pidfile", str(WORK / "redis.pid"), "--logfile", str(WORK / "redis.log")]
    server = ["redis-server", "--port", REDIS_PORT, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    subprocess.run([*server, "--daemonize", "yes", *files], check=True)
    wait_until(_redis_answers, seconds=5, what="Redis did not answer", logs=[WORK / "redis.log"])


def redis_stop() -> None:
    subprocess.run(["redis-cli", "-p", REDIS_PORT, "shutdown", "nosave"], capture_output=True, check=False)
    wait_until(lambda: not (WORK / "redis.pid").exists(), seconds=5, what="Redis did not stop")


def _stop(name: str, grace: float = 20.0) -> None:
    group = Group.at(WORK / f"{name}.pid")
    if group is not None:
        group.stop(grace)


def stack_start() -> None:
    processes = "DEV_PROCESSES=resource auth_worker auth_beat resource_beat gateway"
    Group.start([*SERVE, processes], log=WORK / "stack.log", pidfile=WORK / "stack.pid")


def stack_stop() -> None:
    _stop("stack")


def auth_start() -> None:
    Group.start([*SERVE, "DEV_PROCESSES=auth"], log=WORK / "auth.log", pidfile=WORK / "auth.pid")
    port = os.environ["AUTH_PORT"]
    wait_until(lambda: status(f"http://127.0.0.1:{port}/auth/healthz") == 200, seconds=20, what="auth did not start")


def auth_stop() -> None:
    _stop("auth")


def resource_worker_start() -> None:
    """Apart from the stack, so that it can be killed alone; until its log has one more "ready." line. What is
    left of a previous one is killed first: one worker at a time."""
    _stop("resource-worker", grace=0)
    log = WORK / "resource-worker.log"
    log.touch()

    def readies() -> int:
        return log.read_text(errors="replace").count('ready."')

    before = readies()
    Group.start([*SERVE, "DEV_PROCESSES=resource_worker"], log=log, pidfile=WORK / "resource-worker.pid")
    wait_until(lambda: readies() > before, seconds=30, what="The resource worker did not become ready", logs=[log])


def resource_worker_kill() -> None:
    _stop("resource-worker", grace=0)


def _cmdline(pid: int | str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def resource_worker_pid() -> int:
    """The resource worker's main Celery process (the one a container's stop signals), not a pool child: Celery
    titles it "[celeryd: resource@<host>:MainProcess] ..." (the Procfile names the node)."""
    group = Group.at(WORK / "resource-worker.pid")
    for pid in group.descendants() if group is not None else []:
        title = _cmdline(pid)
        if "celeryd: resource@" in title and ":MainProcess]" in title:
            return pid
    raise SystemExit("no resource worker runs")


def wait_ready() -> None:
    wait_until(
        lambda: status(f"{GATEWAY}/auth/readyz") == status(f"{GATEWAY}/api/readyz") == 200,
        seconds=60,
        what="The fault-drill stack did not become ready",
        logs=[WORK / "stack.log", WORK / "auth.log"],
    )


def resource_web_worker_pid() -> int:
    """One gunicorn worker (not the master) of this stack's resource service: of the processes that hold its
    listening socket, one whose parent holds it too."""
    listing = subprocess.run(
        ["ss", "-ltnpH", f"sport = :{os.environ['RESOURCE_PORT']}"], capture_output=True, text=True, check=True
    ).stdout
    pids = {int(part.split("=")[1]) for part in listing.replace(",", " ").split() if part.startswith("pid=")}
    for pid in pids:
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        if parent in pids:
            return pid
    raise SystemExit(f"no worker of the resource service holds port {os.environ['RESOURCE_PORT']}")
