"""Logins as token families: logout, logout-all, the refresh race, and live access-token revocation."""

import threading
import time
import uuid

import jwt
import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from auth_service.tokens import revocation
from auth_service.tokens.models import TokenFamily
from tests.conftest import PASSWORD, counted, login

pytestmark = pytest.mark.django_db


def refresh(api, token: str):
    return api.post("/auth/token/refresh/", {"refresh": token})


def sid_of(token: str) -> str:
    return jwt.decode(token, options={"verify_signature": False})["sid"]


def test_logout_revokes_that_login_only_and_is_idempotent(api, alice):
    phone, laptop = login(api, alice.email), login(api, alice.email)
    assert api.post("/auth/logout/", {"refresh": phone["refresh"]}).status_code == 204
    assert api.post("/auth/logout/", {"refresh": phone["refresh"]}).status_code == 204
    assert refresh(api, phone["refresh"]).status_code == 401
    assert refresh(api, laptop["refresh"]).status_code == 200
    # The auth service refuses the access tokens of a revoked login at once.
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {phone['access']}")
    assert api.get("/auth/me/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {laptop['access']}")
    assert api.get("/auth/me/").status_code == 200


@pytest.mark.parametrize("token", ["garbage", "a.b.c"])
def test_logout_with_a_forged_token_is_a_401(api, token):
    assert api.post("/auth/logout/", {"refresh": token}).status_code == 401


def test_logout_with_an_expired_token_is_a_204(api, alice, settings):
    from datetime import timedelta

    from rest_framework_simplejwt.tokens import RefreshToken

    from auth_service.tokens.signing import sign

    token = RefreshToken()
    token.set_exp(lifetime=timedelta(seconds=-120))
    token["sub"] = str(alice.pk)
    assert api.post("/auth/logout/", {"refresh": sign(token.payload)}).status_code == 204


def test_logout_all_revokes_every_login_and_live_access_tokens(
    api, alice, bob, redis_db, django_capture_on_commit_callbacks
):
    logins = [login(api, alice.email) for _ in range(2)]
    bobs = login(api, bob.email)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {logins[0]['access']}")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/auth/logout-all/").status_code == 204
    api.credentials()
    for pair in logins:
        assert refresh(api, pair["refresh"]).status_code == 401
    assert refresh(api, bobs["refresh"]).status_code == 200

    not_before = int(redis_db.get(f"revoked-before:{alice.pk}"))
    assert not_before > jwt.decode(logins[1]["access"], options={"verify_signature": False})["iat"]
    assert 0 < redis_db.ttl(f"revoked-before:{alice.pk}") <= 300 + 30 + 60
    assert redis_db.get(f"revoked-before:{bob.pk}") is None


def test_ending_one_session_marks_its_access_tokens_revoked_for_the_resource_service(
    api, alice, redis_db, django_capture_on_commit_callbacks
):
    phone, laptop = login(api, alice.email), login(api, alice.email)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/auth/logout/", {"refresh": phone["refresh"]}).status_code == 204
    assert redis_db.get(f"revoked-session:{sid_of(phone['access'])}") == b"1"
    assert 0 < redis_db.ttl(f"revoked-session:{sid_of(phone['access'])}") <= 300 + 30 + 60
    assert redis_db.get(f"revoked-session:{sid_of(laptop['access'])}") is None
    # One session ended: the user's other access tokens are not refused wholesale.
    assert redis_db.get(f"revoked-before:{alice.pk}") is None


def test_a_replayed_refresh_token_ends_its_sessions_access_tokens_too(
    api, alice, redis_db, settings, django_capture_on_commit_callbacks
):
    settings.REFRESH_REUSE_INTERVAL = 0
    pair = login(api, alice.email)
    assert refresh(api, pair["refresh"]).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert refresh(api, pair["refresh"]).status_code == 401
    assert redis_db.get(f"revoked-session:{sid_of(pair['access'])}") == b"1"


def test_a_password_change_keeps_its_own_sessions_tokens_and_ends_the_others_access_tokens(
    api, alice, redis_db, django_capture_on_commit_callbacks
):
    mine, other = login(api, alice.email), login(api, alice.email)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {mine['access']}")
    with django_capture_on_commit_callbacks(execute=True):
        body = {"old_password": PASSWORD, "new_password": "a brand new passphrase"}
        assert api.post("/auth/password/change/", body).status_code == 204
    assert api.get("/auth/me/").status_code == 200
    assert redis_db.get(f"revoked-session:{sid_of(other['access'])}") == b"1"
    assert redis_db.get(f"revoked-session:{sid_of(mine['access'])}") is None
    assert redis_db.get(f"revoked-before:{alice.pk}") is None


def test_a_login_right_after_a_revocation_is_not_older_than_it(api, alice, django_capture_on_commit_callbacks):
    first = login(api, alice.email)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {first['access']}")
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/auth/logout-all/")
    api.credentials()
    fresh = login(api, alice.email)
    iat = jwt.decode(fresh["access"], options={"verify_signature": False})["iat"]
    assert iat >= revocation.not_before(user_id=alice.pk)


def test_revocation_survives_an_unreachable_redis(settings, alice, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    asked_at = time.time()
    assert revocation.revoke_access_tokens(user_id=alice.pk) > asked_at
    assert revocation.not_before(user_id=alice.pk) is None
    (stored,) = [record for record in caplog.records if record.levelname == "ERROR"]
    assert (stored.name, stored.getMessage(), stored.exc_info) == (
        revocation.__name__,
        "revocation store unavailable: access tokens stay valid until they expire",
        None,
    )
    assert stored.error.startswith("ConnectionError: ")


def test_a_revocation_refuses_the_tokens_of_its_second_and_no_later_one(monkeypatch, alice, redis_db):
    """Token times are whole seconds: "not before" is the next second, so that a token issued in the second of the
    revocation is refused and one issued in the next is not."""
    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.4)
    assert revocation.revoke_access_tokens(user_id=alice.pk) == 1_800_000_001
    assert int(redis_db.get(revocation.KEY.format(alice.pk))) == 1_800_000_001


def test_a_revocation_lives_as_long_as_a_token_issued_then_could(settings, alice, redis_db):
    settings.JWT_LEEWAY_SECONDS = 30
    revocation.revoke_access_tokens(user_id=alice.pk)
    revocation.revoke_session_tokens(session_ids=["s-1"])
    lifetime = int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds())
    for key in (revocation.KEY.format(alice.pk), revocation.SESSION_KEY.format("s-1")):
        assert lifetime + 30 + 59 <= redis_db.ttl(key) <= lifetime + 30 + 60


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_with_one_token_all_get_the_same_pair_and_the_session_lives_on(alice):
    """Two tabs, a client's retry: each request, on its own connection as on another worker, gets the one
    successor pair, and the session keeps a single chain."""
    pair = login(APIClient(), alice.email)
    barrier = threading.Barrier(4)
    answers = []

    def attempt():
        try:
            barrier.wait()
            response = refresh(APIClient(), pair["refresh"])
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [status for status, _ in answers] == [200] * 4
    assert len({(body["access"], body["refresh"]) for _, body in answers}) == 1
    family = TokenFamily.objects.get(pk=sid_of(pair["refresh"]))
    assert family.is_active
    assert refresh(APIClient(), answers[0][1]["refresh"]).status_code == 200


def test_a_second_use_within_the_interval_gets_the_same_pair_but_an_ended_session_stays_ended(api, alice):
    pair = login(api, alice.email)
    first, second = refresh(api, pair["refresh"]).json(), refresh(api, pair["refresh"]).json()
    assert first == second
    assert api.post("/auth/logout/", {"refresh": first["refresh"]}).status_code == 204
    assert refresh(api, pair["refresh"]).status_code == 401


def test_a_second_use_after_the_interval_is_a_replay_that_ends_the_session(api, alice):
    from datetime import timedelta

    from django.utils import timezone

    from auth_service.tokens.models import IssuedRefreshToken

    pair = login(api, alice.email)
    successor = refresh(api, pair["refresh"]).json()
    IssuedRefreshToken.objects.filter(used_at__isnull=False).update(used_at=timezone.now() - timedelta(seconds=11))
    assert refresh(api, pair["refresh"]).status_code == 401
    assert refresh(api, successor["refresh"]).status_code == 401
    assert TokenFamily.objects.get(pk=sid_of(pair["refresh"])).revoked_reason == "reuse"


def test_a_replay_is_counted_and_logged_with_its_session(api, alice, settings, caplog):
    settings.REFRESH_REUSE_INTERVAL = 0
    pair = login(api, alice.email)
    refresh(api, pair["refresh"])
    before = counted("auth_refresh_failures_total", reason="reused")
    assert refresh(api, pair["refresh"]).status_code == 401
    assert counted("auth_refresh_failures_total", reason="reused") == before + 1
    (line,) = [record for record in caplog.records if record.name == "auth_service.tokens.services"]
    assert (line.levelname, line.getMessage()) == ("WARNING", "refresh token reused; its session is ended")
    assert line.family_id == sid_of(pair["refresh"])


def test_a_second_use_at_the_last_moment_of_the_interval_gets_the_same_pair(api, alice, settings, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from auth_service.tokens.models import IssuedRefreshToken

    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    pair = login(api, alice.email)
    first = refresh(api, pair["refresh"]).json()
    used_at = moment - timedelta(seconds=settings.REFRESH_REUSE_INTERVAL)
    IssuedRefreshToken.objects.filter(used_at__isnull=False).update(used_at=used_at)
    before = counted("auth_tokens_issued_total", grant="refresh_reuse")
    assert refresh(api, pair["refresh"]).json() == first
    assert counted("auth_tokens_issued_total", grant="refresh_reuse") == before + 1


def test_the_flush_deletes_a_login_once_it_has_no_token_left_and_is_older_than_a_refresh_token(api, alice, settings):
    from datetime import timedelta

    from django.utils import timezone

    from auth_service.tokens import services

    old_empty, old_live, new_empty = (sid_of(login(api, alice.email)["refresh"]) for _ in range(3))
    long_ago = timezone.now() - settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] - timedelta(minutes=1)
    TokenFamily.objects.filter(pk__in=[old_empty, old_live]).update(created_at=long_ago)
    for empty in (old_empty, new_empty):
        TokenFamily.objects.get(pk=empty).refresh_tokens.all().delete()
    services.expired_tokens_flush()
    assert set(TokenFamily.objects.values_list("pk", flat=True)) == {uuid.UUID(old_live), uuid.UUID(new_empty)}


def test_a_session_ends_once_with_its_first_reason(api, alice):
    pair = login(api, alice.email)
    before = counted("auth_sessions_ended_total", reason="logout")
    assert api.post("/auth/logout/", {"refresh": pair["refresh"]}).status_code == 204
    ended = TokenFamily.objects.get(pk=sid_of(pair["refresh"]))
    assert api.post("/auth/logout/", {"refresh": pair["refresh"]}).status_code == 204
    again = TokenFamily.objects.get(pk=ended.pk)
    assert (again.revoked_at, again.revoked_reason) == (ended.revoked_at, "logout")
    assert counted("auth_sessions_ended_total", reason="logout") == before + 1


def test_logout_all_ends_the_live_sessions_and_leaves_how_the_others_ended(api, alice):
    gone, live, also_live = (login(api, alice.email) for _ in range(3))
    api.post("/auth/logout/", {"refresh": gone["refresh"]})
    ended = TokenFamily.objects.get(pk=sid_of(gone["refresh"]))
    before = counted("auth_sessions_ended_total", reason="logout_all")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {live['access']}")
    assert api.post("/auth/logout-all/").status_code == 204
    assert counted("auth_sessions_ended_total", reason="logout_all") == before + 2
    reasons = dict(TokenFamily.objects.values_list("pk", "revoked_reason"))
    assert reasons == {
        ended.pk: "logout",
        uuid.UUID(sid_of(live["refresh"])): "logout_all",
        uuid.UUID(sid_of(also_live["refresh"])): "logout_all",
    }
    assert TokenFamily.objects.get(pk=ended.pk).revoked_at == ended.revoked_at


def test_a_password_change_ends_the_other_sessions_with_its_reason(api, alice, alice_api, alice_tokens):
    other = login(api, alice.email)
    before = counted("auth_sessions_ended_total", reason="password_change")
    body = {"old_password": PASSWORD, "new_password": "a new passphrase"}
    assert alice_api.post("/auth/password/change/", body).status_code == 204
    assert TokenFamily.objects.get(pk=sid_of(other["refresh"])).revoked_reason == "password_change"
    assert TokenFamily.objects.get(pk=sid_of(alice_tokens["refresh"])).revoked_at is None
    assert counted("auth_sessions_ended_total", reason="password_change") == before + 1


def test_a_refresh_of_an_ended_session_is_counted_as_revoked(api, alice):
    pair = login(api, alice.email)
    TokenFamily.objects.filter(pk=sid_of(pair["refresh"])).update(revoked_at=timezone.now(), revoked_reason="ended")
    before = counted("auth_refresh_failures_total", reason="revoked")
    assert refresh(api, pair["refresh"]).status_code == 401
    assert counted("auth_refresh_failures_total", reason="revoked") == before + 1


def test_a_session_is_over_at_the_very_moment_it_expires(api, alice, monkeypatch):
    pair = login(api, alice.email)
    session = TokenFamily.objects.get(pk=sid_of(pair["refresh"]))
    monkeypatch.setattr(timezone, "now", lambda: session.expires_at)
    before = counted("auth_refresh_failures_total", reason="session_expired")
    assert refresh(api, pair["refresh"]).status_code == 401
    assert counted("auth_refresh_failures_total", reason="session_expired") == before + 1


def test_expired_records_are_flushed(api, alice):
    from datetime import timedelta

    from django.utils import timezone

    from auth_service.tokens.models import IssuedRefreshToken
    from auth_service.tokens.tasks import flush_expired_tokens

    login(api, alice.email)
    live = login(api, alice.email)
    IssuedRefreshToken.objects.exclude(
        jti=jwt.decode(live["refresh"], options={"verify_signature": False})["jti"]
    ).update(expires_at=timezone.now() - timedelta(seconds=1))
    flush_expired_tokens()
    assert IssuedRefreshToken.objects.count() == 1
    assert refresh(api, live["refresh"]).status_code == 200
