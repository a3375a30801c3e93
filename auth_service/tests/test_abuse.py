"""Brute force and enumeration: per-account lockout, per-address limits, one answer, an audit trail."""

import time

import pytest
import redis
from django.conf import settings as django_settings
from hypothesis import given
from hypothesis import strategies as st

from auth_service.accounts import addresses
from auth_service.accounts.models import User
from auth_service.tokens import lockout
from auth_service.tokens.models import LoginEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

BAD = {"detail": "No active account found with the given credentials"}


def attempt(api, email, password="wrong password", **extra):
    return api.post("/auth/token/", {"email": email, "password": password}, **extra)


def test_an_account_locks_after_the_failures_and_refuses_the_right_password_too(api, alice, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        assert attempt(api, alice.email).json() == BAD
    locked = attempt(api, alice.email, PASSWORD)
    assert locked.status_code == 429
    assert 0 < int(locked["Retry-After"]) <= settings.LOGIN_LOCKOUT_SECONDS
    assert list(LoginEvent.objects.filter(outcome="locked").values_list("email", flat=True)) == [alice.email]
    # Another account from the same address is not affected.
    assert attempt(api, "bob@example.com").status_code == 401


def test_an_unknown_email_locks_exactly_like_a_real_one(api, alice, settings):
    settings.LOGIN_MAX_FAILURES = 2
    responses = {}
    for email in (alice.email, "nobody@example.com"):
        responses[email] = [attempt(api, email).status_code for _ in range(3)]
    assert responses[alice.email] == responses["nobody@example.com"] == [401, 401, 429]


def test_the_lockout_counts_the_email_whatever_its_case(api, alice, settings):
    settings.LOGIN_MAX_FAILURES = 2
    attempt(api, "ALICE@example.com")
    attempt(api, "alice@EXAMPLE.com")
    assert attempt(api, alice.email, PASSWORD).status_code == 429


def lockout_ttl(email: str) -> int:
    return redis.Redis.from_url(django_settings.REDIS_URL).ttl(lockout.account_key(email))


def test_the_lockout_window_starts_at_the_first_failure_and_lasts_the_setting(api, alice, settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCKOUT_SECONDS = 600
    attempt(api, alice.email)
    assert 598 <= lockout_ttl(alice.email) <= 600
    attempt(api, alice.email)
    attempt(api, alice.email)
    locked = attempt(api, alice.email, PASSWORD)
    assert locked.status_code == 429
    assert 598 <= int(locked["Retry-After"]) <= 600
    assert lockout_ttl(alice.email) <= 600


def test_the_right_password_works_again_once_the_window_has_passed(api, alice, settings):
    settings.LOGIN_MAX_FAILURES = 1
    settings.LOGIN_LOCKOUT_SECONDS = 1
    attempt(api, alice.email)
    assert attempt(api, alice.email, PASSWORD).status_code == 429
    deadline = time.monotonic() + 5
    while attempt(api, alice.email, PASSWORD).status_code == 429 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert attempt(api, alice.email, PASSWORD).status_code == 200


def test_an_address_the_login_finds_the_account_by_counts_for_that_account(api, settings):
    """The dotted capital I and an i with a combining dot above are one letter to UTS #46: one account, one count."""
    settings.LOGIN_MAX_FAILURES = 2
    User.objects.create_user("sam@\u0130stanbul.example", PASSWORD)
    for _ in range(2):
        assert attempt(api, "sam@i\u0307stanbul.example").status_code == 401
    assert attempt(api, "sam@\u0130stanbul.example", PASSWORD).status_code == 429


# Letters that case mapping, UTS #46 and compatibility forms treat in ways of their own (long s, Kelvin sign,
# dotless and dotted i, sharp s, the ohm sign), beside plain ones.
TRICKY_LETTERS = "sSkKiIa\u017f\u212a\u0131\u0130\u00df\u1e9e\u2126\u03c9\u0307"


def domain(letters: str) -> str:
    return f"sam@{letters}.example"


@given(
    account=st.text(alphabet=TRICKY_LETTERS, min_size=1, max_size=8),
    typed=st.text(alphabet=TRICKY_LETTERS, min_size=1, max_size=8),
)
def test_every_address_that_logs_in_to_an_account_shares_its_lockout(account, typed):
    try:
        user = User.objects.create_user(domain(account), PASSWORD)
    except addresses.InvalidAddress:
        return
    try:
        User.objects.get_by_natural_key(domain(typed))
    except User.DoesNotExist:
        pass  # not an address of the account: nothing to share
    else:
        assert lockout.account_key(domain(typed)) == lockout.account_key(user.email)
    finally:
        user.delete()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/auth/password/change/", {"old_password": "wrong password", "new_password": "a new passphrase!"}),
        ("delete", "/auth/me/", {"password": "wrong password"}),
    ],
    ids=["password-change", "account-deletion"],
)
def test_re_confirming_the_password_counts_towards_the_lockout(api, alice, alice_api, settings, method, path, body):
    """A stolen access token cannot guess the password through the operations that ask for it."""
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        assert getattr(alice_api, method)(path, body).status_code == 400
    right = {name: PASSWORD if "password" in name and name != "new_password" else value for name, value in body.items()}
    assert getattr(alice_api, method)(path, right).status_code == 429
    assert attempt(api, alice.email, PASSWORD).status_code == 429


def test_a_success_clears_the_failures(api, alice, settings):
    settings.LOGIN_MAX_FAILURES = 2
    attempt(api, alice.email)
    assert attempt(api, alice.email, PASSWORD).status_code == 200
    attempt(api, alice.email)
    assert attempt(api, alice.email, PASSWORD).status_code == 200


def test_logins_are_limited_per_address_not_per_forwarded_header(api, alice, rates):
    rates(login="3/min")
    # The gateway replaces X-Forwarded-For with the peer it saw, so one address makes every request.
    statuses = [attempt(api, f"user{i}@example.com", HTTP_X_FORWARDED_FOR="10.0.0.9").status_code for i in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert attempt(api, "x@example.com", HTTP_X_FORWARDED_FOR="10.0.0.10").status_code == 401
    assert LoginEvent.objects.filter(outcome="throttled", client_ip="10.0.0.9").count() == 1


def test_login_attempts_are_audited_without_passwords(api, alice, settings):
    attempt(api, alice.email)
    attempt(api, alice.email, PASSWORD, HTTP_USER_AGENT="curl/8")
    attempt(api, "nobody@example.com")
    events = list(LoginEvent.objects.order_by("created_at", "id").values_list("email", "outcome", "user_id"))
    assert events == [
        (alice.email, "bad_credentials", None),
        (alice.email, "success", alice.pk),
        ("nobody@example.com", "bad_credentials", None),
    ]
    assert LoginEvent.objects.get(outcome="success").user_agent == "curl/8"
    for event in LoginEvent.objects.all():
        assert PASSWORD not in str(event.__dict__)
        assert "wrong password" not in str(event.__dict__)


def test_registrations_and_reset_requests_are_limited_per_address(api, rates):
    rates(register="2/hour", password_reset="1/hour")
    registered = [
        api.post("/auth/register/", {"email": f"u{i}@example.com", "password": "a long passphrase"}).status_code
        for i in range(3)
    ]
    assert registered == [201, 201, 429]
    resets = [api.post("/auth/password/reset/", {"email": "u0@example.com"}).status_code for _ in range(2)]
    assert resets == [202, 429]


def test_redis_down_is_a_clean_503_for_login(api, alice, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = attempt(api, alice.email, PASSWORD)
    assert response.status_code == 503
    assert response.json() == {"detail": "Service temporarily unavailable."}


def test_unknown_wrong_and_inactive_cost_one_password_hash_each(api, alice, bob, monkeypatch):
    from django.contrib.auth.hashers import MD5PasswordHasher

    calls = []
    original = MD5PasswordHasher.encode
    monkeypatch.setattr(MD5PasswordHasher, "encode", lambda self, *args: calls.append(1) or original(self, *args))
    bob.is_active = False
    bob.save()
    counts = {}
    for email in ("nobody@example.com", alice.email, bob.email):
        calls.clear()
        assert attempt(api, email).json() == BAD
        counts[email] = len(calls)
    assert counts == {"nobody@example.com": 1, alice.email: 1, bob.email: 1}


def test_refusals_are_counted_in_metrics(api, alice, rates, client):
    rates(login="1/min")
    attempt(api, alice.email)
    attempt(api, alice.email)
    body = client.get("/metrics").content.decode()
    assert 'auth_login_attempts_total{outcome="bad_credentials"}' in body
    assert 'auth_rate_limited_total{scope="login"}' in body


def test_login_records_past_their_retention_are_purged_by_the_beats_task(api, alice, settings):
    from datetime import timedelta

    from django.utils import timezone

    from auth_service.tokens.tasks import purge_login_events

    settings.LOGIN_EVENT_RETENTION_DAYS = 30
    attempt(api, alice.email)
    attempt(api, alice.email, PASSWORD)
    old = LoginEvent.objects.order_by("created_at", "id").first()
    LoginEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    purge_login_events()
    assert list(LoginEvent.objects.values_list("outcome", flat=True)) == ["success"]
    assert "purge-login-events" in {
        name for name, entry in settings.CELERY_BEAT_SCHEDULE.items() if entry["task"] == purge_login_events.name
    }
