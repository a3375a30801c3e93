"""The admin's login counts its tries per address and per account, and answers 429 past either limit."""

import html
import re
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import redis
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from resource_service.staff.models import StaffTOTP

pytestmark = pytest.mark.django_db

STAFF_PASSWORD = "an admin passphrase"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    """One moment for the whole test: no code made here crosses a step boundary before it is checked."""
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)


def set_up(client, username: str, password: str) -> pyotp.TOTP:
    """The first login of a staff account: the right password shows a new secret; the app reads it."""
    page = admin_login(client, username, password, address="10.9.9.9").content.decode()
    uri = re.search(r"(otpauth://totp/[^ <\"]+)", page)[1]
    return pyotp.TOTP(parse_qs(urlsplit(html.unescape(uri)).query)["secret"][0])


def code(totp: pyotp.TOTP) -> str:
    return totp.generate_otp(totp.timecode(timezone.now()))


def a_minute_later() -> None:
    """As if the codes used so far were a minute old."""
    StaffTOTP.objects.update(last_step=None)


def limits_forgotten() -> None:
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


@pytest.fixture
def staff(redis_db):
    return User.objects.create_superuser("admin", "admin@example.com", STAFF_PASSWORD)


@pytest.fixture
def staff_totp(client, staff) -> pyotp.TOTP:
    totp = set_up(client, "admin", STAFF_PASSWORD)
    assert admin_login(client, "admin", STAFF_PASSWORD, totp=totp).status_code == 302  # confirms it
    client.logout()
    a_minute_later()
    limits_forgotten()
    return totp


def admin_login(client, username: str, password: str, address: str = "10.0.0.1", totp: pyotp.TOTP | None = None):
    body = {"username": username, "password": password, "code": code(totp) if totp else ""}
    return client.post("/api/admin/login/", body, HTTP_X_FORWARDED_FOR=address)


def test_a_staff_login_succeeds_and_is_logged_without_the_password(client, staff, staff_totp, caplog):
    caplog.set_level("INFO", logger="resource_service.admin_login.site")
    assert admin_login(client, "admin", STAFF_PASSWORD, totp=staff_totp).status_code == 302
    (record,) = [r for r in caplog.records if r.getMessage() == "admin login"]
    assert (record.outcome, record.username, record.client_ip) == ("success", "admin", "10.0.0.1")
    assert STAFF_PASSWORD not in str(record.__dict__)


def test_failed_tries_lock_the_account_for_the_right_password_too(client, staff, staff_totp, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        assert admin_login(client, "admin", "not the password").status_code == 200
    locked = admin_login(client, "admin", STAFF_PASSWORD, totp=staff_totp)
    assert locked.status_code == 429
    assert locked.json() == {"detail": "Too many failed logins; try again later."}
    assert 0 < int(locked["Retry-After"]) <= settings.LOGIN_LOCKOUT_SECONDS
    # Another account from the same address is not locked.
    assert admin_login(client, "someone", "not the password").status_code == 200


def test_a_right_password_and_code_forget_the_failed_tries(client, staff, staff_totp, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        admin_login(client, "admin", "not the password")
        assert admin_login(client, "admin", STAFF_PASSWORD, totp=staff_totp).status_code == 302
        client.logout()
        a_minute_later()


def test_an_address_gets_a_limited_number_of_tries_a_minute(client, staff, staff_totp, settings):
    settings.ADMIN_LOGIN_RATE_PER_ADDRESS = 3
    statuses = [admin_login(client, f"user{n}", "x").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert admin_login(client, "admin", STAFF_PASSWORD, totp=staff_totp).status_code == 429
    assert admin_login(client, "admin", STAFF_PASSWORD, "10.0.0.2", staff_totp).status_code == 302


def test_the_login_page_asks_for_the_code(client):
    assert 'name="code"' in client.get("/api/admin/login/").content.decode()


def test_the_first_login_of_a_staff_account_sets_its_second_factor_up(client, staff, caplog):
    caplog.set_level("INFO")
    page = admin_login(client, "admin", STAFF_PASSWORD)
    assert page.status_code == 200
    assert "Staff accounts need a second factor here" in page.content.decode()
    assert "_auth_user_id" not in client.session
    totp = set_up(client, "admin", STAFF_PASSWORD)  # the same secret again until it is confirmed
    assert totp.secret in page.content.decode()
    assert admin_login(client, "admin", "not the password").status_code == 200
    assert totp.secret not in admin_login(client, "admin", "not the password").content.decode()
    assert admin_login(client, "admin", STAFF_PASSWORD, totp=totp).status_code == 302
    assert StaffTOTP.objects.get(user=staff).confirmed_at is not None
    assert totp.secret not in caplog.text + "".join(str(record.__dict__) for record in caplog.records)


@pytest.mark.parametrize("wrong", ["", "000000", "abcdef"])
def test_a_wrong_code_is_a_failed_try(client, staff, staff_totp, settings, wrong):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        page = client.post(
            "/api/admin/login/",
            {"username": "admin", "password": STAFF_PASSWORD, "code": wrong},
            REMOTE_ADDR="10.0.0.1",
        )
        assert page.status_code == 200
        assert "The code is not valid." in page.content.decode()
    assert admin_login(client, "admin", STAFF_PASSWORD, totp=staff_totp).status_code == 429


def test_a_code_opens_the_admin_once(client, staff, staff_totp):
    assert admin_login(client, "admin", STAFF_PASSWORD, totp=staff_totp).status_code == 302
    client.logout()
    assert admin_login(client, "admin", STAFF_PASSWORD, totp=staff_totp).status_code == 200


def test_a_reset_removes_the_secret_and_the_next_login_sets_up_another(client, staff, staff_totp):
    stored = StaffTOTP.objects.get(user=staff)
    assert staff_totp.secret not in stored.secret  # encrypted
    out = StringIO()
    call_command("staff_totp_reset", "admin", stdout=out)
    assert staff_totp.secret not in out.getvalue()
    newer = set_up(client, "admin", STAFF_PASSWORD)
    assert newer.secret != staff_totp.secret
    assert admin_login(client, "admin", STAFF_PASSWORD, totp=newer).status_code == 302


def test_the_reset_is_for_staff_accounts_only(staff):
    User.objects.create_user("viewer", "viewer@example.com", "a passphrase of theirs")
    with pytest.raises(CommandError):
        call_command("staff_totp_reset", "viewer", stdout=StringIO())


def test_a_key_rotation_keeps_the_staffs_secrets(client, staff, staff_totp, settings):
    old_key = settings.MFA_ENCRYPTION_KEYS
    settings.MFA_ENCRYPTION_KEYS = f"a-new-key-of-at-least-thirty-two-characters {old_key}"
    call_command("rotate_mfa_secrets", stdout=StringIO())
    settings.MFA_ENCRYPTION_KEYS = "a-new-key-of-at-least-thirty-two-characters"  # the old key is gone
    assert admin_login(client, "admin", STAFF_PASSWORD, totp=staff_totp).status_code == 302
