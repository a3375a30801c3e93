"""The emails the auth service sends."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from auth_service.accounts.models import User


def welcome_email_send(*, user: User) -> None:
    """Greet a new account."""
    name = user.display_name or user.email
    send_mail(
        subject="Welcome",
        message=f"Hello {name},\n\nyour account {user.email} is ready.\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


def password_reset_email_send(*, user: User) -> None:
    """Send the link (or the values) that let the user choose a new password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    if settings.PASSWORD_RESET_URL:
        how = settings.PASSWORD_RESET_URL.format(uid=uid, token=token)
    else:
        how = f'POST /auth/password/reset/confirm/ with {{"uid": "{uid}", "token": "{token}", "new_password": "…"}}'
    send_mail(
        subject="Reset your password",
        message=(
            f"Someone asked to reset the password of {user.email}.\n\n"
            f"To choose a new one within {minutes} minutes: {how}\n\n"
            "If it was not you, ignore this email; your password stays as it is.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
