"""Mail through Amazon SES's API, as on AWS (EMAIL_BACKEND=django_ses.SESBackend): sent from the verified identity
with the task role's credentials, and retried by its task when SES refuses or cannot be reached."""

import email
from unittest import mock

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from auth_service.accounts import tasks
from auth_service.accounts.models import User

REGION = "eu-west-1"


@pytest.fixture
def ses(settings, monkeypatch):
    settings.EMAIL_BACKEND = "django_ses.SESBackend"
    settings.DEFAULT_FROM_EMAIL = "no-reply@example.com"
    settings.AWS_SES_REGION_NAME = REGION
    for name, value in {"AWS_ACCESS_KEY_ID": "task-role", "AWS_SECRET_ACCESS_KEY": "x"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        boto3.client("sesv2", region_name=REGION).create_email_identity(EmailIdentity="example.com")
        yield ses_backends[DEFAULT_ACCOUNT_ID][REGION]


@pytest.fixture
def user(db):
    return User.objects.create_user(email="dana@example.org", password="a long pass phrase 1")


def test_a_mail_goes_out_through_ses_from_the_verified_sender(ses, user):
    tasks.send_password_reset_email.apply(args=[str(user.pk)]).get()
    (sent,) = ses.sent_messages
    message = email.message_from_string(sent.raw_data)
    assert (message["From"], message["To"], message["Subject"]) == (
        "no-reply@example.com",
        "dana@example.org",
        "Reset your password",
    )


def test_a_sender_ses_has_not_verified_is_refused_and_nothing_is_sent(ses, user, settings):
    settings.DEFAULT_FROM_EMAIL = "no-reply@elsewhere.example"
    result = tasks.send_password_reset_email.apply(args=[str(user.pk)])
    assert result.state == "FAILURE"
    assert isinstance(result.result, ClientError)
    assert result.result.response["Error"]["Code"] == "MessageRejected"
    assert ses.sent_messages == []


@pytest.mark.parametrize(
    "failure",
    [
        ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "Maximum sending rate"}}, "SendEmail"),
        EndpointConnectionError(endpoint_url=f"https://email.{REGION}.amazonaws.com"),
    ],
)
def test_a_send_ses_refuses_or_cannot_reach_is_retried_until_it_goes_out(ses, user, failure):
    real_send = tasks.emails.send_mail
    attempts = []

    def fails_twice(**kwargs):
        attempts.append(kwargs["recipient_list"])
        if len(attempts) <= 2:
            raise failure
        return real_send(**kwargs)

    with mock.patch.object(tasks.emails, "send_mail", side_effect=fails_twice):
        result = tasks.send_password_reset_email.apply(args=[str(user.pk)])  # in-process, retries run at once
    assert result.state == "SUCCESS"
    assert attempts == [["dana@example.org"]] * 3
    assert len(ses.sent_messages) == 1
