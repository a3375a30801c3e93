import base64
import json
import uuid

import jwt
import pytest
from django.conf import settings

from auth_service.tokens import jwk, keys
from auth_service.tokens.models import TokenFamily
from tests.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db


def header_of(token: str) -> dict:
    return jwt.get_unverified_header(token)


def claims_of(token: str) -> dict:
    public_key = keys.signing_key().private_key.public_key()
    return jwt.decode(token, public_key, algorithms=["RS256"], audience=settings.JWT_AUDIENCE)


def test_login_returns_a_bearer_pair(api, alice):
    body = login(api, alice.email)
    assert set(body) == {"access", "refresh", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 300


def test_the_email_is_matched_whatever_its_case(api, alice):
    assert login(api, "ALICE@Example.COM")["access"]


def test_tokens_carry_the_contract_header_and_claims(api, alice):
    body = login(api, alice.email)
    for token, token_type in [(body["access"], "access"), (body["refresh"], "refresh")]:
        header = header_of(token)
        assert header["alg"] == "RS256"
        assert header["typ"] == "JWT"
        assert header["kid"] == keys.signing_key().kid
        claims = claims_of(token)
        assert claims["iss"] == "http://localhost:8080/auth"
        assert claims["aud"] == "resource-service"
        assert claims["sub"] == str(alice.pk)
        assert claims["token_type"] == token_type
        assert {"iat", "exp", "jti"} <= set(claims)
    access = claims_of(body["access"])
    refresh = claims_of(body["refresh"])
    assert access["exp"] - access["iat"] == 300
    assert refresh["exp"] - refresh["iat"] == 86400


def test_a_sessions_tokens_carry_its_login_time_and_method_across_refreshes(api, alice):
    body = login(api, alice.email)
    family = TokenFamily.objects.get(pk=claims_of(body["access"])["sid"])
    refreshed = api.post("/auth/token/refresh/", {"refresh": body["refresh"]}, format="json").json()
    for token in (body["access"], body["refresh"], refreshed["access"], refreshed["refresh"]):
        assert claims_of(token)["auth_time"] == int(family.created_at.timestamp())
        assert claims_of(token)["amr"] == ["pwd"]


def test_the_kid_is_the_rfc7638_thumbprint():
    # RFC 7638 section 3.1 example key and its thumbprint.
    n = (
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs"
        "tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5h"
        "ajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    )
    numbers = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps({"kty": "RSA", "n": n, "e": "AQAB"}))
    assert jwk.thumbprint(numbers) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


@pytest.mark.parametrize("email", ["alice@example.com", "nobody@example.com"])
def test_wrong_credentials_get_one_uniform_401(api, alice, email):
    response = api.post("/auth/token/", {"email": email, "password": "wrong password!"}, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "No active account found with the given credentials"}


def test_an_inactive_user_gets_the_same_401(api, alice):
    alice.is_active = False
    alice.save()
    response = api.post("/auth/token/", {"email": alice.email, "password": PASSWORD}, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "No active account found with the given credentials"}


def test_refresh_rotates_the_pair_within_the_login(api, alice):
    first = login(api, alice.email)
    response = api.post("/auth/token/refresh/", {"refresh": first["refresh"]}, format="json")
    assert response.status_code == 200
    second = response.json()
    assert set(second) == {"access", "refresh", "token_type", "expires_in"}
    assert second["refresh"] != first["refresh"]
    assert response["Cache-Control"] == "no-store"
    assert claims_of(second["access"])["sub"] == str(alice.pk)
    assert claims_of(second["access"])["sid"] == claims_of(first["access"])["sid"]

    third = api.post("/auth/token/refresh/", {"refresh": second["refresh"]}, format="json")
    assert third.status_code == 200


def test_a_reused_refresh_token_revokes_its_whole_family(api, alice, settings):
    settings.REFRESH_REUSE_INTERVAL = 0  # every second use is a replay
    first = login(api, alice.email)
    second = api.post("/auth/token/refresh/", {"refresh": first["refresh"]}, format="json").json()
    other_login = login(api, alice.email)

    reused = api.post("/auth/token/refresh/", {"refresh": first["refresh"]}, format="json")
    assert reused.status_code == 401

    # The legitimate holder's current token dies with the family; another login of the user does not.
    assert api.post("/auth/token/refresh/", {"refresh": second["refresh"]}, format="json").status_code == 401
    assert api.post("/auth/token/refresh/", {"refresh": other_login["refresh"]}, format="json").status_code == 200
    family = TokenFamily.objects.get(pk=claims_of(first["refresh"])["sid"])
    assert family.revoked_reason == "reuse"


def test_the_refresh_that_wins_a_race_succeeds_though_a_losers_replay_then_revokes_the_login(api, alice, monkeypatch):
    """Of concurrent refreshes with one token, the one that retires it answers as the first of two in a row: a
    200, even when another's replay revokes the login right after (and with it the new pair's refresh token)."""
    from django.db.models import QuerySet
    from django.utils import timezone

    from auth_service.tokens.models import IssuedRefreshToken

    refresh = login(api, alice.email)["refresh"]
    update = QuerySet.update

    def retired_then_replayed(queryset, **fields):
        rows = update(queryset, **fields)
        if queryset.model is IssuedRefreshToken and "used_at" in fields:
            monkeypatch.setattr(QuerySet, "update", update)
            TokenFamily.objects.filter(user=alice).update(revoked_at=timezone.now(), revoked_reason="reuse")
        return rows

    monkeypatch.setattr(QuerySet, "update", retired_then_replayed)
    won = api.post("/auth/token/refresh/", {"refresh": refresh}, format="json")
    assert won.status_code == 200
    assert api.post("/auth/token/refresh/", {"refresh": won.json()["refresh"]}, format="json").status_code == 401


def test_an_access_token_is_not_a_refresh_token(api, alice):
    access = login(api, alice.email)["access"]
    response = api.post("/auth/token/refresh/", {"refresh": access}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize("refresh", ["", "garbage", "a.b.c"])
def test_malformed_refresh_tokens_are_refused(api, refresh):
    response = api.post("/auth/token/refresh/", {"refresh": refresh}, format="json")
    assert response.status_code in (400, 401)
    assert response.status_code == (400 if refresh == "" else 401)


def test_a_refresh_token_of_another_key_is_refused(api, alice):
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = claims_of(login(api, alice.email)["refresh"])
    forged = jwt.encode(claims, other, algorithm="RS256", headers={"kid": keys.signing_key().kid})
    response = api.post("/auth/token/refresh/", {"refresh": forged}, format="json")
    assert response.status_code == 401


def test_a_token_without_kid_is_refused(api, alice):
    claims = claims_of(login(api, alice.email)["refresh"])
    unnamed = jwt.encode(claims, keys.signing_key().private_key, algorithm="RS256")
    response = api.post("/auth/token/refresh/", {"refresh": unnamed}, format="json")
    assert response.status_code == 401


def test_an_unsigned_token_is_refused(api, alice):
    claims = claims_of(login(api, alice.email)["refresh"])
    header = {"alg": "none", "typ": "JWT", "kid": keys.signing_key().kid}

    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    response = api.post("/auth/token/refresh/", {"refresh": f"{b64(header)}.{b64(claims)}."}, format="json")
    assert response.status_code == 401


def test_refreshing_for_a_deactivated_user_is_refused(api, alice):
    refresh = login(api, alice.email)["refresh"]
    alice.is_active = False
    alice.save()
    response = api.post("/auth/token/refresh/", {"refresh": refresh}, format="json")
    assert response.status_code == 401


def test_unknown_subject_in_a_valid_signature_is_refused(api, alice):
    from rest_framework_simplejwt.tokens import AccessToken

    from auth_service.tokens.signing import sign

    token = AccessToken()
    token["sub"] = str(uuid.uuid4())
    response = api.get("/auth/me/", HTTP_AUTHORIZATION=f"Bearer {sign(token.payload)}")
    assert response.status_code == 401
