"""Account operations: every write to a user goes through here."""

import logging

from django.db import transaction
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from auth_service.accounts.models import User
from auth_service.celery import app as celery_app

logger = logging.getLogger(__name__)

DELETE_USER_DATA_TASK = "resource.delete_user_data"


class EmailTaken(Exception):
    """Another account already uses this email address."""


def user_register(*, email: str, password: str, display_name: str = "") -> User:
    """Create an active account; the email is compared case-insensitively."""
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise EmailTaken(email)
        return User.objects.create_user(email=email, password=password, display_name=display_name)


def user_update(*, user: User, display_name: str) -> User:
    """Change the profile fields a user may edit."""
    user.display_name = display_name
    user.save(update_fields=["display_name"])
    return user


def user_revoke_refresh_tokens(*, user: User) -> None:
    """Retire every refresh token the user holds."""
    outstanding = OutstandingToken.objects.filter(user=user).exclude(blacklistedtoken__isnull=False)
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Deactivate the account, revoke its tokens, and have the resource service delete its data."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_revoke_refresh_tokens(user=user)
    user_id = str(user.pk)
    transaction.on_commit(lambda: celery_app.send_task(DELETE_USER_DATA_TASK, args=[user_id], queue="resource"))
    logger.info("account deleted", extra={"user_id": user_id})
