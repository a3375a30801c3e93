"""What the resource service refuses as a bearer token, seen through the gateway."""

import time

import jwt
import pytest
from conftest import Gateway
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
