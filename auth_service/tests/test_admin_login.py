"""The admin's login keeps the API's rules: the per-address limit, the account lockout, the audit, the same 429."""

import pytest
from rest_framework.throttling import SimpleRateThrottle

from auth_service.accounts.models import User
from auth_service.tokens.models import LoginEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

STAFF_PASSWORD = "an admin passphrase"


@pytest.fixture
def staff():
    return User.objects.create_superuser(email="admin@example.com", password=STAFF_PASSWORD)


def admin_login(client, email: str, password: str, address: str = "10.0.0.1"):
    return client.post("/auth/admin/login/", {"username": email, "password": password}, HTTP_X_FORWARDED_FOR=address)


def api_login(api, email: str, password: str, address: str = "10.0.0.1"):
    return api.post("/auth/token/", {"email": email, "password": password}, HTTP_X_FORWARDED_FOR=address)


def test_a_staff_login_succeeds_and_is_audited(client, staff):
    response = admin_login(client, staff.email, STAFF_PASSWORD)
    assert response.status_code == 302
    assert LoginEvent.objects.get().outcome == "success"


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


def test_the_admin_and_the_api_share_the_per_address_limit(client, api, staff, monkeypatch, settings):
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], login="3/min")
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    assert admin_login(client, "a@example.com", "x").status_code == 200
    assert api_login(api, "b@example.com", "x").status_code == 401
    assert admin_login(client, "c@example.com", "x").status_code == 200
    refused = admin_login(client, staff.email, STAFF_PASSWORD)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["detail"].startswith("Request was throttled.")
    assert api_login(api, staff.email, STAFF_PASSWORD).status_code == 429
    assert admin_login(client, staff.email, STAFF_PASSWORD, address="10.0.0.2").status_code == 302
    assert LoginEvent.objects.filter(outcome="throttled", client_ip="10.0.0.1").count() == 2


def test_an_account_that_is_not_staff_cannot_use_the_admin(client, alice):
    page = admin_login(client, alice.email, PASSWORD)
    assert page.status_code == 200
    assert "_auth_user_id" not in client.session
