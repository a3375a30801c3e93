"""Periodic upkeep of the token tables."""

from celery import shared_task
from django.core.management import call_command


@shared_task(name="auth.flush_expired_tokens")
def flush_expired_tokens() -> None:
    """Delete outstanding and blacklisted refresh tokens that have expired."""
    call_command("flushexpiredtokens")
