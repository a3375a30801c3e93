"""The emails the auth service sends. None carries a password, a token of a session, a TOTP secret or a recovery
code; the links carry single-use values only, on the configured URLs (never the request's host)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from auth_service.accounts import email_tokens
from auth_service.accounts.models import User


def _send(*, user: User, subject: str, body: str) -> None:
    send_mail(subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[user.email])


def _link(*, url: str, path: str, uid: str, token: str) -> str:
    """The configured link with the values filled in, or else the request that uses them."""
    if url:
        return url.format(uid=uid, token=token)
    return f'POST {path} with {{"uid": "{uid}", "token": "{token}"}}'


def _uid(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def _verification(user: User) -> str:
    link = _link(
        url=settings.EMAIL_VERIFICATION_URL, path="/auth/email/verify/", uid=_uid(user), token=email_tokens.make(user)
    )
    hours = settings.EMAIL_VERIFICATION_TIMEOUT // 3600
    return f"To confirm that this address is yours within {hours} hours: {link}\n"


def welcome_email_send(*, user: User) -> None:
    """Greet a new account, with the link that verifies its address while it is not verified."""
    name = user.display_name or user.email
    body = f"Hello {name},\n\nyour account {user.email} is ready.\n"
    if not user.email_verified and user.email_verification_sent_at is not None:
        body += "\n" + _verification(user)
    _send(user=user, subject="Welcome", body=body)


def verification_email_send(*, user: User) -> None:
    """A new verification link (the ones sent before no longer work)."""
    body = f"Someone asked to verify the address of the account {user.email}.\n\n{_verification(user)}"
    _send(user=user, subject="Verify your email address", body=body + "\nIf it was not you, ignore this email.\n")


def password_reset_email_send(*, user: User) -> None:
    """Send the link (or the values) that let the user choose a new password."""
    uid = _uid(user)
    token = default_token_generator.make_token(user)
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    if settings.PASSWORD_RESET_URL:
        how = settings.PASSWORD_RESET_URL.format(uid=uid, token=token)
    else:
        how = f'POST /auth/password/reset/confirm/ with {{"uid": "{uid}", "token": "{token}", "new_password": "…"}}'
    _send(
        user=user,
        subject="Reset your password",
        body=(
            f"Someone asked to reset the password of {user.email}.\n\n"
            f"To choose a new one within {minutes} minutes: {how}\n\n"
            "If it was not you, ignore this email; your password stays as it is.\n"
        ),
    )


# What a security notification says, by event: the subject and what happened to the account.
NOTICES = {
    "password_changed": ("Your password was changed", "The password of your account {email} was changed."),
    "password_reset": ("Your password was reset", "The password of your account {email} was reset by a link."),
    "account_deleted": ("Your account was deleted", "Your account {email} was deleted, and its data with it."),
    "mfa_enabled": ("Two-step login is on", "A second factor (TOTP) was turned on for your account {email}."),
    "mfa_disabled": ("Two-step login is off", "The second factor (TOTP) of your account {email} was turned off."),
    "recovery_codes": (
        "New recovery codes",
        "New recovery codes were made for your account {email}; the old ones no longer work.",
    ),
}
IF_NOT_YOU = (
    "If it was not you, reset your password now with POST /auth/password/reset/ and tell us: every session of the "
    "account ends with the reset.\n"
)


def security_notification_send(*, user: User, event: str) -> None:
    """Tell the owner about a change to the security of the account (NOTICES); no secret goes with it."""
    subject, what = NOTICES[event]
    body = what.format(email=user.email) + "\n\n"
    if event != "account_deleted":
        body += IF_NOT_YOU
    _send(user=user, subject=subject, body=body)
