import pytest

from auth_service.accounts.models import User

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
    "body",
    [{}, {"email": "not-an-email", "password": "a long enough passphrase"}, {"email": "x@example.com"}],
)
def test_invalid_bodies_get_field_errors(api, body):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()


def test_a_body_that_is_not_json_is_refused(api):
    response = api.post(URL, "email=a@example.com", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
