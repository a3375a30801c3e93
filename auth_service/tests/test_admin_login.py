"""The admin's login keeps the API's rules: the per-address limit, the account lockout, the audit, the same 429."""

import pyotp
import pytest
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from auth_service.accounts import second_factor
from auth_service.accounts.models import TOTPDevice, User
from auth_service.lib import totp
from auth_service.tokens.models import LoginEvent
from tests.conftest import PASSWORD, counted

pytestmark = pytest.mark.django_db

STAFF_PASSWORD = "an admin passphrase"


def totp_on(user: User) -> pyotp.TOTP:
    secret, encrypted = totp.new_secret()
    TOTPDevice.objects.create(user=user, secret=encrypted, confirmed_at=timezone.now())
    return pyotp.TOTP(secret)


@pytest.fixture
def staff():
    return User.objects.create_superuser(email="admin@example.com", password=STAFF_PASSWORD)


@pytest.fixture
def staff_totp(staff) -> pyotp.TOTP:
    return totp_on(staff)


def admin_login(client, email: str, password: str, address: str = "10.0.0.1", code: str = ""):
    body = {"username": email, "password": password, "code": code}
    return client.post("/auth/admin/login/", body, HTTP_X_FORWARDED_FOR=address)


def api_login(api, email: str, password: str, address: str = "10.0.0.1"):
    return api.post("/auth/token/", {"email": email, "password": password}, HTTP_X_FORWARDED_FOR=address)


def test_a_staff_login_with_its_code_succeeds_and_is_audited(client, staff, staff_totp):
    response = admin_login(client, staff.email, STAFF_PASSWORD, code=staff_totp.now())
    assert response.status_code == 302
    assert LoginEvent.objects.get().outcome == "success"


def test_the_login_page_asks_for_the_code(client):
    page = client.get("/auth/admin/login/").content.decode()
    assert 'name="code"' in page


def test_a_staff_account_without_a_second_factor_cannot_log_in(client, staff):
    page = admin_login(client, staff.email, STAFF_PASSWORD, code="123456")
    assert page.status_code == 200
    assert "Staff accounts need a second factor" in page.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("code", ["", "000000", "not-a-code"])
def test_a_wrong_or_missing_code_is_refused_and_counted(client, staff, staff_totp, settings, code):
    settings.LOGIN_MAX_FAILURES = 3
    page = admin_login(client, staff.email, STAFF_PASSWORD, code=code)
    assert page.status_code == 200
    assert "The code is not valid." in page.content.decode()
    assert "_auth_user_id" not in client.session
    admin_login(client, staff.email, STAFF_PASSWORD, code=code)  # tries 3 and 4: the password's and the code's
    assert admin_login(client, staff.email, STAFF_PASSWORD, code=staff_totp.now()).status_code == 429


@pytest.mark.parametrize(
    ("code", "method"), [("000000", "totp"), ("ABCDEF", "recovery_code"), ("1234567", "recovery_code")]
)
def test_a_wrong_code_is_read_as_a_totp_code_only_when_it_is_six_digits(client, staff, staff_totp, code, method):
    before = counted("auth_mfa_failures_total", method=method)
    assert admin_login(client, staff.email, STAFF_PASSWORD, code=code).status_code == 200
    assert counted("auth_mfa_failures_total", method=method) == before + 1


def test_a_recovery_code_opens_the_admin_once(client, staff, staff_totp):
    (code, *_rest) = second_factor.recovery_codes_new(staff)
    assert admin_login(client, staff.email, STAFF_PASSWORD, code=code).status_code == 302
    client.logout()
    assert admin_login(client, staff.email, STAFF_PASSWORD, code=code).status_code == 200


def test_wrong_passwords_at_the_admin_lock_the_account_everywhere(client, api, staff, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        page = admin_login(client, staff.email, "not the password")
        assert page.status_code == 200
        assert b"Please enter the correct" in page.content
    locked = admin_login(client, staff.email, STAFF_PASSWORD)
    assert locked.status_code == 429
    assert 0 < int(locked["Retry-After"]) <= settings.LOGIN_LOCKOUT_SECONDS
    api_locked = api_login(api, staff.email, STAFF_PASSWORD)
    assert api_locked.status_code == 429
    # The same answer as the API's.
    assert locked.json() == api_locked.json()
    assert locked.json()["detail"].startswith("Too many failed logins; try again later.")
    outcomes = list(LoginEvent.objects.order_by("created_at", "id").values_list("outcome", flat=True))
    assert outcomes == ["bad_credentials", "bad_credentials", "locked", "locked"]


def test_the_admin_and_the_api_share_the_per_address_limit(client, api, staff, staff_totp, monkeypatch, settings):
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], login="3/min")
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    assert admin_login(client, "a@example.com", "x").status_code == 200
    assert api_login(api, "b@example.com", "x").status_code == 401
    assert admin_login(client, "c@example.com", "x").status_code == 200
    refused = admin_login(client, staff.email, STAFF_PASSWORD, code=staff_totp.now())
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["detail"].startswith("Request was throttled.")
    assert api_login(api, staff.email, STAFF_PASSWORD).status_code == 429
    assert admin_login(client, staff.email, STAFF_PASSWORD, "10.0.0.2", staff_totp.now()).status_code == 302
    assert LoginEvent.objects.filter(outcome="throttled", client_ip="10.0.0.1").count() == 2


def test_an_account_that_is_not_staff_cannot_use_the_admin(client, alice):
    page = admin_login(client, alice.email, PASSWORD)
    assert page.status_code == 200
    assert "_auth_user_id" not in client.session
