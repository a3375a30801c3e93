import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.conftest import ALICE
from tests.signing import PUBLIC_PEM, claims_for, sign, token_for

pytestmark = pytest.mark.django_db

URL = "/api/projects/"
UNIFORM = {"detail": "Authentication credentials were not provided or are not valid."}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256_with_public_key(claims: dict) -> str:
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims).encode())
    signature = hmac.new(PUBLIC_PEM.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


def unsigned(claims: dict, alg: str = "none") -> str:
    header = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    return f"{header}.{b64(json.dumps(claims).encode())}."


def assert_refused(api, authorization: str | None) -> None:
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    response = api.get(URL, **headers)
    assert response.status_code == 401
    assert response.json() == UNIFORM
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_valid_access_token_is_accepted(api):
    response = api.get(URL, HTTP_AUTHORIZATION=f"Bearer {token_for(ALICE)}")
    assert response.status_code == 200


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer ", "Basic YTpi", "Bearer a.b.c", "Bearer x y"])
def test_missing_or_malformed_credentials_get_the_uniform_401(api, authorization):
    assert_refused(api, authorization)


@pytest.mark.parametrize(
    "overrides",
    [
        {"exp": int(time.time()) - 120},
        {"aud": "another-service"},
        {"iss": "http://evil.example/auth"},
        {"token_type": "refresh"},
        {"sub": "not-a-uuid"},
        {"sub": None},
        {"exp": None},
        {"iat": None},
        {"jti": None},
        {"aud": None},
        {"iss": None},
        {"nbf": int(time.time()) + 600},
        {"iat": int(time.time()) + 600},
    ],
    ids=lambda overrides: ",".join(f"{k}={v}" for k, v in overrides.items()),
)
def test_tokens_with_bad_claims_are_refused(api, overrides):
    assert_refused(api, f"Bearer {token_for(ALICE, **overrides)}")


def test_a_token_signed_by_another_key_is_refused(api):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert_refused(api, f"Bearer {sign(claims_for(ALICE), key=other)}")


def test_a_token_with_an_unknown_kid_is_refused(api):
    assert_refused(api, f"Bearer {sign(claims_for(ALICE), headers={'kid': 'unknown'})}")


def test_a_token_without_kid_is_refused(api):
    from tests.signing import PRIVATE_KEY

    assert_refused(api, f"Bearer {jwt.encode(claims_for(ALICE), PRIVATE_KEY, algorithm='RS256')}")


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_unsigned_tokens_are_refused(api, alg):
    assert_refused(api, f"Bearer {unsigned(claims_for(ALICE), alg)}")


def test_hs256_signed_with_the_public_key_is_refused(api):
    assert_refused(api, f"Bearer {hs256_with_public_key(claims_for(ALICE))}")


def test_a_tampered_payload_is_refused(api):
    header, _payload, signature = token_for(ALICE).split(".")
    forged = b64(json.dumps(claims_for("00000000-0000-0000-0000-000000000000")).encode())
    assert_refused(api, f"Bearer {header}.{forged}.{signature}")


def test_embedded_keys_in_the_header_are_not_trusted(api):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(other.public_key()))
    token = sign(claims_for(ALICE), key=other, headers={"jwk": jwk, "jku": "http://127.0.0.1:9/jwks.json"})
    assert_refused(api, f"Bearer {token}")
