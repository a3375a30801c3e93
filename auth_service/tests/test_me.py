import json

import jwt
import pytest

from auth_service.accounts.models import User
from auth_service.tokens import keys
from tests.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db


def test_me_returns_the_caller(alice_api, alice):
    response = alice_api.get("/auth/me/")
    assert response.status_code == 200
    assert response.json() == {
        "id": str(alice.pk),
        "email": "alice@example.com",
        "display_name": "Alice",
        "date_joined": alice.date_joined.isoformat().replace("+00:00", "Z"),
    }


def test_me_needs_a_bearer_token(api):
    response = api.get("/auth/me/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("body", [{}, {"email": "mallory@example.com"}])
def test_a_patch_that_names_no_field_it_changes_changes_nothing(alice_api, alice, body):
    alice.display_name = "Alice"
    alice.save()
    response = alice_api.patch("/auth/me/", body, format="json")
    assert (response.status_code, response.json()["display_name"]) == (200, "Alice")
    alice.refresh_from_db()
    assert (alice.display_name, alice.email) == ("Alice", "alice@example.com")


def test_a_refresh_token_is_not_a_bearer_token(api, alice_tokens):
    response = api.get("/auth/me/", HTTP_AUTHORIZATION=f"Bearer {alice_tokens['refresh']}")
    assert response.status_code == 401


def test_patch_changes_the_display_name_only(alice_api, alice):
    response = alice_api.patch(
        "/auth/me/", {"display_name": "Alice A.", "email": "mallory@example.com", "is_staff": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == "Alice A."
    alice.refresh_from_db()
    assert alice.display_name == "Alice A."
    assert alice.email == "alice@example.com"
    assert not alice.is_staff


def test_delete_needs_the_right_password(alice_api, alice, broker):
    response = alice_api.delete("/auth/me/", {"password": "not the password"}, format="json")
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.is_active
    assert broker.llen("resource:resource") == 0


def test_delete_deactivates_revokes_and_queues_the_data_deletion(
    api, alice_api, alice, alice_tokens, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.delete("/auth/me/", {"password": PASSWORD}, format="json")
    assert response.status_code == 204
    assert broker.get(f"revoked-before:{alice.pk}") is not None

    alice.refresh_from_db()
    assert not alice.is_active
    refused = api.post("/auth/token/refresh/", {"refresh": alice_tokens["refresh"]}, format="json")
    assert refused.status_code == 401
    assert api.post("/auth/token/", {"email": alice.email, "password": PASSWORD}, format="json").status_code == 401

    message = json.loads(broker.lpop("resource:resource"))
    assert message["headers"]["task"] == "resource.delete_user_data"
    assert str(alice.pk) in message["headers"]["argsrepr"]


def test_a_deletion_the_broker_cannot_take_is_a_503_and_leaves_the_account_to_delete_again(
    alice_api, alice, broker, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from auth_service.celery import app

    send_task = app.send_task

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app, "send_task", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.delete("/auth/me/", {"password": PASSWORD}, format="json")
    assert response.status_code == 503
    alice.refresh_from_db()
    assert alice.is_active
    assert broker.get(f"revoked-before:{alice.pk}") is None

    monkeypatch.setattr(app, "send_task", send_task)
    with django_capture_on_commit_callbacks(execute=True):
        assert alice_api.delete("/auth/me/", {"password": PASSWORD}, format="json").status_code == 204
    assert json.loads(broker.lpop("resource:resource"))["headers"]["task"] == "resource.delete_user_data"


def test_delete_of_one_user_leaves_the_others_alone(api, alice, alice_api, bob, broker):
    assert alice_api.delete("/auth/me/", {"password": PASSWORD}, format="json").status_code == 204
    assert not User.objects.get(pk=alice.pk).is_active
    assert User.objects.get(pk=bob.pk).is_active
    assert login(api, bob.email)["access"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"sub": "admin"},
        {"sub": "1"},
        {"sid": "not-a-uuid"},
        {"sid": None},
        {"sub": "UPPER"},
        {"sub": "BRACES"},
        {"sub": "NO-DASHES"},
    ],
    ids=["sub-word", "sub-number", "sid-word", "sid-missing", "sub-upper-case", "sub-braces", "sub-no-dashes"],
)
def test_a_token_of_the_services_key_with_an_odd_subject_or_login_id_is_a_401(api, alice, alice_tokens, overrides):
    """Only the service signs tokens, so these are never issued; each is refused, neither as a 500 nor as alice."""
    spellings = {"UPPER": str(alice.pk).upper(), "BRACES": f"{{{alice.pk}}}", "NO-DASHES": alice.pk.hex}
    key = keys.signing_key()
    claims = jwt.decode(alice_tokens["access"], options={"verify_signature": False})
    claims.update({name: spellings.get(value, value) for name, value in overrides.items()})
    token = jwt.encode(
        {name: value for name, value in claims.items() if value is not None},
        key.private_key,
        algorithm="RS256",
        headers={"kid": key.kid},
    )
    response = api.patch("/auth/me/", {"display_name": "Owned"}, format="json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
    alice.refresh_from_db()
    assert alice.display_name == "Alice"


@pytest.mark.parametrize("display_name", ["123", "1e999", "false"])
def test_a_display_name_that_is_not_a_json_string_is_a_400_naming_it(alice_api, alice, display_name):
    body = f'{{"display_name": {display_name}}}'
    response = alice_api.generic("PATCH", "/auth/me/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"display_name": ["Not a valid string."]}
    alice.refresh_from_db()
    assert alice.display_name == "Alice"
