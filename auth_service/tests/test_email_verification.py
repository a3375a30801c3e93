"""Email verification: the link mailed at registration, its single use, resend, mandatory and optional, the
claim; and the security notifications."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import jwt
import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from auth_service.accounts import email_tokens
from auth_service.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

EMAIL = "carol@example.com"


@pytest.fixture
def mails(eager_tasks, django_capture_on_commit_callbacks):
    """Run the tasks a request queues on commit, as the worker would; the mails they send."""

    def run(request):
        with django_capture_on_commit_callbacks(execute=True):
            response = request()
        return response

    return run


def register(api, mails) -> User:
    assert mails(lambda: api.post("/auth/register/", {"email": EMAIL, "password": PASSWORD})).status_code == 201
    return User.objects.get(email=EMAIL)


def link_values(message) -> dict[str, str]:
    uid, token = re.search(r'"uid": "([^"]+)", "token": "([^"]+)"', message.body).groups()
    return {"uid": uid, "token": token}


def login(api):
    return api.post("/auth/token/", {"email": EMAIL, "password": PASSWORD})


def test_registration_mails_a_link_that_verifies_the_address_once(api, mails):
    user = register(api, mails)
    (welcome,) = mail.outbox
    assert welcome.to == [EMAIL]
    assert welcome.subject == "Welcome"
    assert PASSWORD not in welcome.body
    assert not user.email_verified
    assert api.post("/auth/email/verify/", link_values(welcome)).status_code == 204
    user.refresh_from_db()
    assert user.email_verified
    again = api.post("/auth/email/verify/", link_values(welcome))
    assert again.status_code == 400
    assert again.json() == {"token": ["The verification link is invalid or has expired."]}


def test_the_link_uses_the_configured_url_never_the_requests_host(api, mails, settings):
    settings.EMAIL_VERIFICATION_URL = "https://app.example/verify?uid={uid}&token={token}"
    mails(lambda: api.post("/auth/register/", {"email": EMAIL, "password": PASSWORD}, HTTP_HOST="127.0.0.1:9999"))
    (welcome,) = mail.outbox
    assert "https://app.example/verify?uid=" in welcome.body
    assert "9999" not in welcome.body


def test_mandatory_verification_refuses_the_right_password_only_with_its_own_answer(api, mails):
    register(api, mails)
    refused = login(api)
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Verify your email address first: follow the link mailed to it, or ask for a new one.",
        "code": "email_unverified",
    }
    wrong = api.post("/auth/token/", {"email": EMAIL, "password": "not the password"})
    unknown = api.post("/auth/token/", {"email": "nobody@example.com", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    api.post("/auth/email/verify/", link_values(mail.outbox[0]))
    claims = jwt.decode(login(api).json()["access"], options={"verify_signature": False})
    assert claims["email_verified"] is True


def test_optional_verification_logs_in_and_says_so_in_the_tokens(api, mails, settings):
    settings.EMAIL_VERIFICATION = "optional"
    register(api, mails)
    pair = login(api).json()
    assert jwt.decode(pair["access"], options={"verify_signature": False})["email_verified"] is False
    api.post("/auth/email/verify/", link_values(mail.outbox[0]))
    refreshed = api.post("/auth/token/refresh/", {"refresh": pair["refresh"]}).json()
    assert jwt.decode(refreshed["access"], options={"verify_signature": False})["email_verified"] is True


def test_a_new_link_replaces_the_old_one(api, mails):
    register(api, mails)
    assert mails(lambda: api.post("/auth/email/verify/resend/", {"email": EMAIL})).status_code == 202
    welcome, newer = mail.outbox
    assert newer.subject == "Verify your email address"
    assert api.post("/auth/email/verify/", link_values(welcome)).status_code == 400
    assert api.post("/auth/email/verify/", link_values(newer)).status_code == 204


def test_a_link_past_its_timeout_is_refused(api, mails, settings):
    user = register(api, mails)
    User.objects.filter(pk=user.pk).update(
        email_verification_sent_at=timezone.now() - timedelta(seconds=settings.EMAIL_VERIFICATION_TIMEOUT + 1)
    )
    # The token of the link as it was made then: the same time, now past the timeout.
    user.refresh_from_db()
    values = {**link_values(mail.outbox[0]), "token": email_tokens.make(user)}
    assert api.post("/auth/email/verify/", values).status_code == 400


@pytest.mark.parametrize("body", [{"uid": "MTIz", "token": "x"}, {"uid": "!!", "token": "x"}, {"uid": "", "token": ""}])
def test_bad_links_are_a_400(api, body):
    assert api.post("/auth/email/verify/", body).status_code == 400


def test_resend_answers_alike_whatever_the_account(api, mails, alice):
    register(api, mails)
    answers = [
        mails(lambda email=email: api.post("/auth/email/verify/resend/", {"email": email}))
        for email in (EMAIL, alice.email, "nobody@example.com")
    ]
    assert {response.status_code for response in answers} == {202}
    assert len({response.content for response in answers}) == 1
    assert [message.to for message in mail.outbox] == [[EMAIL], [EMAIL]]  # the welcome, and the new link


def test_resend_is_limited_per_client_address_by_the_resets_setting(api, rates):
    rates(password_reset="2/hour")
    statuses = [api.post("/auth/email/verify/resend/", {"email": EMAIL}).status_code for _ in range(3)]
    assert statuses == [202, 202, 429]


@pytest.mark.django_db(transaction=True)
def test_two_uses_of_one_link_at_once_verify_once(mails):
    register(APIClient(), mails)
    values = link_values(mail.outbox[0])
    both_ready = threading.Barrier(2, timeout=10)

    def verify(_):
        try:
            both_ready.wait()
            return APIClient().post("/auth/email/verify/", values, format="json").status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(verify, range(2))) == [204, 400]


def test_a_password_reset_verifies_the_address(api, mails):
    user = register(api, mails)
    mails(lambda: api.post("/auth/password/reset/", {"email": EMAIL}))
    reset = next(message for message in mail.outbox if message.subject == "Reset your password")
    confirmed = api.post("/auth/password/reset/confirm/", {**link_values(reset), "new_password": "a new passphrase!"})
    assert confirmed.status_code == 204
    user.refresh_from_db()
    assert user.email_verified


NEW_PASSWORD = "a brand new passphrase"


def assert_one_notice(to: str, subject: str) -> None:
    """One mail, to the owner, that names the event and carries no password."""
    (notice,) = mail.outbox
    assert notice.to == [to]
    assert notice.subject == subject
    assert PASSWORD not in notice.body
    assert NEW_PASSWORD not in notice.body


def test_a_password_change_is_mailed_to_the_owner(alice, alice_api, mails):
    body = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert mails(lambda: alice_api.post("/auth/password/change/", body)).status_code == 204
    assert_one_notice(alice.email, "Your password was changed")


def test_a_password_reset_is_mailed_to_the_owner(alice, api, mails):
    mails(lambda: api.post("/auth/password/reset/", {"email": alice.email}))
    body = {**link_values(mail.outbox.pop()), "new_password": NEW_PASSWORD}
    assert mails(lambda: api.post("/auth/password/reset/confirm/", body)).status_code == 204
    assert_one_notice(alice.email, "Your password was reset")


# The deletion's order to the resource service is published by name, which eager mode leaves to the broker.
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_an_account_deletion_is_mailed_to_the_address_it_had(alice, alice_api, mails):
    assert mails(lambda: alice_api.delete("/auth/me/", {"password": PASSWORD})).status_code == 204
    assert_one_notice(alice.email, "Your account was deleted")


def test_the_admin_shows_and_filters_the_state(client, alice):
    staff = User.objects.create_superuser(email="admin@example.com", password="an admin passphrase")
    client.force_login(staff)
    User.objects.create_user(email="unverified@example.com", password=PASSWORD)
    page = client.get("/auth/admin/accounts/user/?email_verified__exact=0").content.decode()
    assert "unverified@example.com" in page
    assert alice.email not in page
