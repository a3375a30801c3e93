"""Reads of sessions."""

from django.utils import timezone

from auth_service.accounts.models import User
from auth_service.tokens.models import TokenFamily


def live_sessions(*, user: User) -> list[TokenFamily]:
    """The user's sessions that have not ended nor expired, newest first."""
    now = timezone.now()
    families = TokenFamily.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")
    return [family for family in families if family.expires_at > now]
