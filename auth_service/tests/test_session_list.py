"""GET /auth/sessions/ and DELETE /auth/sessions/{id}/, and the absolute lifetime of a session."""

import uuid
from datetime import datetime, timedelta

import jwt
import pytest
from rest_framework.test import APIClient

from auth_service.tokens.models import TokenFamily
from tests.conftest import login

pytestmark = pytest.mark.django_db


def sid_of(token: str) -> str:
    return jwt.decode(token, options={"verify_signature": False})["sid"]


def client_of(pair: dict) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    return api


def test_the_list_shows_the_callers_live_sessions_newest_first_and_marks_the_current_one(api, alice, bob):
    phone = login(api, alice.email)
    laptop = login(APIClient(HTTP_USER_AGENT="Laptop/1.0", REMOTE_ADDR="203.0.113.9"), alice.email)
    login(api, bob.email)
    ended = login(api, alice.email)
    api.post("/auth/logout/", {"refresh": ended["refresh"]})

    response = client_of(phone).get("/auth/sessions/")
    assert response.status_code == 200
    sessions = response.json()
    assert [session["id"] for session in sessions] == [sid_of(laptop["access"]), sid_of(phone["access"])]
    assert [session["current"] for session in sessions] == [False, True]
    assert set(sessions[0]) == {
        "id",
        "created_at",
        "last_refreshed_at",
        "expires_at",
        "user_agent",
        "client_ip",
        "current",
    }
    assert sessions[0]["user_agent"] == "Laptop/1.0"
    assert sessions[0]["last_refreshed_at"] is None
    # No token, hash or secret of a session is listed.
    assert laptop["refresh"] not in response.content.decode()


def test_a_session_lists_the_earlier_of_its_idle_and_absolute_limits(api, alice, settings):
    settings.SESSION_MAX_LIFETIME = 60
    pair = login(api, alice.email)
    (session,) = client_of(pair).get("/auth/sessions/").json()
    family = TokenFamily.objects.get(pk=session["id"])
    expires_at = datetime.fromisoformat(session["expires_at"].replace("Z", "+00:00"))
    assert expires_at == family.created_at + timedelta(seconds=60)  # the absolute limit, not a day of idleness


def test_a_user_agent_is_kept_printable_and_short(alice):
    api = APIClient(HTTP_USER_AGENT="Evil\x1b[31m\r\nAgent" + "x" * 500)
    login(api, alice.email)
    family = TokenFamily.objects.get(user=alice)
    assert family.user_agent.startswith("Evil[31mAgent")
    assert len(family.user_agent) == 200


def test_ending_a_session_refuses_its_tokens_and_keeps_the_others(
    api, alice, redis_db, django_capture_on_commit_callbacks
):
    phone, laptop = login(api, alice.email), login(api, alice.email)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(laptop).delete(f"/auth/sessions/{sid_of(phone['access'])}/")
    assert response.status_code == 204
    assert api.post("/auth/token/refresh/", {"refresh": phone["refresh"]}).status_code == 401
    assert client_of(phone).get("/auth/me/").status_code == 401
    assert redis_db.get(f"revoked-session:{sid_of(phone['access'])}") == b"1"
    assert client_of(laptop).get("/auth/me/").status_code == 200
    assert TokenFamily.objects.get(pk=sid_of(phone["access"])).revoked_reason == TokenFamily.Reason.ENDED


def test_the_current_session_can_be_ended_too(api, alice):
    pair = login(api, alice.email)
    assert client_of(pair).delete(f"/auth/sessions/{sid_of(pair['access'])}/").status_code == 204
    assert client_of(pair).get("/auth/me/").status_code == 401


@pytest.mark.parametrize("whose", ["another_users", "unknown", "ended"])
def test_a_session_that_is_not_a_live_one_of_the_caller_is_a_404(api, alice, bob, whose):
    mine = login(api, alice.email)
    target = {
        "another_users": lambda: sid_of(login(api, bob.email)["access"]),
        "unknown": lambda: str(uuid.uuid4()),
        "ended": lambda: sid_of(ended["access"]),
    }
    ended = login(api, alice.email)
    api.post("/auth/logout/", {"refresh": ended["refresh"]})
    response = client_of(mine).delete(f"/auth/sessions/{target[whose]()}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("session_id", ["not-a-uuid", "1", "%00", "a" * 300])
def test_a_malformed_session_id_is_a_404_never_a_5xx(api, alice, session_id):
    response = client_of(login(api, alice.email)).delete(f"/auth/sessions/{session_id}/")
    assert response.status_code == 404


def test_the_sessions_need_a_bearer_token(api):
    assert api.get("/auth/sessions/").status_code == 401
    assert api.delete(f"/auth/sessions/{uuid.uuid4()}/").status_code == 401


def test_no_token_outlives_the_sessions_absolute_limit_and_a_refresh_after_it_is_refused(api, alice, settings):
    settings.SESSION_MAX_LIFETIME = 2
    pair = login(api, alice.email)
    family = TokenFamily.objects.get(pk=sid_of(pair["access"]))
    session_end = family.created_at.timestamp() + 2
    for name in ("access", "refresh"):
        assert jwt.decode(pair[name], options={"verify_signature": False})["exp"] <= session_end
    assert pair["expires_in"] <= 2
    # A session that started long ago: its refresh token, though unexpired, renews nothing.
    settings.SESSION_MAX_LIFETIME = 3600
    fresh = login(api, alice.email)
    TokenFamily.objects.filter(pk=sid_of(fresh["access"])).update(created_at=family.created_at - timedelta(hours=2))
    assert api.post("/auth/token/refresh/", {"refresh": fresh["refresh"]}).status_code == 401
