"""Concurrency harness: many requests of one kind at once through the gateway, and the invariants afterwards.

Each case starts its requests together (a barrier), bounds them in count and time, and then checks what must
hold whatever the interleaving: one account, one winner, a final row equal to one request's body, no data left.
"""

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import requests
from conftest import PASSWORD, Account, Gateway, wait_for

PARALLEL = 8


def at_once(requests_to_send: list[Callable[[], requests.Response]]) -> list[requests.Response]:
    """Send the requests from one thread each, released together."""
    barrier = threading.Barrier(len(requests_to_send), timeout=30)

    def send(request: Callable[[], requests.Response]) -> requests.Response:
        barrier.wait()
        return request()

    with ThreadPoolExecutor(len(requests_to_send)) as pool:
        return list(pool.map(send, requests_to_send))


def test_parallel_registrations_of_one_email_make_one_account_and_answer_like_sequential_ones():
    local = f"race-{uuid.uuid4().hex[:12]}"
    spellings = [f"{local}@example.com", f"{local.upper()}@example.com", f"{local}@EXAMPLE.COM"]
    emails = [spellings[i % len(spellings)] for i in range(PARALLEL)]
    answers = at_once(
        [
            lambda email=email: Gateway().post("/auth/register/", json={"email": email, "password": PASSWORD})
            for email in emails
        ]
    )

    assert sorted(answer.status_code for answer in answers) == [201] + [400] * (PARALLEL - 1), [a.text for a in answers]
    sequential = Gateway().post("/auth/register/", json={"email": emails[0], "password": PASSWORD})
    assert sequential.status_code == 400
    assert all(answer.json() == sequential.json() for answer in answers if answer.status_code == 400)
    created = next(answer.json() for answer in answers if answer.status_code == 201)
    login = Gateway().post("/auth/token/", json={"email": emails[-1], "password": PASSWORD})
    assert login.status_code == 200
    assert Gateway(login.json()["access"]).get("/auth/me/").json()["id"] == created["id"]


def test_parallel_refreshes_of_one_token_all_get_one_successor_pair_which_refreshes(alice):
    refresh = alice.login()["refresh"]
    answers = at_once([lambda: Gateway().post("/auth/token/refresh/", json={"refresh": refresh})] * PARALLEL)

    assert [answer.status_code for answer in answers] == [200] * PARALLEL
    # Two tabs, retries: every one got the same pair, and the session keeps that single chain.
    (successor,) = {(answer.json()["access"], answer.json()["refresh"]) for answer in answers}
    assert Gateway().post("/auth/token/refresh/", json={"refresh": successor[1]}).status_code == 200


def test_parallel_patches_of_one_task_leave_it_equal_to_one_of_the_bodies(alice):
    api = alice.api()
    project = api.post("/api/projects/", json={"name": "Race"}).json()
    task_url = f"/api/projects/{project['id']}/tasks/"
    task = api.post(task_url, json={"title": "Start"}).json()
    statuses, priorities = ["todo", "in_progress", "done"], ["low", "medium", "high"]
    bodies = [
        {
            "title": f"Body {i}",
            "description": f"from request {i}",
            "status": statuses[i % 3],
            "priority": priorities[(i + 1) % 3],
            "due_date": f"2027-01-{i + 1:02d}",
        }
        for i in range(PARALLEL)
    ]
    token = api.session.headers["Authorization"]
    answers = at_once(
        [
            lambda body=body: Gateway().request(
                "PATCH", f"{task_url}{task['id']}/", json=body, headers={"Authorization": token}
            )
            for body in bodies
        ]
    )

    assert [answer.status_code for answer in answers] == [200] * PARALLEL
    final = api.get(f"{task_url}{task['id']}/").json()
    assert {name: final[name] for name in bodies[0]} in bodies
    assert api.get(f"/api/projects/{project['id']}/").json()["task_counts"][final["status"]] == 1


def test_an_account_deleted_while_its_token_keeps_writing_leaves_no_data(sign_like_the_stack):
    """Writers keep creating projects and tasks with the account's access token while it is deleted, until they
    are refused; once the deletion has settled, nothing they wrote remains."""
    account = Account("deleted")
    tokens = account.login()
    api = Gateway(tokens["access"])
    project = api.post("/api/projects/", json={"name": "Before"}).json()
    started, stop = threading.Event(), threading.Event()
    written: list[int] = []

    def write(writer: int) -> None:
        session = Gateway(tokens["access"])
        deadline = time.monotonic() + 30
        for n in range(500):
            if stop.is_set() or time.monotonic() > deadline:
                return
            if n % 2:
                response = session.post(f"/api/projects/{project['id']}/tasks/", json={"title": f"{writer}-{n}"})
            else:
                response = session.post("/api/projects/", json={"name": f"{writer}-{n}"})
            if response.status_code in (401, 404):
                return
            assert response.status_code == 201, response.text
            written.append(writer)
            started.set()

    with ThreadPoolExecutor(4) as pool:
        writers = [pool.submit(write, writer) for writer in range(4)]
        assert started.wait(10)
        deleted = api.delete("/auth/me/", json={"password": PASSWORD})
        assert deleted.status_code == 204
        try:
            for writer in writers:
                writer.result(timeout=40)
        finally:
            stop.set()
    assert written, "no write got in before the deletion"

    # A token made out to the deleted account after the revocation time, to look at what is left of its data.
    observer = Gateway(sign_like_the_stack(tokens["access"], iat=int(time.time()) + 2, exp=int(time.time()) + 300))
    assert wait_for(lambda: observer.get("/api/projects/").json()["count"] == 0, timeout=30), observer.get(
        "/api/projects/"
    ).json()["count"]
    assert observer.get(f"/api/projects/{project['id']}/tasks/").status_code == 404
    # The account's writes stay refused, even with a token the revocation does not cover.
    refused = observer.post("/api/projects/", json={"name": "After"})
    assert refused.status_code == 401
    assert observer.get("/api/projects/").json()["count"] == 0


def test_a_burst_of_wrong_passwords_gets_no_more_tries_than_the_lockout_allows(alice):
    """The lockout is checked and counted in one step: parallel tries cannot all pass the check first."""
    burst = 50
    answers = at_once(
        [lambda: Gateway().post("/auth/token/", json={"email": alice.email, "password": "not it"})] * burst
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert set(statuses) <= {401, 429}, statuses
    # LOGIN_MAX_FAILURES: 5 on every stack the suite runs against.
    assert statuses.count(401) <= 5, statuses
    assert Gateway().post("/auth/token/", json={"email": alice.email, "password": PASSWORD}).status_code == 429
