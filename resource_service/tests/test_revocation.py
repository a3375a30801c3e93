"""Access tokens older than their user's "not before" time in Redis, or of an ended session, are refused; Redis
down is survivable."""

import time
import uuid

import pytest

from resource_service.tokens import revocation
from tests.conftest import ALICE, BOB
from tests.signing import token_for

pytestmark = pytest.mark.django_db


def status_with(api, token: str) -> int:
    return api.get("/api/projects/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_tokens_issued_before_the_users_time_are_refused(api, redis_db):
    now = int(time.time())
    old, new, bobs = token_for(ALICE, iat=now - 10), token_for(ALICE, iat=now + 1), token_for(BOB, iat=now - 10)
    assert status_with(api, old) == 200

    redis_db.set(f"revoked-before:{ALICE}", now + 1)
    revocation.forget()  # what a second of waiting does

    assert status_with(api, old) == 401
    assert status_with(api, new) == 200
    assert status_with(api, bobs) == 200


def test_a_revocation_takes_effect_within_the_in_process_cache_time(api, redis_db, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(revocation.time, "monotonic", lambda: clock[0])
    old = token_for(ALICE, iat=int(time.time()) - 10)
    assert status_with(api, old) == 200
    redis_db.set(f"revoked-before:{ALICE}", int(time.time()))
    clock[0] += revocation.CACHE_SECONDS + 0.01
    assert status_with(api, old) == 401
    assert revocation.CACHE_SECONDS < 5


def test_one_redis_read_per_user_and_session_per_cache_period(api, redis_db, monkeypatch):
    reads = []
    real_client = revocation._client(revocation.settings.REDIS_URL)
    monkeypatch.setattr(real_client, "mget", lambda keys: reads.append(keys) or [None] * len(keys))
    session = str(uuid.uuid4())
    token = token_for(ALICE, sid=session)
    for _ in range(5):
        assert status_with(api, token) == 200
    assert reads == [[f"revoked-before:{ALICE}", f"revoked-session:{session}"]]


def test_an_ended_sessions_tokens_are_refused_and_the_users_other_sessions_keep_working(api, redis_db):
    ended, other = str(uuid.uuid4()), str(uuid.uuid4())
    assert status_with(api, token_for(ALICE, sid=ended)) == 200
    redis_db.set(f"revoked-session:{ended}", 1)
    revocation.forget()  # what a second of waiting does
    assert status_with(api, token_for(ALICE, sid=ended)) == 401
    assert status_with(api, token_for(ALICE, sid=other)) == 200


def test_with_redis_unreachable_valid_tokens_still_work(api, settings, caplog):
    from resource_service.lib import metrics

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    before = metrics.revocation_store_errors._value.get()
    assert status_with(api, token_for(ALICE)) == 200
    assert status_with(api, token_for(BOB)) == 200  # within the back-off: Redis is not asked again
    assert metrics.revocation_store_errors._value.get() == before + 1
    assert "revocation store unavailable" in caplog.text
