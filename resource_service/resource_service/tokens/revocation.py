"""Per-user "not before" times, written to Redis by the auth service (`revoked-before:<user id>`).

An access token issued before its user's time is refused. Answers are kept in process for a second, so a
revocation takes effect within about a second and Redis sees at most one read per user per second and
process. When Redis cannot be reached the service keeps serving, relying on the short access-token
lifetime; each failure is logged and counted, and Redis is not asked again for a second.
"""

import logging
import time
import uuid
from functools import lru_cache

import redis
from django.conf import settings

from resource_service.lib import metrics

logger = logging.getLogger(__name__)

KEY = "revoked-before:{}"
CACHE_SECONDS = 1.0
TIMEOUT_SECONDS = 0.2
_MAX_ENTRIES = 10_000

_cache: dict[str, tuple[float, int | None]] = {}
_unreachable_until = 0.0


@lru_cache(maxsize=2)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS)


def not_before(user_id: uuid.UUID | str) -> int | None:
    """The user's "not before" time, or None if there is none or it cannot be known now."""
    global _unreachable_until
    now = time.monotonic()
    key = str(user_id)
    cached = _cache.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    if now < _unreachable_until:
        return None
    try:
        value = _client(settings.REDIS_URL).get(KEY.format(key))
    except redis.RedisError:
        _unreachable_until = now + CACHE_SECONDS
        metrics.revocation_store_errors.inc()
        logger.warning("revocation store unavailable; relying on the access-token lifetime", exc_info=True)
        return None
    if len(_cache) >= _MAX_ENTRIES:
        _cache.clear()
    result = int(value) if value is not None else None
    _cache[key] = (now + CACHE_SECONDS, result)
    return result


def is_revoked(*, user_id: str, issued_at: int | float) -> bool:
    """Whether a token of this user issued at this time has been revoked."""
    cutoff = not_before(user_id)
    return cutoff is not None and issued_at < cutoff


def forget() -> None:
    """Drop what is kept in process (for tests)."""
    global _unreachable_until
    _cache.clear()
    _unreachable_until = 0.0
