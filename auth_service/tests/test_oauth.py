"""RFC 6749's refresh grant at the token endpoint of the discovery metadata: a form-encoded request (section 6),
the section 5.1 answer, the section 5.2 errors; the contract's JSON refresh beside it. RFC 7009's revocation at its
revocation endpoint, beside the contract's JSON logout."""

from urllib.parse import urlencode

import jwt
import pytest

from auth_service.tokens import signing
from auth_service.tokens.models import TokenFamily
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/auth/token/refresh/"
FORM = "application/x-www-form-urlencoded"


def grant(api, *pairs: tuple[str, str]):
    return api.post(URL, urlencode(pairs), content_type=FORM)


def test_a_form_encoded_refresh_answers_as_section_5_1_says(api, alice, alice_tokens):
    response = grant(
        api, ("grant_type", "refresh_token"), ("refresh_token", alice_tokens["refresh"]), ("client_id", "x")
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "Bearer"
    assert isinstance(body["expires_in"], int)
    assert jwt.decode(body["access_token"], options={"verify_signature": False})["sub"] == str(alice.pk)
    # The new refresh token works in the contract's JSON form as well.
    assert api.post(URL, {"refresh": body["refresh_token"]}).status_code == 200


@pytest.mark.parametrize(
    ("pairs", "error"),
    [
        ([], "invalid_request"),
        ([("refresh_token", "{refresh}")], "invalid_request"),
        ([("grant_type", "refresh_token")], "invalid_request"),
        (
            [("grant_type", "refresh_token"), ("grant_type", "refresh_token"), ("refresh_token", "{refresh}")],
            "invalid_request",
        ),
        (
            [("grant_type", "refresh_token"), ("refresh_token", "{refresh}"), ("refresh_token", "{refresh}")],
            "invalid_request",
        ),
        (
            [("grant_type", "password"), ("username", "alice@example.com"), ("password", PASSWORD)],
            "unsupported_grant_type",
        ),
        ([("grant_type", "client_credentials")], "unsupported_grant_type"),
        ([("grant_type", "refresh_token"), ("refresh_token", "{refresh}"), ("scope", "admin")], "invalid_scope"),
        ([("grant_type", "refresh_token"), ("refresh_token", "not.a.token")], "invalid_grant"),
        ([("grant_type", "refresh_token"), ("refresh_token", "{access}")], "invalid_grant"),
    ],
    ids=[
        "empty",
        "no-grant-type",
        "no-refresh-token",
        "repeated-grant-type",
        "repeated-refresh-token",
        "password-grant",
        "client-credentials",
        "scope",
        "forged-token",
        "access-token",
    ],
)
def test_a_refused_request_is_a_section_5_2_error(api, alice_tokens, pairs, error):
    values = {"{refresh}": alice_tokens["refresh"], "{access}": alice_tokens["access"]}
    response = grant(api, *[(name, values.get(value, value)) for name, value in pairs])
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "error_description"}
    assert body["error"] == error
    # Nothing was refreshed: the refresh token still works once.
    assert api.post(URL, {"refresh": alice_tokens["refresh"]}).status_code == 200


def test_a_retired_refresh_token_after_the_reuse_interval_is_an_invalid_grant(api, alice_tokens, settings):
    settings.REFRESH_REUSE_INTERVAL = 0
    first = grant(api, ("grant_type", "refresh_token"), ("refresh_token", alice_tokens["refresh"]))
    assert first.status_code == 200
    replay = grant(api, ("grant_type", "refresh_token"), ("refresh_token", alice_tokens["refresh"]))
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    # The replay ended the session: the pair the first use got is refused too.
    refreshed = grant(api, ("grant_type", "refresh_token"), ("refresh_token", first.json()["refresh_token"]))
    assert refreshed.json()["error"] == "invalid_grant"


def test_the_login_takes_no_form(api, alice):
    response = api.post("/auth/token/", urlencode({"email": alice.email, "password": PASSWORD}), content_type=FORM)
    assert response.status_code == 415


REVOKE = "/auth/logout/"


def revoke(api, *pairs: tuple[str, str]):
    return api.post(REVOKE, urlencode(pairs), content_type=FORM)


@pytest.mark.parametrize("kind", ["refresh", "access"])
def test_revoking_a_token_ends_its_session_and_only_that_one(api, alice, alice_tokens, kind):
    other = api.post("/auth/token/", {"email": alice.email, "password": PASSWORD}).json()
    response = revoke(api, ("token", alice_tokens[kind]), ("token_type_hint", "refresh_token"))
    assert response.status_code == 200
    assert response.content == b""
    assert api.post(URL, {"refresh": alice_tokens["refresh"]}).status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {alice_tokens['access']}")
    assert api.get("/auth/me/").status_code == 401
    api.credentials()
    assert api.post(URL, {"refresh": other["refresh"]}).status_code == 200


@pytest.mark.parametrize("token", ["not.a.token", "x", "{revoked}"])
def test_revoking_what_is_no_live_token_is_a_200_all_the_same(api, alice_tokens, token):
    revoke(api, ("token", alice_tokens["refresh"]))
    assert revoke(api, ("token", alice_tokens["refresh"] if token == "{revoked}" else token)).status_code == 200


def test_revoking_a_token_of_an_ended_session_keeps_how_and_when_it_ended(api, alice, alice_tokens):
    api.post("/auth/logout/", {"refresh": alice_tokens["refresh"]})
    session = TokenFamily.objects.get(pk=jwt.decode(alice_tokens["access"], options={"verify_signature": False})["sid"])
    assert revoke(api, ("token", alice_tokens["access"])).status_code == 200
    again = TokenFamily.objects.get(pk=session.pk)
    assert (again.revoked_at, again.revoked_reason) == (session.revoked_at, session.revoked_reason)


def test_a_token_naming_its_session_otherwise_than_the_service_writes_revokes_nothing(api, alice, alice_tokens):
    claims = jwt.decode(alice_tokens["access"], options={"verify_signature": False})
    other_spelling = signing.sign({**claims, "sid": claims["sid"].upper()})
    assert revoke(api, ("token", other_spelling)).status_code == 200
    assert TokenFamily.objects.get(pk=claims["sid"]).revoked_at is None


@pytest.mark.parametrize(
    "pairs", [[], [("token", "")], [("token", "a"), ("token", "b")]], ids=["none", "empty", "twice"]
)
def test_a_revocation_without_one_token_is_an_invalid_request(api, pairs):
    response = revoke(api, *pairs)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
