"""Revocation (RFC 8725 section 3.10's replay, OWASP API2): logouts, refresh-token reuse and password changes
end the logins they should, on both services, within the promised time. Key rotation is checked by
tests/rotation/, which needs the stack restarted between its two parts (run_native.py runs it)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from conftest import NEW_PASSWORD, PASSWORD, Gateway, wait_for


def refresh(token: str):
    return Gateway().post("/auth/token/refresh/", json={"refresh": token})


def test_logout_revokes_that_login_only(alice):
    phone, laptop = alice.login(), alice.login()
    assert Gateway().post("/auth/logout/", json={"refresh": phone["refresh"]}).status_code == 204
    assert Gateway().post("/auth/logout/", json={"refresh": phone["refresh"]}).status_code == 204
    assert refresh(phone["refresh"]).status_code == 401
    assert refresh(laptop["refresh"]).status_code == 200


def test_a_reused_refresh_token_revokes_the_family(alice):
    first = alice.login()
    second = refresh(first["refresh"]).json()
    assert refresh(first["refresh"]).status_code == 401
    assert refresh(second["refresh"]).status_code == 401


def test_of_concurrent_refreshes_with_one_token_exactly_one_succeeds(alice):
    refresh_token = alice.login()["refresh"]
    barrier = threading.Barrier(4)

    def attempt(_):
        barrier.wait()
        return refresh(refresh_token).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(attempt, range(4)))
    assert statuses == [200, 401, 401, 401]


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
