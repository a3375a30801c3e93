"""Changing and resetting the password."""

import re

import jwt
import pytest
from django.core import mail

from tests.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db

NEW = "an entirely new passphrase"


def test_change_password_keeps_this_login_and_ends_the_others(
    api, alice_api, alice, alice_tokens, django_capture_on_commit_callbacks
):
    other = login(api, alice.email)
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.post("/auth/password/change/", {"old_password": PASSWORD, "new_password": NEW})
    assert response.status_code == 204
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    assert api.post("/auth/token/refresh/", {"refresh": other["refresh"]}).status_code == 401
    assert api.post("/auth/token/refresh/", {"refresh": alice_tokens["refresh"]}).status_code == 200
    assert login(api, alice.email, NEW)["access"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"old_password": "wrong one entirely", "new_password": NEW}, "old_password"),
        ({"old_password": PASSWORD, "new_password": "short"}, "new_password"),
        ({"old_password": PASSWORD, "new_password": "alice@example.com"}, "new_password"),
        ({"old_password": PASSWORD}, "new_password"),
    ],
)
def test_change_password_refusals(alice_api, alice, body, field):
    response = alice_api.post("/auth/password/change/", body)
    assert response.status_code == 400
    assert field in response.json()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_change_password_needs_a_bearer_token(api):
    assert api.post("/auth/password/change/", {"old_password": PASSWORD, "new_password": NEW}).status_code == 401


def reset_values() -> tuple[str, str]:
    (message,) = mail.outbox
    return re.search(r'"uid": "([^"]+)", "token": "([^"]+)"', message.body).groups()


def request_reset(api, email, callbacks):
    with callbacks(execute=True):
        response = api.post("/auth/password/reset/", {"email": email})
    assert response.status_code == 202
    return response


def test_reset_request_answers_the_same_for_unknown_addresses(
    api, alice, eager_tasks, django_capture_on_commit_callbacks
):
    known = request_reset(api, alice.email, django_capture_on_commit_callbacks)
    unknown = request_reset(api, "nobody@example.com", django_capture_on_commit_callbacks)
    assert known.json() == unknown.json()
    assert [message.to for message in mail.outbox] == [[alice.email]]
    assert PASSWORD not in mail.outbox[0].body


def test_reset_confirm_sets_the_password_once_and_ends_every_login(
    api, alice, alice_tokens, eager_tasks, django_capture_on_commit_callbacks
):
    request_reset(api, alice.email, django_capture_on_commit_callbacks)
    uid, token = reset_values()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/auth/password/reset/confirm/", {"uid": uid, "token": token, "new_password": NEW})
    assert response.status_code == 204
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    assert api.post("/auth/token/refresh/", {"refresh": alice_tokens["refresh"]}).status_code == 401

    again = api.post("/auth/password/reset/confirm/", {"uid": uid, "token": token, "new_password": "yet another one!"})
    assert again.status_code == 400
    assert "token" in again.json()


@pytest.mark.parametrize(
    ("uid", "token"),
    [("bad", "bad"), ("", "x"), ("MTIz", "abc-def"), ("\u0000", "x"), ("x" * 64, "y" * 128)],
)
def test_reset_confirm_with_bad_links_is_a_400(api, alice, uid, token):
    response = api.post("/auth/password/reset/confirm/", {"uid": uid, "token": token, "new_password": NEW})
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_reset_confirm_validates_the_new_password(api, alice, eager_tasks, django_capture_on_commit_callbacks):
    request_reset(api, alice.email, django_capture_on_commit_callbacks)
    uid, token = reset_values()
    response = api.post("/auth/password/reset/confirm/", {"uid": uid, "token": token, "new_password": "password"})
    assert response.status_code == 400
    assert "new_password" in response.json()


def test_registration_sends_a_welcome_email(api, eager_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/auth/register/", {"email": "new@example.com", "password": "a long passphrase"})
    assert [message.to for message in mail.outbox] == [["new@example.com"]]


def test_reset_emails_use_the_configured_link(api, alice, settings, eager_tasks, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_URL = "https://app.example/reset?uid={uid}&token={token}"
    request_reset(api, alice.email, django_capture_on_commit_callbacks)
    assert "https://app.example/reset?uid=" in mail.outbox[0].body


def test_the_access_token_names_its_login(alice_tokens):
    claims = jwt.decode(alice_tokens["access"], options={"verify_signature": False})
    assert claims["sid"] == jwt.decode(alice_tokens["refresh"], options={"verify_signature": False})["sid"]
