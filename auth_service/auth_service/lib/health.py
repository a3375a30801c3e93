"""Liveness and readiness probes."""

import logging
import threading
import time
from functools import lru_cache

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse

from auth_service.lib.views import read_only

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


@lru_cache(maxsize=2)
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=PROBE_TIMEOUT_SECONDS, socket_connect_timeout=PROBE_TIMEOUT_SECONDS)


def _redis_ok() -> bool:
    try:
        return bool(_redis_client(settings.REDIS_URL).ping())
    except redis.RedisError:
        logger.warning("readiness: redis unavailable", exc_info=True)
        return False


# The readiness probe is public (the contract routes it through the gateway): its answer is kept for
# READINESS_CACHE_SECONDS, and the process's probes wait for the one that is checking, so that a flood of
# probes costs one check of each dependency a second.
_readiness_lock = threading.Lock()
_readiness: tuple[float, dict[str, str]] = (float("-inf"), {})


def _checks() -> dict[str, str]:
    global _readiness
    with _readiness_lock:
        checked_at, checks = _readiness
        if time.monotonic() - checked_at >= settings.READINESS_CACHE_SECONDS:
            checks = {
                "database": "ok" if _database_ok() else "failing",
                "redis": "ok" if _redis_ok() else "failing",
            }
            _readiness = (time.monotonic(), checks)
        return checks


@read_only
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive; no dependency is touched."""
    return JsonResponse({"status": "ok"})


@read_only
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready when the database and Redis answer; otherwise 503 naming what failed."""
    checks = _checks()
    ready = all(state == "ok" for state in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)
