"""Brute force and enumeration (OWASP API2, API6): failed logins lock the account whatever address headers a
client sends, and an unknown email gets the same answers as a known one. The per-address limits themselves
are checked with their defaults by test_gateway_config.py and the auth service's test_abuse.py."""

import re
import time

from conftest import PASSWORD, WRONG_PASSWORD, Gateway

# The lockout's answer (then "Expected available in N seconds."), not the per-address limit's.
LOCKED = "Too many failed logins; try again later."


def test_an_account_locks_after_five_failures_even_for_the_right_password(alice):
    wrong = {"email": alice.email, "password": WRONG_PASSWORD}
    statuses = [Gateway().post("/auth/token/", json=wrong).status_code for _ in range(5)]
    assert statuses == [401] * 5
    locked = Gateway().post("/auth/token/", json={"email": alice.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert locked.json()["detail"].startswith(LOCKED)


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
    assert first.status_code == second.status_code == 401
    assert first.json() == second.json()
    reset_unknown = Gateway().post("/auth/password/reset/", json={"email": unknown["email"]})
    reset_known = Gateway().post("/auth/password/reset/", json={"email": alice.email})
    assert reset_unknown.status_code == reset_known.status_code == 202
    assert reset_unknown.json() == reset_known.json()


def test_a_wrong_reset_token_changes_no_password(alice):
    response = Gateway().post(
        "/auth/password/reset/confirm/",
        json={"uid": alice.id, "token": "abc-123", "new_password": "a brand new passphrase"},
    )
    assert response.status_code == 400
    assert Gateway().post("/auth/token/", json={"email": alice.email, "password": PASSWORD}).status_code == 200


def admin_login(email: str, password: str):
    """A login at the auth service's admin, the way a browser sends it (its CSRF cookie and form field)."""
    browser = Gateway()
    page = browser.get("/auth/admin/login/")
    field = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    return browser.post(
        "/auth/admin/login/", data={"csrfmiddlewaretoken": field, "username": email, "password": password}
    )


def test_wrong_passwords_at_the_admin_login_lock_the_account_like_the_apis(alice):
    statuses = [admin_login(alice.email, WRONG_PASSWORD).status_code for _ in range(5)]
    assert statuses == [200] * 5  # the form again, with its error
    locked = admin_login(alice.email, PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["detail"].startswith(LOCKED)
    assert int(locked.headers["Retry-After"]) > 0
    assert Gateway().post("/auth/token/", json={"email": alice.email, "password": PASSWORD}).status_code == 429
