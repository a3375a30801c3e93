"""Revocation (RFC 8725 section 3.10's replay, OWASP API2): logouts, refresh-token reuse and password changes
end the logins they should, on both services, within the promised time. Key rotation is checked by
tests/rotation/, which needs the stack restarted between its two parts (run_native.py runs it)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from conftest import NEW_PASSWORD, PASSWORD, REUSE_INTERVAL, Gateway, wait_for


def refresh(token: str):
    return Gateway().post("/auth/token/refresh/", json={"refresh": token})


def test_logout_revokes_that_login_only(alice):
    phone, laptop = alice.login(), alice.login()
    assert Gateway().post("/auth/logout/", json={"refresh": phone["refresh"]}).status_code == 204
    assert Gateway().post("/auth/logout/", json={"refresh": phone["refresh"]}).status_code == 204
    assert refresh(phone["refresh"]).status_code == 401
    assert refresh(laptop["refresh"]).status_code == 200


def test_a_refresh_token_used_again_after_the_reuse_interval_ends_the_session_and_its_access_tokens(alice):
    first = alice.login()
    second = refresh(first["refresh"]).json()
    time.sleep(REUSE_INTERVAL + 0.5)  # the condition is the interval having passed
    assert refresh(first["refresh"]).status_code == 401
    assert refresh(second["refresh"]).status_code == 401
    assert wait_for(lambda: Gateway(second["access"]).get("/api/projects/").status_code == 401, timeout=5)


def test_a_refresh_token_used_again_within_the_reuse_interval_gets_the_same_pair(alice):
    first = alice.login()
    assert refresh(first["refresh"]).json() == refresh(first["refresh"]).json()


def test_concurrent_refreshes_with_one_token_all_get_the_same_pair(alice):
    refresh_token = alice.login()["refresh"]
    barrier = threading.Barrier(4)

    def attempt(_):
        barrier.wait()
        response = refresh(refresh_token)
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(attempt, range(4)))
    assert [status for status, _ in answers] == [200] * 4
    assert len({body["refresh"] for _, body in answers}) == 1
    assert refresh(answers[0][1]["refresh"]).status_code == 200


def test_logout_all_reaches_the_resource_service_within_5_seconds(alice):
    old = alice.login()
    api = Gateway(old["access"])
    assert api.get("/api/projects/").status_code == 200
    assert api.post("/auth/logout-all/").status_code == 204

    started = time.monotonic()
    assert wait_for(lambda: api.get("/api/projects/").status_code == 401, timeout=5)
    assert time.monotonic() - started <= 5
    assert api.get("/auth/me/").status_code == 401
    assert refresh(old["refresh"]).status_code == 401
    # A new login works at once.
    assert Gateway(alice.login()["access"]).get("/api/projects/").status_code == 200


def test_a_logout_reaches_the_resource_service_within_5_seconds_for_that_session_only(alice):
    phone, laptop = alice.login(), alice.login()
    phone_api, laptop_api = Gateway(phone["access"]), Gateway(laptop["access"])
    assert phone_api.get("/api/projects/").status_code == laptop_api.get("/api/projects/").status_code == 200
    assert Gateway().post("/auth/logout/", json={"refresh": phone["refresh"]}).status_code == 204

    started = time.monotonic()
    assert wait_for(lambda: phone_api.get("/api/projects/").status_code == 401, timeout=5)
    assert time.monotonic() - started <= 5
    assert laptop_api.get("/api/projects/").status_code == 200
    assert refresh(laptop["refresh"]).status_code == 200


def test_a_password_change_keeps_the_access_token_of_the_session_that_made_it(alice):
    mine, other = alice.login(), alice.login()
    api = Gateway(mine["access"])
    response = api.post("/auth/password/change/", json={"old_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 204
    assert wait_for(lambda: Gateway(other["access"]).get("/api/projects/").status_code == 401, timeout=5)
    assert api.get("/api/projects/").status_code == 200
    assert api.get("/auth/me/").status_code == 200


def test_a_password_change_ends_the_other_logins(alice):
    mine, other = alice.login(), alice.login()
    api = Gateway(mine["access"])
    response = api.post("/auth/password/change/", json={"old_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 204
    assert refresh(other["refresh"]).status_code == 401
    assert wait_for(lambda: Gateway(other["access"]).get("/api/projects/").status_code == 401, timeout=5)
    renewed = refresh(mine["refresh"])
    assert renewed.status_code == 200
    assert Gateway(renewed.json()["access"]).get("/api/projects/").status_code == 200
    login = Gateway().post("/auth/token/", json={"email": alice.email, "password": NEW_PASSWORD})
    assert login.status_code == 200
