"""Logins, logouts and revocation, across both services."""

import time

from conftest import NEW_PASSWORD, PASSWORD, WRONG_PASSWORD, Account, Gateway, wait_for


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


def test_logout_all_reaches_the_resource_service_within_5_seconds(alice):
    old = alice.login()
    api = Gateway(old["access"])
    assert api.get("/api/projects/").status_code == 200
    assert api.post("/auth/logout-all/").status_code == 204

    started = time.monotonic()
    assert wait_for(lambda: api.get("/api/projects/").status_code == 401, timeout=5)
    assert time.monotonic() - started <= 5
    assert refresh(old["refresh"]).status_code == 401
    # A new login works at once.
    assert Gateway(alice.login()["access"]).get("/api/projects/").status_code == 200


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


def test_an_account_locks_after_five_failures(alice):
    wrong = {"email": alice.email, "password": WRONG_PASSWORD}
    statuses = [Gateway().post("/auth/token/", json=wrong).status_code for _ in range(5)]
    assert statuses == [401] * 5
    locked = Gateway().post("/auth/token/", json={"email": alice.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0


def test_a_forwarded_for_header_does_not_reset_the_lockout(bob):
    wrong = {"email": bob.email, "password": WRONG_PASSWORD}
    for n in range(5):
        Gateway().post("/auth/token/", json=wrong, headers={"X-Forwarded-For": f"203.0.113.{n}"})
    spoofed = Gateway().post(
        "/auth/token/", json={"email": bob.email, "password": PASSWORD}, headers={"X-Forwarded-For": "198.51.100.7"}
    )
    assert spoofed.status_code == 429


def test_unknown_and_known_emails_get_the_same_answers(alice):
    unknown = {"email": f"nobody-{time.time_ns()}@example.com", "password": WRONG_PASSWORD}
    known = {"email": alice.email, "password": WRONG_PASSWORD}
    first, second = Gateway().post("/auth/token/", json=unknown), Gateway().post("/auth/token/", json=known)
    assert (first.status_code, first.json()) == (second.status_code, second.json())
    reset_unknown = Gateway().post("/auth/password/reset/", json={"email": unknown["email"]})
    reset_known = Gateway().post("/auth/password/reset/", json={"email": alice.email})
    assert reset_unknown.status_code == reset_known.status_code == 202
    assert reset_unknown.json() == reset_known.json()


def test_token_responses_are_not_cached(alice):
    response = Gateway().post("/auth/token/", json={"email": alice.email, "password": PASSWORD})
    assert response.headers["Cache-Control"] == "no-store"


def test_profile_edit(alice):
    api = alice.api()
    assert api.request("PATCH", "/auth/me/", json={"display_name": "Alice A."}).json()["display_name"] == "Alice A."
    assert Account("dora").api().get("/auth/me/").json()["display_name"] == ""
