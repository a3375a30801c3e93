"""The token of an email verification link.

An HMAC (Django's salted_hmac, keyed by the secret key) of the account, its address and the time its latest link
was made: a token dies with a newer link, with a change of the address, and EMAIL_VERIFICATION_TIMEOUT seconds after
its link was made; once the address is verified, no token verifies it again.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from auth_service.accounts.models import User

SALT = "auth_service.accounts.email_tokens"


def make(user: User) -> str:
    """The token of the user's latest link."""
    if user.email_verification_sent_at is None:
        raise ValueError("no verification link was made for this account")
    value = f"{user.pk}|{user.email}|{user.email_verification_sent_at.isoformat()}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()


def check(user: User, token: str) -> bool:
    """Whether the token verifies the user's address now."""
    sent_at = user.email_verification_sent_at
    if user.email_verified or sent_at is None:
        return False
    if timezone.now() - sent_at > timedelta(seconds=settings.EMAIL_VERIFICATION_TIMEOUT):
        return False
    return constant_time_compare(make(user), token)
