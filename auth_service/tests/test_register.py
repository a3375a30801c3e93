import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.test import APIClient

from auth_service.accounts.models import User, UserManager

pytestmark = pytest.mark.django_db

URL = "/auth/register/"


def test_register_creates_an_active_user(api):
    response = api.post(
        URL, {"email": "Carol@Example.com", "password": "a long enough passphrase", "display_name": "Carol"}
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email", "display_name", "date_joined"}
    assert body["email"] == "carol@example.com"
    user = User.objects.get(pk=body["id"])
    assert user.is_active
    assert user.check_password("a long enough passphrase")
    assert user.password.startswith("md5$") or user.password.startswith("argon2")


def test_a_duplicate_email_is_refused_whatever_its_case(api, alice):
    response = api.post(URL, {"email": "ALICE@example.com", "password": "another long passphrase"})
    assert response.status_code == 400
    assert "email" in response.json()
    assert User.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_email_answer_as_sequential_ones(monkeypatch):
    """Each request finds the address free, then all insert at once: one account, one 201, and for every other
    request the 400 a later registration gets."""
    emails = ["dave@example.com", "Dave@example.com", "DAVE@EXAMPLE.COM", "dave@EXAMPLE.com"]
    all_checked = threading.Barrier(len(emails), timeout=10)
    create_user = UserManager.create_user

    def create_user_once_all_checked(self, *args, **kwargs):
        all_checked.wait()
        return create_user(self, *args, **kwargs)

    monkeypatch.setattr(UserManager, "create_user", create_user_once_all_checked)

    def register(email: str) -> tuple[int, dict]:
        try:
            response = APIClient().post(URL, {"email": email, "password": "a long enough passphrase"}, format="json")
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(len(emails)) as pool:
        answers = list(pool.map(register, emails))

    assert sorted(status for status, _ in answers) == [201, 400, 400, 400]
    assert [body for status, body in answers if status == 400] == [
        {"email": ["An account with this email already exists."]}
    ] * 3
    assert User.objects.filter(email="dave@example.com").count() == 1


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short1!", "too short"), ("password123", "too common"), ("12345678901234", "entirely numeric")],
)
def test_weak_passwords_are_refused(api, password, reason):
    response = api.post(URL, {"email": "dave@example.com", "password": password})
    assert response.status_code == 400
    assert any(reason in message for message in response.json()["password"])
    assert not User.objects.exists()


def test_a_password_like_the_email_is_refused(api):
    response = api.post(URL, {"email": "frederick.longname@example.com", "password": "frederick.longname"})
    assert response.status_code == 400
    assert "password" in response.json()


def test_privilege_fields_in_the_body_are_ignored(api):
    response = api.post(
        URL,
        {"email": "eve@example.com", "password": "a long enough passphrase", "is_staff": True, "is_superuser": True},
        format="json",
    )
    assert response.status_code == 201
    user = User.objects.get(email="eve@example.com")
    assert not user.is_staff
    assert not user.is_superuser


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"email", "password"}),
        ({"email": "not-an-email", "password": "a long enough passphrase"}, {"email"}),
        ({"email": "x@example.com"}, {"password"}),
    ],
)
def test_invalid_bodies_get_field_errors(api, body, fields):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == fields
    assert not User.objects.exists()


def test_a_body_that_is_not_json_is_refused(api):
    response = api.post(URL, "email=a@example.com", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
