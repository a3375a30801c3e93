"""Bounded load through the gateways, one scenario after another, reported as ratios to three baselines measured in
the same run: a stock Django view, the naive DRF lists and the django-ninja lists (tests/bench/baselines). Run by
tests/bench/run.py (`make bench`) on the bench's own stack, with a second stack under `make dev` for what its log
pipeline costs.

Per scenario: requests/s, p50 and p99 latency, server CPU per request (gunicorn and nginx processes, from
/proc), SQL queries per request (django-prometheus counters), and requests that reached the auth service. The
baselines and the scenarios compared with them run in rounds (BENCH_ROUNDS, 3), each round measuring every
one of them again, so that a slow moment of a shared machine shows as one odd round rather than a wrong ratio.

The report replaces docs/benchmarks.md but for its hand-written record of earlier runs (*Before and after*).

With BENCH_COMPOSE=1 (a Docker engine needed), the lists are also measured on the docker compose stack, as it
runs and with its web services' and gateway's output discarded (compose-logs-discarded.yml), each in rounds
with the bench's own stack.
"""

import datetime
import json
import math
import os
import platform
import re
import statistics
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import jwt
import requests

BASE = os.environ["BLACKBOX_BASE_URL"]
HERE = Path(__file__).resolve().parent
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
AUTH_PORT = os.environ["AUTH_PORT"]
RESOURCE_PORT = os.environ["RESOURCE_PORT"]
STOCK = f"http://127.0.0.1:{os.environ['BENCH_STOCK_GATEWAY_PORT']}"
NAIVE = f"http://127.0.0.1:{os.environ['BENCH_NAIVE_GATEWAY_PORT']}"
NINJA = f"http://127.0.0.1:{os.environ['BENCH_NINJA_GATEWAY_PORT']}"
MAKE_DEV = f"http://127.0.0.1:{os.environ['BENCH_DEV_GATEWAY_PORT']}"
MAKE_DEV_PORTS = (os.environ["BENCH_DEV_AUTH_PORT"], os.environ["BENCH_DEV_RESOURCE_PORT"])
COMPOSE_PORT = os.environ.get("BENCH_COMPOSE_GATEWAY_PORT", "")
COMPOSE = f"http://127.0.0.1:{COMPOSE_PORT}" if COMPOSE_PORT else ""
COMPOSE_COMMAND = ["docker", "compose", "--project-name", os.environ.get("BENCH_COMPOSE_PROJECT", "jwt-services-bench")]
SERVER_PORTS = [
    os.environ[name]
    for name in (
        "AUTH_PORT",
        "RESOURCE_PORT",
        "GATEWAY_PORT",
        "BENCH_STOCK_PORT",
        "BENCH_STOCK_GATEWAY_PORT",
        "BENCH_NAIVE_PORT",
        "BENCH_NAIVE_GATEWAY_PORT",
        "BENCH_NINJA_PORT",
        "BENCH_NINJA_GATEWAY_PORT",
        "BENCH_DEV_GATEWAY_PORT",
    )
] + list(MAKE_DEV_PORTS)
PASSWORD = "a long benchmark passphrase"
CONCURRENT_LOGINS = 50


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_ms_per_request: float
    queries_per_request: float
    auth_requests: int
    resource_scenario: bool


def listening_pids(port: str) -> list[int]:
    output = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True, check=True).stdout
    return sorted({int(pid) for pid in re.findall(r"pid=(\d+)", output)})


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def rss_mib(pid: int) -> float:
    match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1)) / 1024 if match else 0.0


def metric(port: str, name: str) -> float:
    """The sum of a Prometheus counter over its labels, leaving out what the metrics view itself counts."""
    body = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    pattern = rf"^{name}(?:{{([^}}]*)}})? ([0-9.e+]+)$"
    return sum(
        float(value) for labels, value in re.findall(pattern, body, re.MULTILINE) if 'view="metrics"' not in labels
    )


def wrk(
    url: str,
    *,
    headers: dict | None = None,
    script: str | None = None,
    args: list[str] = (),
    threads=2,
    connections=CONNECTIONS,
) -> tuple[float, float, float, int, int]:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{DURATION}s", "--timeout", "10s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(HERE / script)]
    command.append(url)
    if args:
        command += ["--", *args]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=DURATION + 60).stdout

    def latency(percentile: str) -> float:
        value, unit = re.search(rf"^\s+{percentile}%\s+([0-9.]+)(us|ms|s)", output, re.MULTILINE).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    requests_total = int(re.search(r"(\d+) requests in", output).group(1))
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    return rps, latency("50"), latency("99"), errors, requests_total


def run(name: str, url: str, *, resource_scenario: bool = False, **kwargs) -> Result:
    if COMPOSE and url.startswith(COMPOSE):
        # The containers' processes and metrics are not reachable from here: requests and latency only.
        rps, p50, p99, errors, _ = wrk(url, **kwargs)
        return Result(name, rps, p50, p99, errors, math.nan, math.nan, 0, False)
    server_pids = [pid for port in SERVER_PORTS for pid in listening_pids(port)]
    auth_port, resource_port = MAKE_DEV_PORTS if url.startswith(MAKE_DEV) else (AUTH_PORT, RESOURCE_PORT)
    cpu_before = cpu_seconds(server_pids)
    queries_before = metric(resource_port, "django_db_execute_total") + metric(auth_port, "django_db_execute_total")
    auth_before = metric(auth_port, "django_http_requests_total_by_view_transport_method_total")
    rps, p50, p99, errors, total = wrk(url, **kwargs)
    cpu = cpu_seconds(server_pids) - cpu_before
    queries = metric(resource_port, "django_db_execute_total") + metric(auth_port, "django_db_execute_total")
    auth_requests = int(metric(auth_port, "django_http_requests_total_by_view_transport_method_total") - auth_before)
    return Result(
        name,
        rps,
        p50,
        p99,
        errors,
        1000 * cpu / max(total, 1),
        (queries - queries_before) / max(total, 1),
        auth_requests,
        resource_scenario,
    )


def account(session: requests.Session, label: str, base: str = BASE) -> dict:
    email = f"bench-{label}-{uuid.uuid4().hex[:8]}@example.com"
    session.post(f"{base}/auth/register/", json={"email": email, "password": PASSWORD}, timeout=10).raise_for_status()
    pair = session.post(f"{base}/auth/token/", json={"email": email, "password": PASSWORD}, timeout=10).json()
    return {"email": email, **pair}


def post(session: requests.Session, base: str, token: str, path: str, body: dict) -> dict:
    response = session.post(f"{base}{path}", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    response.raise_for_status()
    return response.json()


def seed_lists(session: requests.Session, base: str, accounts: dict) -> int:
    """The same rows in the project and in the naive baseline: 1 project, 20 projects, a project of 1,000 tasks
    with due dates over a year. Returns the id of that project."""
    post(session, base, accounts["one"]["access"], "/api/projects/", {"name": "Only project"})
    for i in range(20):
        post(session, base, accounts["twenty"]["access"], "/api/projects/", {"name": f"Project {i}"})
    project = post(session, base, accounts["big"]["access"], "/api/projects/", {"name": "Big"})
    first_day = datetime.date(2027, 1, 1)
    for i in range(1000):
        task = {
            "title": f"Task {i}",
            "priority": ("low", "medium", "high")[i % 3],
            "status": ("todo", "done")[i % 2],
            "due_date": (first_day + datetime.timedelta(days=(i * 7) % 365)).isoformat(),
        }
        post(session, base, accounts["big"]["access"], f"/api/projects/{project['id']}/tasks/", task)
    return project["id"]


def naive_users(subjects: list[str]) -> None:
    """The naive baseline's user rows, one per token subject (its JWTAuthentication reads one per request)."""
    code = (
        "import os; from django.contrib.auth.models import User;"
        "[User.objects.get_or_create(username=subject) for subject in os.environ['BENCH_SUBJECTS'].split()]"
    )
    subprocess.run(
        [str(Path.cwd() / "resource_service" / ".venv" / "bin" / "python"), "manage.py", "shell", "-c", code],
        cwd="tests/bench/baselines",
        check=True,
        env={
            **os.environ,
            "DATABASE_URL": os.environ["BENCH_NAIVE_DATABASE_URL"],
            "BENCH_SUBJECTS": " ".join(subjects),
        },
    )


def seed() -> dict:
    session = requests.Session()
    accounts = {label: account(session, label) for label in ("one", "twenty", "big")}
    project = seed_lists(session, BASE, accounts)
    naive_users([jwt.decode(a["access"], options={"verify_signature": False})["sub"] for a in accounts.values()])
    naive_project = seed_lists(session, NAIVE, accounts)
    refreshers = [account(session, f"refresh{i}")["refresh"] for i in range(2)]
    # The planner statistics that autovacuum would gather in time (it may be off or not yet have run).
    for url in (os.environ["RESOURCE_DATABASE_URL"], os.environ["BENCH_NAIVE_DATABASE_URL"]):
        subprocess.run(["psql", "-X", "-q", url, "-c", "ANALYZE"], check=True)
    return {**accounts, "project": project, "naive_project": naive_project, "refreshers": refreshers}


def compose_up(*overrides: str) -> None:
    """Starts the compose stack, or recreates what the override files change, and waits until it is healthy."""
    files = [arg for path in ["docker-compose.yml", *overrides] for arg in ("-f", path)]
    subprocess.run(
        [*COMPOSE_COMMAND, *files, "up", "--build", "--detach", "--wait", "--wait-timeout", "300"],
        check=True,
        env={**os.environ, "GATEWAY_PORT": COMPOSE_PORT},
        timeout=1200,
    )


def seed_compose() -> dict:
    """The same rows in the compose stack, by accounts of its own."""
    session = requests.Session()
    accounts = {label: account(session, label, COMPOSE) for label in ("one", "twenty", "big")}
    project = seed_lists(session, COMPOSE, accounts)
    psql = ["psql", "-X", "-q", "-U", "postgres", "-d", "resource", "-c", "ANALYZE"]
    subprocess.run([*COMPOSE_COMMAND, "exec", "-T", "postgres", *psql], check=True)
    return {**accounts, "project": project}


def login_rss_after_concurrent_logins(email: str) -> list[float]:
    """RSS (MiB) of the auth service's gunicorn processes after CONCURRENT_LOGINS logins at once."""
    session = requests.Session()

    def login(_: int) -> int:
        body = {"email": email, "password": PASSWORD}
        return session.post(f"{BASE}/auth/token/", json=body, timeout=120).status_code

    with ThreadPoolExecutor(CONCURRENT_LOGINS) as pool:
        statuses = list(pool.map(login, range(CONCURRENT_LOGINS)))
    assert statuses == [200] * CONCURRENT_LOGINS, statuses
    return [round(rss_mib(pid), 1) for pid in listening_pids(AUTH_PORT)]


def revocation_check_cost() -> float:
    """Microseconds per revocation check in the resource service, per user and per session together, as a request
    makes it (in-process cache)."""
    code = (
        "import time, uuid, django; django.setup();"
        "from resource_service.tokens import revocation;"
        "users = [(str(uuid.uuid4()), str(uuid.uuid4())) for _ in range(50)];"
        "start = time.perf_counter();"
        "[revocation.is_revoked(user_id=users[i % 50][0], session_id=users[i % 50][1], issued_at=time.time())"
        " for i in range(20000)];"
        "print((time.perf_counter() - start) / 20000 * 1e6)"
    )
    output = subprocess.run(
        [str(Path.cwd() / "resource_service" / ".venv" / "bin" / "python"), "-c", code],
        cwd="resource_service",
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_DEBUG": "true", "DJANGO_SETTINGS_MODULE": "resource_service.settings"},
    ).stdout
    return float(output.strip().splitlines()[-1])


def median_of(rounds: list[Result]) -> Result:
    """One scenario's rounds as one result: the median of each measure, the sum of the counts."""
    return Result(
        rounds[0].name,
        statistics.median(r.rps for r in rounds),
        statistics.median(r.p50_ms for r in rounds),
        statistics.median(r.p99_ms for r in rounds),
        sum(r.errors for r in rounds),
        statistics.median(r.cpu_ms_per_request for r in rounds),
        statistics.median(r.queries_per_request for r in rounds),
        sum(r.auth_requests for r in rounds),
        rounds[0].resource_scenario,
    )


STOCK_NAME = "stock Django: JsonResponse view, startproject's middleware"
TRIVIAL_NAME = "GET /api/healthz (trivial view, production middleware, request log, metrics)"
LISTS = {  # name: (path of the project, path of the naive and django-ninja baselines (one database), account)
    "GET /api/projects/, 1 row": ("/api/projects/", "/api/projects/", "one"),
    "GET /api/projects/, 20 rows": ("/api/projects/", "/api/projects/", "twenty"),
    "GET 20-task page of a 1,000-task project": (
        "/api/projects/{project}/tasks/?limit=20&ordering=due_date",
        "/api/projects/{naive_project}/tasks/?limit=20&ordering=due_date",
        "big",
    ),
}
LOG_PIPELINE_LISTS = ["GET /api/projects/, 1 row", "GET 20-task page of a 1,000-task project"]


def bearer(data: dict, label: str) -> dict:
    return {"Authorization": f"Bearer {data[label]['access']}"}


def rounds_of(scenarios: list[tuple[str, str, dict | None]]) -> list[dict[str, Result]]:
    """ROUNDS rounds of the scenarios, each a result by scenario name."""
    return [
        {
            name: run(name, url, headers=headers, resource_scenario=url.startswith((BASE, MAKE_DEV)))
            for name, url, headers in scenarios
        }
        for _ in range(ROUNDS)
    ]


def ratios(rounds: list[dict[str, Result]], name: str, baseline: str) -> list[float]:
    """Round by round, a scenario's requests per second over a baseline's."""
    return [measured[name].rps / measured[baseline].rps for measured in rounds]


def compose_rounds(data: dict) -> tuple[list[Result], dict[str, list[float]]]:
    """The log pipeline lists on the compose stack as it runs, then with its output discarded, each in rounds with
    the same list on the bench's own stack. Returns the median results and each one's ratios to the own stack."""
    compose_up()
    compose_data = seed_compose()
    results, to_own_stack = [], {}
    for variant, overrides in (("", ()), (", logs discarded", ("tests/bench/compose-logs-discarded.yml",))):
        if overrides:
            compose_up(*overrides)
        scenarios = []
        for name in LOG_PIPELINE_LISTS:
            path, _, label = LISTS[name]
            scenarios.append((f"{name}, authenticated", BASE + path.format(**data), bearer(data, label)))
            compose_url = COMPOSE + path.format(**compose_data)
            scenarios.append((f"{name}, under docker compose{variant}", compose_url, bearer(compose_data, label)))
        rounds = rounds_of(scenarios)
        for name in LOG_PIPELINE_LISTS:
            compose_name = f"{name}, under docker compose{variant}"
            results.append(median_of([measured[compose_name] for measured in rounds]))
            to_own_stack[compose_name] = ratios(rounds, compose_name, f"{name}, authenticated")
    return results, to_own_stack


def main() -> None:
    data = seed()
    scenarios = [(STOCK_NAME, f"{STOCK}/api/healthz", None), (TRIVIAL_NAME, f"{BASE}/api/healthz", None)]
    for name, (path, _, label) in LISTS.items():
        scenarios.append((f"{name}, authenticated", BASE + path.format(**data), bearer(data, label)))
    for name, (_, naive_path, label) in LISTS.items():
        scenarios.append((f"naive DRF: {name}", NAIVE + naive_path.format(**data), bearer(data, label)))
        scenarios.append((f"django-ninja: {name}", NINJA + naive_path.format(**data), bearer(data, label)))
    for name in LOG_PIPELINE_LISTS:
        path, _, label = LISTS[name]
        scenarios.append((f"{name}, under make dev", MAKE_DEV + path.format(**data), bearer(data, label)))
    rounds = rounds_of(scenarios)
    results = [median_of([measured[name] for measured in rounds]) for name, _, _ in scenarios]
    to_stock = {r.name: ratios(rounds, r.name, STOCK_NAME) for r in results}
    to_naive = {
        f"{name}, authenticated": ratios(rounds, f"{name}, authenticated", f"naive DRF: {name}") for name in LISTS
    }
    to_ninja = {
        f"{name}, authenticated": ratios(rounds, f"{name}, authenticated", f"django-ninja: {name}") for name in LISTS
    }
    # Each list under make dev (and docker compose) against the same list on the bench's own stack.
    to_own_stack = {
        f"{name}, under make dev": ratios(rounds, f"{name}, under make dev", f"{name}, authenticated")
        for name in LOG_PIPELINE_LISTS
    }
    stock = results[0]
    compose_results: list[Result] = []
    if COMPOSE:
        compose_results, to_compose_own_stack = compose_rounds(data)
        to_own_stack.update(to_compose_own_stack)
    # Outside the rounds with the stock baseline, so each is set against its median: the compose lists (whose own
    # rounds compare them with the bench's stack) and three scenarios measured once.
    extra = [
        *compose_results,
        run("nginx /healthz (gateway alone)", f"{BASE}/healthz"),
        run(
            "POST /auth/token/refresh/ (chained, 2 connections)",
            f"{BASE}/auth/token/refresh/",
            script="refresh.lua",
            args=data["refreshers"],
            threads=2,
            connections=2,
        ),
        run(
            "POST /auth/token/ (login, Argon2)",
            f"{BASE}/auth/token/",
            script="post.lua",
            args=[json.dumps({"email": data["one"]["email"], "password": PASSWORD})],
        ),
    ]
    for r in extra:
        to_stock[r.name] = [r.rps / stock.rps]
    write_report(
        results + extra,
        to_stock=to_stock,
        to_naive=to_naive,
        to_ninja=to_ninja,
        to_own_stack=to_own_stack,
        check_us=revocation_check_cost(),
        memory={port: [round(rss_mib(pid), 1) for pid in listening_pids(port)] for port in (AUTH_PORT, RESOURCE_PORT)},
        login_rss=login_rss_after_concurrent_logins(data["one"]["email"]),
    )


def each(values: list[float]) -> str:
    return " / ".join(f"{value:.2f}" for value in values) if len(values) > 1 else "-"


def figure(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f}"


def verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def lost(ratio: float) -> str:
    return f"{100 * (1 - ratio):.0f} %" if ratio < 1 else "nothing"


def report_header() -> list[str]:
    """How the run was made."""
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}, {platform.platform()}"
    workers, threads = os.environ["GUNICORN_WORKERS"], os.environ["GUNICORN_THREADS"]
    return [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {machine}. wrk ran",
        f"{DURATION} s per scenario with {CONNECTIONS} connections (unless noted) through a gateway (the project's",
        "nginx configuration, one instance per system) in front of each system, every system under the same",
        f"gunicorn settings (workers {workers}, threads {threads}), on the same machine as the load. The systems:",
        "this project's native stack (its processes writing their logs to files; JSON request log at INFO, metrics",
        "on), a stock Django project (startproject's settings, one JsonResponse view), the naive DRF lists",
        "(simplejwt's JWTAuthentication reading the user's row, ModelViewSet, ModelSerializer, a count query per",
        "status per row) and the django-ninja lists as its documentation writes them (PyJWT behind HttpBearer,",
        "annotated counts, LimitOffsetPagination with its count, a FilterSchema), the last two on one database",
        "(tests/bench/baselines). The baselines and the scenarios compared with them ran in",
        f"{ROUNDS} rounds, each measuring all of them again; rows give the median of the rounds, and the ratio of",
        "each round to its own baselines. Absolute numbers depend on the machine; the ratios are what to compare.",
        "",
    ]


def ratio_cells(values: list[float] | None) -> str:
    """The median ratio and each round's, or dashes."""
    return f"{statistics.median(values):.2f} | {each(values)}" if values else "- | -"


def report_table(results: list[Result], to_stock: dict, to_naive: dict, to_ninja: dict) -> list[str]:
    """One row per scenario."""
    lines = [
        "| scenario | requests/s | x stock Django | each round | x naive DRF | each round | x django-ninja "
        "| each round | p50 ms | p99 ms | errors | server CPU ms/request | SQL queries/request | requests to auth |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.rps:.0f} | {ratio_cells(to_stock[r.name])} | {ratio_cells(to_naive.get(r.name))} | "
            f"{ratio_cells(to_ninja.get(r.name))} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.errors} | "
            f"{figure(r.cpu_ms_per_request)} | "
            f"{figure(r.queries_per_request)} | {r.auth_requests if r.resource_scenario else '-'} |"
        )
    return lines


def list_targets(results: list[Result], to_stock: dict, to_naive: dict, to_ninja: dict) -> list[str]:
    """The trivial view and the lists against the baselines: issue 13's targets, then issue 27's."""
    by_name = {r.name: r for r in results}
    lines = []
    failed = [r.name for r in results if r.errors]
    if failed:
        lines.append(f"- **Errors in {len(failed)} scenarios, whose figures are not valid**: {'; '.join(failed)}.")
    trivial = statistics.median(to_stock[TRIVIAL_NAME])
    lines.append(f"- Trivial view: {trivial:.2f} x stock Django (target at least 0.8): {verdict(trivial >= 0.8)}.")
    one_name, _, page_name = LISTS
    for name, target in ((one_name, 0.36), (page_name, 0.28)):
        r, naive = by_name[f"{name}, authenticated"], by_name[f"naive DRF: {name}"]
        x_stock, x_naive = statistics.median(to_stock[r.name]), statistics.median(to_naive[r.name])
        lines.append(
            f"- {r.name}: {x_stock:.2f} x stock Django (target at least {target}): "
            f"{verdict(x_stock >= target)}; {x_naive:.2f} x naive DRF (target at least 3): "
            f"{verdict(x_naive >= 3)}; p99 {r.p99_ms:.1f} ms against the naive one's {naive.p99_ms:.1f} ms "
            f"(target no worse): {verdict(r.p99_ms <= naive.p99_ms)}."
        )
    for name in LISTS:
        r, ninja = by_name[f"{name}, authenticated"], by_name[f"django-ninja: {name}"]
        x_ninja, x_naive = statistics.median(to_ninja[r.name]), statistics.median(to_naive[r.name])
        lines.append(
            f"- {r.name}: {x_ninja:.2f} x django-ninja (target at least 1.3): {verdict(x_ninja >= 1.3)}; "
            f"{x_naive:.2f} x naive DRF (target at least 2): {verdict(x_naive >= 2)}; p99 {r.p99_ms:.1f} ms against "
            f"django-ninja's {ninja.p99_ms:.1f} ms (target no worse): {verdict(r.p99_ms <= ninja.p99_ms)}."
        )
    return lines


def log_pipeline_targets(to_own_stack: dict[str, list[float]]) -> list[str]:
    """Each list under make dev (and docker compose) against the same list on the bench's own stack."""
    lines = []
    for name, values in to_own_stack.items():
        if name.endswith(", logs discarded"):
            continue
        ratio = statistics.median(values)
        pipeline = "honcho relaying every log line" if "make dev" in name else "Docker's json-file logging driver"
        line = (
            f"- {name} ({pipeline}): {ratio:.2f} x the same list on the bench's own stack (rounds {each(values)}),"
            f" {lost(ratio)} lost (target at most 15 %): {verdict(ratio >= 0.85)}."
        )
        discarded = to_own_stack.get(f"{name}, logs discarded")
        if discarded:
            line += (
                f" With the output of its web services and gateway discarded, the same stack runs at"
                f" {statistics.median(discarded):.2f} x (rounds {each(discarded)}): against that, its log pipeline"
                f" costs {lost(ratio / statistics.median(discarded))}."
            )
        lines.append(line)
    if not COMPOSE:
        lines.append(
            "- The docker compose stack is not measured in this run: `BENCH_COMPOSE=1 make bench` measures it"
            " (a Docker engine is needed)."
        )
    return lines


def service_targets(
    results: list[Result], *, check_us: float, memory: dict[str, list[float]], login_rss: list[float]
) -> list[str]:
    """The revocation check, the queries per list, the calls to the auth service and the memory."""
    one_name, twenty_name, _ = LISTS
    list_one, list_twenty = (
        next(r for r in results if r.name == f"{name}, authenticated") for name in (one_name, twenty_name)
    )
    share = check_us / 1000 / list_one.cpu_ms_per_request
    return [
        f"- Revocation check (the user's time and the session's mark): {check_us:.2f} µs per request in process",
        f"  (Redis is read at most once a second per user, session and process), {100 * share:.2f} % of the server",
        "  CPU of an authenticated one-row",
        f"  list ({list_one.cpu_ms_per_request:.2f} ms; target under 5 %): {verdict(share < 0.05)}.",
        f"- SQL queries per list request: {list_one.queries_per_request:.2f} for 1 row, "
        f"{list_twenty.queries_per_request:.2f} for 20 (target the same): "
        # A reconnection now and then adds a fraction of a query to either; what matters is the per-row part.
        f"{verdict(round(list_one.queries_per_request) == round(list_twenty.queries_per_request))}.",
        f"- Requests from the resource service to the auth service during the resource scenarios: "
        f"{sum(r.auth_requests for r in results if r.resource_scenario)} (target 0).",
        f"- RSS (MiB) of the auth service's gunicorn processes (master, workers) after {CONCURRENT_LOGINS} concurrent"
        f" logins: {login_rss} (target: every worker under 150): {verdict(max(login_rss) < 150)}.",
        f"- RSS (MiB) after the whole run: auth {memory[AUTH_PORT]}, resource {memory[RESOURCE_PORT]}.",
    ]


HISTORY = "\n## Before and after\n"


def write_report(
    results: list[Result],
    *,
    to_stock: dict[str, list[float]],
    to_naive: dict[str, list[float]],
    to_ninja: dict[str, list[float]],
    to_own_stack: dict[str, list[float]],
    check_us: float,
    memory: dict[str, list[float]],
    login_rss: list[float],
) -> None:
    lines = [
        *report_header(),
        *report_table(results, to_stock, to_naive, to_ninja),
        "",
        "Targets, each from the ratios of this run:",
        "",
        *list_targets(results, to_stock, to_naive, to_ninja),
        *log_pipeline_targets(to_own_stack),
        *service_targets(results, check_us=check_us, memory=memory, login_rss=login_rss),
        "",
        "Where the requests spend their time, and why the targets that are missed are missed: docs/profiling.md",
        "(`make profile`).",
        "",
    ]
    report = "\n".join(lines)
    path = Path("docs/benchmarks.md")
    # The record of earlier runs, written by hand below this heading, stays.
    history = path.read_text().partition(HISTORY)[2] if path.exists() else ""
    path.parent.mkdir(exist_ok=True)
    path.write_text(report + (HISTORY + history if history else ""))
    print(report)


if __name__ == "__main__":
    main()
