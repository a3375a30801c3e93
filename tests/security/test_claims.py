"""Claim validation (RFC 8725 sections 2.8-2.9, 3.8-3.11): tokens signed with the stack's own key, made out to
the victim, each wrong in one claim, are refused by both services; so is each kind of token where the other
is expected."""

import time
import uuid

import pytest
from conftest import ISSUER, Gateway

from security.attacker import assert_refused

NOW = int(time.time())


@pytest.fixture
def sign_for_victim(attacker, victim, sign_like_the_stack):
    template = attacker.login()["access"]

    def sign(**overrides) -> str:
        return sign_like_the_stack(template, **{"sub": victim.id, **overrides})

    return sign


def test_the_control_a_well_formed_token_of_the_stacks_key_opens_the_victims_data(victim, sign_for_victim):
    """Without this the refusals below would prove nothing: only the one claim differs."""
    response = Gateway(sign_for_victim()).get("/api/projects/")
    assert response.status_code == 200
    assert response.json() == victim.before[1]


@pytest.mark.parametrize(
    "overrides",
    [
        {"exp": NOW - 120, "iat": NOW - 420},
        {"nbf": NOW + 600},
        {"iat": NOW + 600, "exp": NOW + 900},
        {"exp": "tomorrow"},
        {"iat": "now"},
        {"exp": str(NOW + 300)},
        {"exp": 10**20},
        {"exp": 1e300},
        {"exp": True},
        {"iat": str(NOW)},
        {"iat": True},
        {"nbf": str(NOW)},
    ],
    ids=[
        "expired",
        "nbf-in-the-future",
        "iat-in-the-future",
        "exp-not-a-number",
        "iat-not-a-number",
        "exp-a-numeric-string",
        "exp-beyond-any-date",
        "exp-1e300",
        "exp-a-boolean",
        "iat-a-numeric-string",
        "iat-a-boolean",
        "nbf-a-numeric-string",
    ],
)
def test_time_claims_out_of_range_are_refused(victim, sign_for_victim, overrides):
    assert_refused(sign_for_victim(**overrides), victim)


@pytest.mark.parametrize(
    "overrides",
    [{"exp": str(NOW + 3600)}, {"exp": 10**20}, {"exp": 1e300}, {"exp": True}, {"iat": "now"}, {"jti": {"x": 1}}],
    ids=["exp-a-numeric-string", "exp-beyond-any-date", "exp-1e300", "exp-a-boolean", "iat-a-string", "jti-an-object"],
)
def test_a_refresh_token_with_a_claim_of_the_wrong_type_is_refused_by_refresh_and_logout(
    victim, sign_like_the_stack, overrides
):
    forged = sign_like_the_stack(victim.tokens["refresh"], **overrides)
    for path in ("/auth/token/refresh/", "/auth/logout/"):
        response = Gateway().post(path, json={"refresh": forged})
        assert response.status_code == 401, (path, response.text)
    # The login is untouched: its own refresh token still works.
    assert Gateway().post("/auth/token/refresh/", json={"refresh": victim.tokens["refresh"]}).status_code == 200


@pytest.mark.parametrize("claim", ["exp", "iat", "jti", "sub", "iss", "aud", "token_type", "sid"])
def test_a_token_missing_a_claim_is_refused(victim, sign_for_victim, claim):
    assert_refused(sign_for_victim(**{claim: None}), victim)


@pytest.mark.parametrize(
    "issuer",
    [
        "http://localhost:8080/not-auth",
        ISSUER[:-1],
        ISSUER + "/",
        ISSUER + "x",
        ISSUER.replace("http://", "https://"),
        ISSUER.upper(),
        "",
    ],
    ids=["other", "prefix", "trailing-slash", "longer", "https", "upper-case", "empty"],
)
def test_a_wrong_or_partial_issuer_is_refused(victim, sign_for_victim, issuer):
    assert_refused(sign_for_victim(iss=issuer), victim)


@pytest.mark.parametrize(
    "audience",
    ["some-other-service", "resource-servic", "resource-service ", "", ["some-other-service"], []],
    ids=["other", "prefix", "trailing-space", "empty", "list-without-ours", "empty-list"],
)
def test_a_wrong_audience_is_refused(victim, sign_for_victim, audience):
    assert_refused(sign_for_victim(aud=audience), victim)


@pytest.mark.parametrize("token_type", ["refresh", "", "ACCESS", "id"])
def test_a_token_of_another_type_is_refused_as_a_bearer_token(victim, sign_for_victim, token_type):
    assert_refused(sign_for_victim(token_type=token_type), victim)


def test_a_subject_that_is_not_a_canonical_user_id_is_refused(victim, sign_for_victim):
    for subject in ("admin", "1", victim.id.upper(), "{" + victim.id + "}", victim.id.replace("-", ""), 42):
        assert_refused(sign_for_victim(sub=subject), victim)


def test_a_refresh_token_is_not_a_bearer_token(victim):
    assert_refused(victim.tokens["refresh"], victim)


def test_an_access_token_is_not_a_refresh_token(victim):
    response = Gateway().post("/auth/token/refresh/", json={"refresh": victim.tokens["access"]})
    assert response.status_code == 401
    assert "access" not in response.json()
    # The victim's own refresh token still works: the attempt changed nothing.
    assert Gateway().post("/auth/token/refresh/", json={"refresh": victim.tokens["refresh"]}).status_code == 200


def test_a_token_for_a_user_that_does_not_exist_opens_nothing(victim, sign_for_victim):
    stranger = Gateway(sign_for_victim(sub=str(uuid.uuid4())))
    assert stranger.get("/api/projects/").json()["count"] == 0
    assert stranger.delete(f"/api/projects/{victim.project['id']}/").status_code == 404
    victim.assert_untouched()


def test_a_string_iat_of_a_user_with_a_revocation_time_is_refused(attacker, sign_like_the_stack):
    tokens = attacker.login()
    assert Gateway(tokens["access"]).post("/auth/logout-all/").status_code == 204
    forged = sign_like_the_stack(tokens["access"], iat=str(int(time.time()) + 5))
    response = Gateway(forged).get("/api/projects/")
    assert response.status_code == 401, response.text
