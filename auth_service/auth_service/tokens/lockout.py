"""Failed-login limits per account, kept in Redis so they hold across processes and replicas.

Accounts are keyed by a hash of the normalised email, whether or not such an account exists, so a
locked unknown address looks exactly like a locked real one.
"""

import hashlib
from functools import lru_cache

import redis
from django.conf import settings

KEY = "login-failures:{}"


@lru_cache(maxsize=2)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def _key(email: str) -> str:
    return KEY.format(hashlib.sha256(email.strip().lower().encode()).hexdigest())


def retry_after(*, email: str) -> int | None:
    """Seconds until the account may try again, or None if it is not locked."""
    client = _client(settings.REDIS_URL)
    failures = client.get(_key(email))
    if failures is None or int(failures) < settings.LOGIN_MAX_FAILURES:
        return None
    return max(int(client.ttl(_key(email))), 1)


def record_failure(*, email: str) -> None:
    """Count a failed login; the window starts at the first failure."""
    pipeline = _client(settings.REDIS_URL).pipeline()
    pipeline.incr(_key(email))
    pipeline.expire(_key(email), settings.LOGIN_LOCKOUT_SECONDS, nx=True)
    pipeline.execute()


def clear(*, email: str) -> None:
    """Forget the failures of an account that logged in."""
    _client(settings.REDIS_URL).delete(_key(email))
