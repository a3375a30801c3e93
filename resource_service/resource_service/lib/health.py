"""Liveness and readiness probes."""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

PROBE_TIMEOUT_SECONDS = 2


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.warning("readiness: database unavailable", exc_info=True)
        return False


def _redis_ok() -> bool:
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=PROBE_TIMEOUT_SECONDS, socket_connect_timeout=PROBE_TIMEOUT_SECONDS
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        logger.warning("readiness: redis unavailable", exc_info=True)
        return False
    finally:
        client.close()


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive; no dependency is touched."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready when the database and Redis answer; otherwise 503 naming what failed."""
    checks = {
        "database": "ok" if _database_ok() else "failing",
        "redis": "ok" if _redis_ok() else "failing",
    }
    ready = all(state == "ok" for state in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)
