"""Tries counted in Redis, each key in a window that starts at its first try, so that limits hold across processes
and replicas."""

from functools import lru_cache

import redis
from django.conf import settings


@lru_cache(maxsize=2)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def count_try(key: str, window: int) -> tuple[int, int]:
    """Count a try under the key, in one atomic step: the tries in its window so far, and the seconds it has left."""
    pipeline = _client(settings.REDIS_URL).pipeline(transaction=True)
    pipeline.incr(key)
    pipeline.expire(key, window, nx=True)
    pipeline.ttl(key)
    tries, _, seconds_left = pipeline.execute()
    return tries, max(int(seconds_left), 1)


def forget(key: str) -> None:
    """Drop the key's tries."""
    _client(settings.REDIS_URL).delete(key)
