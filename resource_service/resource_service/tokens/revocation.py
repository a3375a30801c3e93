"""Revocations of live access tokens, written to Redis by the auth service (docs/cross-service.toml): per user, a
"not before" time (`revoked-before:<user id>`: a token issued earlier is refused), and per session, a mark
(`revoked-session:<session id>`: every token of that session is refused).

Both keys of a request are read in one round trip, and each answer is kept in process for a second, so a revocation
takes effect within about a second and Redis sees at most one read per user and session per second and process.
When Redis cannot be reached the service keeps serving, relying on the short access-token lifetime; each failure is
logged and counted, and Redis is not asked again for a second.
"""

import logging
import time
from functools import lru_cache

import redis
from django.conf import settings

from resource_service.lib import metrics

logger = logging.getLogger(__name__)

KEY = "revoked-before:{}"
SESSION_KEY = "revoked-session:{}"
CACHE_SECONDS = 1.0
TIMEOUT_SECONDS = 0.2
_MAX_ENTRIES = 10_000

_cache: dict[str, tuple[float, bytes | str | None]] = {}
_unreachable_until = 0.0


@lru_cache(maxsize=2)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS)


def _values(*keys: str) -> list[bytes | str | None] | None:
    """The keys' values, each kept a second in process; None if Redis cannot be reached now."""
    global _unreachable_until
    now = time.monotonic()
    missing = [key for key in keys if not (key in _cache and _cache[key][0] > now)]
    if missing:
        if now < _unreachable_until:
            return None
        try:
            values = _client(settings.REDIS_URL).mget(missing)
        except redis.RedisError:
            _unreachable_until = now + CACHE_SECONDS
            metrics.revocation_store_errors.inc()
            logger.warning("revocation store unavailable; relying on the access-token lifetime", exc_info=True)
            return None
        if len(_cache) + len(missing) > _MAX_ENTRIES:
            _cache.clear()
        for key, value in zip(missing, values, strict=True):
            _cache[key] = (now + CACHE_SECONDS, value)
    return [_cache[key][1] for key in keys]


def is_revoked(*, user_id: str, session_id: str, issued_at: int | float) -> bool:
    """Whether a token of this user and session, issued at this time, has been revoked."""
    values = _values(KEY.format(user_id), SESSION_KEY.format(session_id))
    if values is None:
        return False
    not_before, session_ended = values
    return session_ended is not None or (not_before is not None and issued_at < int(not_before))


def forget() -> None:
    """Drop what is kept in process (for tests)."""
    global _unreachable_until
    _cache.clear()
    _unreachable_until = 0.0
