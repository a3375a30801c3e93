"""Failed-password limits per account, kept in Redis so they hold across processes and replicas.

An account is keyed by a hash of its address the way the login looks it up: PostgreSQL's upper(), which the
case-insensitive lookup compares with (so the long s, U+017F, counts as the `S` it finds the account by).
Whether or not such an account exists, so a locked unknown address looks exactly like a locked real one.

Each check of an account's password (a login, and the password a change or a deletion re-confirms) is counted
before it is made, in one atomic step with the check of the limit, and a success forgets the count: of a burst of
parallel tries, no more than the limit are checked. The window starts at the first try.
"""

import hashlib
from functools import lru_cache

import redis
from django.conf import settings
from django.db import connection

from auth_service.lib.exceptions import TooManyAttempts

KEY = "login-failures:{}"


class AccountLocked(TooManyAttempts):
    """Too many failed tries of this account's password; `retry_after` seconds remain."""

    message = "Too many failed logins; try again later."


@lru_cache(maxsize=2)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def account_key(email: str) -> str:
    """The Redis key of the account this address logs in to."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT upper(%s)", [email])
        (canonical,) = cursor.fetchone()
    return KEY.format(hashlib.sha256(canonical.encode()).hexdigest())


def attempt(*, email: str) -> None:
    """Count a try at the account's password before it is checked; AccountLocked if it is one too many."""
    key = account_key(email)
    pipeline = _client(settings.REDIS_URL).pipeline(transaction=True)
    pipeline.incr(key)
    pipeline.expire(key, settings.LOGIN_LOCKOUT_SECONDS, nx=True)
    pipeline.ttl(key)
    tries, _, seconds_left = pipeline.execute()
    if tries > settings.LOGIN_MAX_FAILURES:
        raise AccountLocked(max(int(seconds_left), 1))


def clear(*, email: str) -> None:
    """Forget the tries of an account whose password was right."""
    _client(settings.REDIS_URL).delete(account_key(email))
