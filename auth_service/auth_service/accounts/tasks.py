"""Email tasks: fetch the user, call the email function; retried while the mail server or SES fails."""

import smtplib

from botocore.exceptions import BotoCoreError, ClientError
from celery import shared_task

from auth_service.accounts import emails
from auth_service.accounts.models import User

RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError, BotoCoreError, ClientError),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(name="auth.send_welcome_email", **RETRY)
def send_welcome_email(user_id: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        emails.welcome_email_send(user=user)


@shared_task(name="auth.send_password_reset_email", **RETRY)
def send_password_reset_email(user_id: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        emails.password_reset_email_send(user=user)


@shared_task(name="auth.send_verification_email", **RETRY)
def send_verification_email(user_id: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True, email_verified=False).first()
    if user is not None:
        emails.verification_email_send(user=user)


@shared_task(name="auth.send_security_notification", **RETRY)
def send_security_notification(user_id: str, event: str) -> None:
    # An account's deletion deactivates it before this runs: the notice still goes to the address it had.
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        emails.security_notification_send(user=user, event=event)
