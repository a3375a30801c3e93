"""Fault drills: dependencies really stopped and started (run by tests/faults/run.py on a stack of its own)."""

import os
import signal
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import fault_stack
import pytest
from conftest import Account, Gateway, wait_for
from harness import Group

SERVICE_UNAVAILABLE = {"detail": "Service temporarily unavailable."}


def readiness(path: str) -> tuple[int, dict]:
    response = Gateway().get(path)
    return response.status_code, response.json()["checks"]


@pytest.fixture
def alice_api():
    return Account("faults").api()


def test_postgres_down_is_a_clean_503_and_recovers_without_restarts(alice_api):
    assert alice_api.get("/api/projects/").status_code == 200
    fault_stack.pg_stop()
    try:
        down = alice_api.get("/api/projects/")
        assert down.status_code == 503
        assert down.json() == SERVICE_UNAVAILABLE
        assert down.headers["Retry-After"]
        # A readiness answer is kept a second (lib/health.py): the probe sees the outage within that.
        assert wait_for(lambda: readiness("/api/readyz") == (503, {"database": "failing", "redis": "ok"}), timeout=5)
        login = Gateway().post("/auth/token/", json={"email": "x@example.com", "password": "whatever"})
        assert login.status_code == 503
    finally:
        fault_stack.pg_start()
    assert wait_for(lambda: alice_api.get("/api/projects/").status_code == 200, timeout=15)
    assert wait_for(lambda: Gateway().get("/auth/readyz").status_code == 200, timeout=5)


def test_redis_down_keeps_the_api_serving_and_login_answers_503(alice_api):
    fault_stack.redis_stop()
    try:
        assert alice_api.get("/api/projects/").status_code == 200
        assert alice_api.post("/api/projects/", json={"name": "Still writable"}).status_code == 201
        assert wait_for(lambda: readiness("/api/readyz") == (503, {"database": "ok", "redis": "failing"}), timeout=5)
        login = Gateway().post("/auth/token/", json={"email": "x@example.com", "password": "whatever"})
        assert login.status_code == 503
        assert login.json() == SERVICE_UNAVAILABLE
    finally:
        fault_stack.redis_start()
    assert wait_for(lambda: Gateway().get("/api/readyz").status_code == 200, timeout=15)
    assert Account("after-redis").login()["access"]


def test_the_api_keeps_serving_while_the_auth_service_is_down(alice_api):
    fault_stack.auth_stop()
    try:
        assert Gateway().get("/auth/healthz").status_code == 502
        assert Gateway().get("/auth/healthz").json() == {"detail": "Bad gateway."}
        assert alice_api.get("/api/projects/").status_code == 200
        assert alice_api.post("/api/projects/", json={"name": "Auth is down"}).status_code == 201
    finally:
        fault_stack.auth_start()
    assert wait_for(lambda: Gateway().get("/auth/healthz").status_code == 200, timeout=30)


def test_sigterm_to_a_web_worker_under_load_fails_no_request(alice_api):
    """The worker that gets the signal ends while requests flow, before and after its exit, and none fails."""
    alice_api.post("/api/projects/", json={"name": "Under load"})
    statuses: Counter = Counter()
    lock = threading.Lock()
    stop = threading.Event()
    deadline = time.monotonic() + 120

    def load(_):
        session = Gateway(alice_api.session.headers["Authorization"].removeprefix("Bearer "))
        for _ in range(3000):
            if stop.is_set() or time.monotonic() > deadline:
                break
            status = session.get("/api/projects/").status_code
            with lock:
                statuses[status] += 1

    def answered() -> int:
        with lock:
            return sum(statuses.values())

    worker = fault_stack.resource_web_worker_pid()
    with ThreadPoolExecutor(max_workers=4) as pool:
        running = pool.map(load, range(4))
        try:
            assert wait_for(lambda: answered() >= 50, timeout=30)
            os.kill(worker, signal.SIGTERM)
            assert wait_for(lambda: not Group(worker).alive(), timeout=30, interval=0.02)
            at_exit = answered()
            assert wait_for(lambda: answered() >= at_exit + 200, timeout=60)
        finally:
            stop.set()
            list(running)
    assert fault_stack.resource_web_worker_pid() != worker
    assert set(statuses) == {200}, statuses


def large_export(alice_api, rows: int) -> str:
    """The URL of a CSV export of a project of `rows` tasks (a run of a second or more), once it runs."""
    project = alice_api.post("/api/projects/", json={"name": "Large export"}).json()
    # The tasks are written straight into this stack's own database.
    insert = (
        "INSERT INTO projects_task (id, project_id, title, description, status, priority, created_at, updated_at) "
        "SELECT gen_random_uuid(), :'project', 'Task ' || n, '', 'todo', 'medium', now(), now() "
        "FROM generate_series(1, :rows) AS n"
    )
    psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", os.environ["FAULTS_PG_PORT"]]
    subprocess.run(
        [*psql, "-U", "postgres", "-v", f"project={project['id']}", "-v", f"rows={rows}", "resource"],
        input=insert,
        text=True,
        check=True,
    )
    export = alice_api.post(f"/api/projects/{project['id']}/exports/", json={"format": "csv"}).json()
    url = f"/api/exports/{export['id']}/"
    assert wait_for(lambda: alice_api.get(url).json()["status"] == "running", timeout=30, interval=0.02)
    return url


def done_lines(export_url: str) -> list[str]:
    """The worker log's "export done" lines of the export."""
    log = Path(os.environ["FAULTS_WORK"], "resource-worker.log").read_text()
    return [line for line in log.splitlines() if '"export done"' in line and export_url.split("/")[-2] in line]


def test_a_worker_killed_mid_export_leaves_one_complete_export(alice_api):
    """SIGKILL the resource worker while it writes an export: once a worker runs again, the export is redelivered
    and finishes, with every row once and a single "export done" in the worker's log."""
    rows = 100_000
    url = large_export(alice_api, rows)
    try:
        fault_stack.resource_worker_kill()
        assert alice_api.get(url).json()["status"] == "running"  # killed mid-run, not after
    finally:
        fault_stack.resource_worker_start()

    assert wait_for(lambda: alice_api.get(url).json()["status"] != "running", timeout=60)
    assert alice_api.get(url).json()["status"] == "done"
    lines = alice_api.get(f"{url}download/").text.splitlines()
    assert len(lines) == rows + 1
    assert len(set(lines)) == rows + 1
    assert len(done_lines(url)) == 1


def test_sigterm_to_the_worker_mid_export_finishes_the_export_before_it_exits(alice_api):
    """A stopped container's worker gets SIGTERM: Celery's warm shutdown finishes the export under way, then exits
    (ECS waits the task definition's StopTimeout for it)."""
    url = large_export(alice_api, 100_000)
    worker = fault_stack.resource_worker_pid()
    try:
        os.kill(worker, signal.SIGTERM)
        assert wait_for(lambda: not Group(worker).alive(), timeout=60, interval=0.05)
        assert alice_api.get(url).json()["status"] == "done"
        assert len(done_lines(url)) == 1
    finally:
        fault_stack.resource_worker_start()
