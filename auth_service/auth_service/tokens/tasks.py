"""Periodic upkeep of the token tables."""

from celery import shared_task

from auth_service.tokens import services


@shared_task(name="auth.flush_expired_tokens")
def flush_expired_tokens() -> None:
    """Delete refresh-token records that have expired, and logins left with none."""
    services.expired_tokens_flush()
