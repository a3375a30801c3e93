"""The cache stores JSON: what it reads is never unpickled, whoever wrote it."""

import pickle

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

unpickled = []


class Payload:
    def __reduce__(self):
        return (unpickled.append, ("code ran",))


def test_values_round_trip_as_json_and_counters_as_numbers():
    cache.set("history", [1733500000.5, 1733500001.25])
    assert cache.get("history") == [1733500000.5, 1733500001.25]
    cache.set("count", 1)
    assert cache.incr("count") == 2
    raw = redis.Redis.from_url(settings.REDIS_URL).get(cache.make_key("history"))
    assert raw == b"[1733500000.5,1733500001.25]"


def test_a_pickle_planted_in_redis_is_refused_not_run():
    redis.Redis.from_url(settings.REDIS_URL).set(cache.make_key("throttle_login_10.0.0.1"), pickle.dumps(Payload()))
    with pytest.raises(UnicodeDecodeError):
        cache.get("throttle_login_10.0.0.1")
    assert unpickled == []
