"""The admin's login counts its tries per address and per account, and answers 429 past either limit."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

STAFF_PASSWORD = "an admin passphrase"


@pytest.fixture
def staff(redis_db):
    return User.objects.create_superuser("admin", "admin@example.com", STAFF_PASSWORD)


def admin_login(client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post("/api/admin/login/", {"username": username, "password": password}, HTTP_X_FORWARDED_FOR=address)


def test_a_staff_login_succeeds_and_is_logged_without_the_password(client, staff, caplog):
    caplog.set_level("INFO", logger="resource_service.admin_login.site")
    assert admin_login(client, "admin", STAFF_PASSWORD).status_code == 302
    (record,) = [r for r in caplog.records if r.getMessage() == "admin login"]
    assert (record.outcome, record.username, record.client_ip) == ("success", "admin", "10.0.0.1")
    assert STAFF_PASSWORD not in str(record.__dict__)


def test_failed_tries_lock_the_account_for_the_right_password_too(client, staff, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        assert admin_login(client, "admin", "not the password").status_code == 200
    locked = admin_login(client, "admin", STAFF_PASSWORD)
    assert locked.status_code == 429
    assert locked.json() == {"detail": "Too many failed logins; try again later."}
    assert 0 < int(locked["Retry-After"]) <= settings.LOGIN_LOCKOUT_SECONDS
    # Another account from the same address is not locked.
    assert admin_login(client, "someone", "not the password").status_code == 200


def test_a_right_password_forgets_the_failed_tries(client, staff, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        admin_login(client, "admin", "not the password")
        assert admin_login(client, "admin", STAFF_PASSWORD).status_code == 302
        client.logout()


def test_an_address_gets_a_limited_number_of_tries_a_minute(client, staff, settings):
    settings.ADMIN_LOGIN_RATE_PER_ADDRESS = 3
    statuses = [admin_login(client, f"user{n}", "x").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert admin_login(client, "admin", STAFF_PASSWORD).status_code == 429
    assert admin_login(client, "admin", STAFF_PASSWORD, address="10.0.0.2").status_code == 302
