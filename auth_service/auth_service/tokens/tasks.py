"""Periodic upkeep of the token and login audit tables."""

from celery import shared_task

from auth_service.tokens import services


@shared_task(name="auth.flush_expired_tokens")
def flush_expired_tokens() -> None:
    """Delete refresh-token records that have expired, and logins left with none."""
    services.expired_tokens_flush()


@shared_task(name="auth.purge_login_events")
def purge_login_events() -> None:
    """Delete login audit records past their retention."""
    services.login_events_purge()
