"""make bench: a native stack of its own (separate databases, Redis database 7, the bench's ports, rate limits lifted:
this measures capacity, not limits), each process of the Procfile started directly with its output in a file; three
baselines beside it, each under the same gunicorn settings behind a gateway of the same configuration: a stock
Django project, a naive DRF one and a django-ninja one, the last two on one database (tests/bench/baselines); and a
second native stack on the same databases and keys under `make dev` (honcho relaying every process's output), for
what that log pipeline costs. Then bench.py seeds them through their APIs, measures and writes docs/benchmarks.md.
Needs wrk (apt-get install wrk). With BENCH_COMPOSE=1 also the docker compose stack, under a project name of its own
(needs a Docker engine; bench.py starts it, this removes it with its volumes). Every process is stopped in the end;
their logs are kept in tests/artifacts/bench/ (git-ignored)."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import ROOT, Group, ports, run, status, wait_until

DATABASES = {name: f"postgres://postgres@127.0.0.1:5432/bench_{name}" for name in ("auth", "resource", "naive")}
PROCFILE_PROCESSES = ("auth", "resource", "auth_worker", "resource_worker", "gateway")
RESOURCE_PYTHON = str(ROOT / "resource_service" / ".venv" / "bin" / "python")


def environment(work: Path, stack_ports: dict[str, str]) -> dict[str, str]:
    dev = work / "dev"
    unlimited = {
        "LOGIN_RATE_PER_ADDRESS": "1000000/min",
        "REGISTER_RATE_PER_ADDRESS": "1000000/hour",
        # A try counts against the account's lockout before its password is checked: 50 concurrent logins of one
        # account are 50 tries in flight.
        "LOGIN_MAX_FAILURES": "1000000",
        "GATEWAY_AUTH_RATE": "100000r/s",
        "GATEWAY_API_RATE": "100000r/s",
        "GATEWAY_AUTH_BURST": "100000",
        "GATEWAY_API_BURST": "100000",
    }
    return {
        **stack_ports,
        **unlimited,
        "DEV_DIR": str(dev),
        "JWT_PRIVATE_KEY_FILE": str(dev / "keys" / "jwt-private.pem"),
        "JWT_PUBLIC_KEY_FILE": str(dev / "keys" / "jwt-public.pem"),
        "AUTH_SECRET_KEY_FILE": str(dev / "keys" / "auth-secret-key"),
        "RESOURCE_SECRET_KEY_FILE": str(dev / "keys" / "resource-secret-key"),
        "AUTH_MFA_KEYS_FILE": str(dev / "keys" / "auth-mfa-keys"),
        "RESOURCE_MFA_KEYS_FILE": str(dev / "keys" / "resource-mfa-keys"),
        "AUTH_DATABASE_URL": DATABASES["auth"],
        "RESOURCE_DATABASE_URL": DATABASES["resource"],
        "BENCH_NAIVE_DATABASE_URL": DATABASES["naive"],
        "REDIS_URL": "redis://127.0.0.1:6379/7",
        # The tokens seeded at the start are used for the whole run, which lasts longer than the 5 minutes they live.
        "ACCESS_TOKEN_LIFETIME": "3600",
        # Production logging: one JSON line per request.
        "LOG_LEVEL": "INFO",
        "BLACKBOX_BASE_URL": f"http://127.0.0.1:{stack_ports['GATEWAY_PORT']}",
        "BASELINE_SECRET_KEY": "bench-baseline-not-secret",
        # Every system under the same gunicorn settings: the services' defaults (gunicorn.conf.py) unless set.
        "GUNICORN_WORKERS": os.environ.get("GUNICORN_WORKERS", "4"),
        "GUNICORN_THREADS": os.environ.get("GUNICORN_THREADS", "1"),
    }


def fresh_databases() -> None:
    """Rows left by an earlier run would change the query plans measured."""
    for url in DATABASES.values():
        server, name = url.rsplit("/", 1)
        run(["psql", "-X", "-q", f"{server}/postgres", "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])
    server, name = DATABASES["naive"].rsplit("/", 1)
    run(["psql", "-X", "-q", f"{server}/postgres", "-c", f"CREATE DATABASE {name}"])


def start_all(work: Path, stack_ports: dict[str, str]) -> list[Group]:
    """The bench's own stack (the Procfile's web services, workers and gateway, each writing to a file), the three
    baselines and their gateways, and the second stack under make dev; until each answers."""
    groups = []
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(": ")
        if name in PROCFILE_PROCESSES:
            groups.append(Group.start(["sh", "-c", command], log=work / f"{name}.log"))
    baselines = ROOT / "tests" / "bench" / "baselines"
    gunicorn = [
        str(ROOT / "resource_service" / ".venv" / "bin" / "gunicorn"),
        "--chdir",
        str(baselines),
        "--workers",
        os.environ["GUNICORN_WORKERS"],
        "--threads",
        os.environ["GUNICORN_THREADS"],
        "--keep-alive",
        "75",
        "--no-control-socket",
    ]
    stock, naive = stack_ports["BENCH_STOCK_PORT"], stack_ports["BENCH_NAIVE_PORT"]
    groups.append(Group.start([*gunicorn, "--bind", f"127.0.0.1:{stock}", "stock:application"], log=work / "stock.log"))
    for arguments in (["migrate", "-v", "0"], ["migrate", "--run-syncdb", "-v", "0"]):
        run([RESOURCE_PYTHON, "manage.py", *arguments], env={"DATABASE_URL": DATABASES["naive"]}, cwd=baselines)
    ninja = stack_ports["BENCH_NINJA_PORT"]
    for name, port, package in (("naive", naive, "naive"), ("ninja", ninja, "ninja_lists")):
        groups.append(
            Group.start(
                [*gunicorn, "--bind", f"127.0.0.1:{port}", f"{package}.wsgi:application"],
                log=work / f"{name}.log",
                env={"DATABASE_URL": DATABASES["naive"]},
            )
        )
    for name, upstream in (("stock", stock), ("naive", naive), ("ninja", ninja)):
        gateway_env = {
            "GATEWAY_PREFIX": str(work / f"gateway-{name}"),
            "GATEWAY_PORT": stack_ports[f"BENCH_{name.upper()}_GATEWAY_PORT"],
            "RESOURCE_UPSTREAM": f"127.0.0.1:{upstream}",
            "AUTH_UPSTREAM": f"127.0.0.1:{stack_ports['AUTH_PORT']}",
        }
        groups.append(Group.start(["gateway/run.sh"], log=work / f"{name}-gateway.log", env=gateway_env))

    expected = {
        f"http://127.0.0.1:{stack_ports['AUTH_PORT']}/auth/readyz": 200,
        f"http://127.0.0.1:{stack_ports['RESOURCE_PORT']}/api/readyz": 200,
        f"http://127.0.0.1:{stack_ports['GATEWAY_PORT']}/api/readyz": 200,
        f"http://127.0.0.1:{stack_ports['BENCH_STOCK_GATEWAY_PORT']}/api/healthz": 200,
        f"http://127.0.0.1:{stack_ports['BENCH_NAIVE_GATEWAY_PORT']}/api/projects/": 401,
        f"http://127.0.0.1:{stack_ports['BENCH_NINJA_GATEWAY_PORT']}/api/projects/": 401,
    }
    for url, answer in expected.items():
        wait_until(lambda: status(url) == answer, seconds=60, what=f"{url} did not answer {answer}")  # noqa: B023

    # The second stack: make dev on ports of its own, sharing the first one's databases, Redis and keys.
    make_dev = {
        name.removeprefix("BENCH_DEV_"): value for name, value in stack_ports.items() if name.startswith("BENCH_DEV_")
    }
    groups.append(
        Group.start(
            ["make", "--no-print-directory", "dev"],
            log=work / "make-dev.log",
            env={**make_dev, "DEV_DIR": str(work / "make-dev")},
        )
    )
    gateway = f"http://127.0.0.1:{make_dev['GATEWAY_PORT']}"
    wait_until(
        lambda: status(f"{gateway}/auth/readyz") == status(f"{gateway}/api/readyz") == 200,
        seconds=120,
        what="The make dev stack did not become ready",
        logs=[work / "make-dev.log"],
    )
    return groups


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    compose = os.environ.get("BENCH_COMPOSE") == "1"
    if compose and subprocess.run(["docker", "info"], capture_output=True, check=False).returncode:
        raise SystemExit("BENCH_COMPOSE=1 needs a running Docker engine")
    work = Path(tempfile.mkdtemp())
    stack_ports = ports("bench")
    os.environ.update(environment(work, stack_ports))
    if compose:
        os.environ["BENCH_COMPOSE_PROJECT"] = "jwt-services-bench"
    else:
        os.environ.pop("BENCH_COMPOSE_GATEWAY_PORT", None)
    fresh_databases()
    groups: list[Group] = []
    try:
        run(["make", "--no-print-directory", "dev-prepare"])
        groups = start_all(work, stack_ports)
        run([str(ROOT / ".venv" / "bin" / "python"), "tests/bench/bench.py"])
    finally:
        for group in groups:
            group.stop()
        if compose:
            project = ["docker", "compose", "--project-name", os.environ["BENCH_COMPOSE_PROJECT"]]
            with (work / "compose.log").open("w") as log:
                subprocess.run([*project, "logs", "--no-color"], stdout=log, stderr=log, check=False)
            subprocess.run([*project, "down", "--volumes", "--remove-orphans"], capture_output=True, check=False)
        kept = ROOT / "tests" / "artifacts" / "bench"
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir(parents=True)
        for log in work.glob("*.log"):
            shutil.copy(log, kept)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
