"""What the resource service refuses as a bearer token, seen through the gateway."""

import base64
import hashlib
import hmac
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import jwt
import pytest
from conftest import Gateway
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

UNIFORM = {"detail": "Authentication credentials were not provided or are not valid."}


def assert_refused(token: str | None) -> None:
    response = Gateway(token).get("/api/projects/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == UNIFORM


def test_no_token_is_refused():
    assert_refused(None)


def test_a_refresh_token_is_not_a_bearer_token(alice):
    assert_refused(alice.login()["refresh"])


def test_a_token_signed_with_another_key_is_refused(alice):
    real = alice.login()["access"]
    claims = jwt.decode(real, options={"verify_signature": False})
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert_refused(jwt.encode(claims, other, algorithm="RS256", headers=jwt.get_unverified_header(real)))


@pytest.mark.parametrize(
    "overrides",
    [
        {"exp": int(time.time()) - 120, "iat": int(time.time()) - 420},
        {"aud": "some-other-service"},
        {"iss": "http://localhost:8080/not-auth"},
        {"token_type": "refresh"},
    ],
    ids=["expired", "wrong-aud", "wrong-iss", "refresh-type"],
)
def test_a_token_of_the_stacks_key_with_one_bad_claim_is_refused(alice, sign_like_the_stack, overrides):
    real = alice.login()["access"]
    assert Gateway(sign_like_the_stack(real)).get("/api/projects/").status_code == 200
    assert_refused(sign_like_the_stack(real, **overrides))


def _b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_unsigned_tokens_are_refused(alice, alg):
    real = alice.login()["access"]
    header = {**jwt.get_unverified_header(real), "alg": alg}
    claims = jwt.decode(real, options={"verify_signature": False})
    assert_refused(f"{_b64(header)}.{_b64(claims)}.")


@pytest.mark.parametrize("digest", [hashlib.sha256, hashlib.sha384, hashlib.sha512])
def test_hmac_signed_with_the_public_key_is_refused(alice, anonymous, digest):
    real = alice.login()["access"]
    jwk = anonymous.get("/auth/.well-known/jwks.json").json()["keys"][0]
    public_pem = jwt.algorithms.RSAAlgorithm.from_jwk(jwk).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    alg = {"sha256": "HS256", "sha384": "HS384", "sha512": "HS512"}[digest().name]
    header = {**jwt.get_unverified_header(real), "alg": alg}
    signing_input = f"{_b64(header)}.{_b64(jwt.decode(real, options={'verify_signature': False}))}"
    for secret in (public_pem, public_pem.strip(), json.dumps(jwk).encode()):
        signature = hmac.new(secret, signing_input.encode(), digest).digest()
        assert_refused(f"{signing_input}.{_b64(signature)}")


def test_a_tampered_payload_or_stripped_signature_is_refused(alice, bob):
    real = alice.login()["access"]
    header, _payload, signature = real.split(".")
    claims = jwt.decode(real, options={"verify_signature": False})
    assert_refused(f"{header}.{_b64({**claims, 'sub': bob.id})}.{signature}")
    assert_refused(f"{header}.{_payload}.")
    assert_refused(f"{header}.{_payload}")


def test_tokens_not_yet_valid_are_refused(alice, sign_like_the_stack):
    real = alice.login()["access"]
    now = int(time.time())
    assert_refused(sign_like_the_stack(real, nbf=now + 600))
    assert_refused(sign_like_the_stack(real, iat=now + 600, exp=now + 900))


def test_an_access_token_is_not_a_refresh_token(alice):
    response = Gateway().post("/auth/token/refresh/", json={"refresh": alice.login()["access"]})
    assert response.status_code == 401


def test_of_concurrent_refreshes_with_one_token_exactly_one_succeeds(alice):
    refresh = alice.login()["refresh"]
    barrier = threading.Barrier(4)

    def attempt(_):
        barrier.wait()
        return Gateway().post("/auth/token/refresh/", json={"refresh": refresh}).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(attempt, range(4)))
    assert statuses == [200, 401, 401, 401]
