"""Bounded load through the gateway, one scenario after another, reported as ratios to the resource service's
own trivial view measured in the same run. Run by tests/bench/run.sh (`make bench`) on a native stack of its own.

Per scenario: requests/s, p50 and p99 latency, server CPU per request (gunicorn and nginx processes, from
/proc), SQL queries per request (django-prometheus counters), and requests that reached the auth service. The
baseline and the scenarios compared with it run in rounds (BENCH_ROUNDS, 3), each round measuring the baseline
again, so that a slow moment of a shared machine shows as one odd round rather than a wrong ratio.
"""

import json
import os
import platform
import re
import statistics
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import requests

BASE = os.environ["BLACKBOX_BASE_URL"]
HERE = Path(__file__).resolve().parent
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
AUTH_PORT = os.environ["AUTH_PORT"]
RESOURCE_PORT = os.environ["RESOURCE_PORT"]
PASSWORD = "a long benchmark passphrase"


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
    server_pids = listening_pids(AUTH_PORT) + listening_pids(RESOURCE_PORT) + listening_pids(os.environ["GATEWAY_PORT"])
    cpu_before = cpu_seconds(server_pids)
    queries_before = metric(RESOURCE_PORT, "django_db_execute_total") + metric(AUTH_PORT, "django_db_execute_total")
    auth_before = metric(AUTH_PORT, "django_http_requests_total_by_view_transport_method_total")
    rps, p50, p99, errors, total = wrk(url, **kwargs)
    cpu = cpu_seconds(server_pids) - cpu_before
    queries = metric(RESOURCE_PORT, "django_db_execute_total") + metric(AUTH_PORT, "django_db_execute_total")
    auth_requests = int(metric(AUTH_PORT, "django_http_requests_total_by_view_transport_method_total") - auth_before)
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


def account(session: requests.Session, label: str) -> dict:
    email = f"bench-{label}-{uuid.uuid4().hex[:8]}@example.com"
    session.post(f"{BASE}/auth/register/", json={"email": email, "password": PASSWORD}, timeout=10).raise_for_status()
    pair = session.post(f"{BASE}/auth/token/", json={"email": email, "password": PASSWORD}, timeout=10).json()
    return {"email": email, **pair}


def seed() -> dict:
    session = requests.Session()
    one, twenty, big = account(session, "one"), account(session, "twenty"), account(session, "big")

    def post(token: str, path: str, body: dict) -> dict:
        response = session.post(f"{BASE}{path}", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        response.raise_for_status()
        return response.json()

    post(one["access"], "/api/projects/", {"name": "Only project"})
    for i in range(20):
        post(twenty["access"], "/api/projects/", {"name": f"Project {i}"})
    project = post(big["access"], "/api/projects/", {"name": "Big"})
    for i in range(1000):
        post(
            big["access"],
            f"/api/projects/{project['id']}/tasks/",
            {"title": f"Task {i}", "priority": ("low", "medium", "high")[i % 3], "status": ("todo", "done")[i % 2]},
        )
    refreshers = [account(session, f"refresh{i}")["refresh"] for i in range(2)]
    # The planner statistics that autovacuum would gather in time (it may be off or not yet have run).
    subprocess.run(["psql", "-X", "-q", os.environ["RESOURCE_DATABASE_URL"], "-c", "ANALYZE"], check=True)
    return {"one": one, "twenty": twenty, "big": big, "project": project["id"], "refreshers": refreshers}


def revocation_check_cost() -> float:
    """Microseconds per revocation check in the resource service, as a request makes it (in-process cache)."""
    code = (
        "import time, uuid, django; django.setup();"
        "from resource_service.tokens import revocation;"
        "users = [str(uuid.uuid4()) for _ in range(50)];"
        "start = time.perf_counter();"
        "[revocation.is_revoked(user_id=users[i % 50], issued_at=time.time()) for i in range(20000)];"
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


def main() -> None:
    data = seed()
    bearer = lambda key: {"Authorization": f"Bearer {data[key]['access']}"}  # noqa: E731
    compared = [  # the baseline first
        ("GET /api/healthz (trivial Django view): the baseline", f"{BASE}/api/healthz", None),
        ("GET /api/projects/, 1 row, authenticated", f"{BASE}/api/projects/", bearer("one")),
        ("GET /api/projects/, 20 rows, authenticated", f"{BASE}/api/projects/", bearer("twenty")),
        (
            "GET 20-task page of a 1,000-task project",
            f"{BASE}/api/projects/{data['project']}/tasks/?limit=20&ordering=priority",
            bearer("big"),
        ),
    ]
    # The machine is shared: each round measures the baseline again just before the scenarios it is compared
    # with, and the report gives each round's ratio and their median.
    rounds = [
        [run(name, url, headers=headers, resource_scenario=True) for name, url, headers in compared]
        for _ in range(ROUNDS)
    ]
    baseline = median_of([measured[0] for measured in rounds])
    results = [run("nginx /healthz (gateway alone)", f"{BASE}/healthz")]
    ratios = {results[0].name: [results[0].rps / baseline.rps]}
    for i in range(len(compared)):
        results.append(median_of([measured[i] for measured in rounds]))
        ratios[results[-1].name] = [measured[i].rps / measured[0].rps for measured in rounds]
    results += [
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
    for r in results[-2:]:
        ratios[r.name] = [r.rps / baseline.rps]
    check_us = revocation_check_cost()
    memory = {port: [round(rss_mib(pid), 1) for pid in listening_pids(port)] for port in (AUTH_PORT, RESOURCE_PORT)}
    write_report(results, ratios, check_us, memory)


def write_report(results: list[Result], ratios: dict[str, list[float]], check_us: float, memory: dict) -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}, {platform.platform()}"
    workers, threads = os.environ.get("GUNICORN_WORKERS", "2"), os.environ.get("GUNICORN_THREADS", "4")
    ratio = {name: statistics.median(values) for name, values in ratios.items()}
    list_one, task_page = results[2], results[4]
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {machine}. wrk ran",
        f"{DURATION} s per scenario with {CONNECTIONS} connections (unless noted) through the gateway of a native",
        f"stack ({workers} gunicorn workers x {threads} threads per service), on the same machine as the load.",
        f"The baseline and the resource scenarios ran in {ROUNDS} rounds, each with the baseline measured again;",
        "their rows give the median of the rounds, and the ratio of each round to its own baseline. Absolute",
        "numbers depend on the machine; the ratios to the baseline, measured in the same run, are what to compare.",
        "",
        "| scenario | requests/s | x baseline | x baseline, each round | p50 ms | p99 ms | errors "
        "| server CPU ms/request | SQL queries/request | requests to auth |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        each = " / ".join(f"{value:.2f}" for value in ratios[r.name]) if len(ratios[r.name]) > 1 else "-"
        lines.append(
            f"| {r.name} | {r.rps:.0f} | {ratio[r.name]:.2f} | {each} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
            f"{r.errors} | {r.cpu_ms_per_request:.2f} | {r.queries_per_request:.2f} | "
            f"{r.auth_requests if r.resource_scenario else '-'} |"
        )
    share = check_us / 1000 / list_one.cpu_ms_per_request
    lines += [
        "",
        f"- Revocation check: {check_us:.2f} µs per request in process (Redis is read at most once a second per user",
        f"  and process), that is {100 * share:.2f} % of the server CPU of an authenticated one-row list "
        f"({list_one.cpu_ms_per_request:.2f} ms). Target: under 5 %. Every authenticated scenario above includes",
        "  it: the service has no way to turn it off, so it is measured on its own.",
        f"- Authenticated one-row list: {ratio[list_one.name]:.2f} x the baseline (target at least 0.7).",
        f"- 20-row page of a 1,000-task project: {ratio[task_page.name]:.2f} x the baseline (target at least 0.33).",
        f"- Requests from the resource service to the auth service during the resource scenarios: "
        f"{sum(r.auth_requests for r in results if r.resource_scenario)} (target 0).",
        f"- Memory (RSS, MiB) of the gunicorn processes: auth {memory[AUTH_PORT]}, resource {memory[RESOURCE_PORT]}.",
        "",
        "Where the list requests spend their time, what was changed and the numbers before and after:",
        "docs/profiling.md (`make profile`).",
        "",
    ]
    report = "\n".join(lines)
    Path("docs").mkdir(exist_ok=True)
    Path("docs/benchmarks.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
