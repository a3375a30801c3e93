"""A verifier in another language: Node's jose (tests/interop, pinned by its lock file) knows the issuer and its
audience only, finds the keys through discovery, and verifies the auth service's tokens with them."""

import json
import subprocess
from pathlib import Path

import jwt
from conftest import ISSUER

INTEROP = Path(__file__).parent / "interop"
AUDIENCE = "resource-service"


def verify(token: str, audience: str = AUDIENCE) -> subprocess.CompletedProcess:
    assert (INTEROP / "node_modules" / "jose").is_dir(), "jose is not installed: run tests/prepare.sh"
    return subprocess.run(
        ["node", "verify.mjs", ISSUER, audience, token], cwd=INTEROP, capture_output=True, text=True, timeout=30
    )


def test_jose_verifies_an_access_token_through_discovery_and_the_jwks(alice):
    token = alice.login()["access"]
    result = verify(token)
    assert result.returncode == 0, result.stderr
    verified = json.loads(result.stdout)
    assert verified["header"]["kid"] == jwt.get_unverified_header(token)["kid"]
    assert verified["claims"]["sub"] == alice.id
    assert verified["claims"]["iss"] == ISSUER


def test_jose_refuses_a_token_made_out_to_another_audience(alice):
    result = verify(alice.login()["access"], audience="another-service")
    assert result.returncode == 1
    assert result.stderr.strip() == "ERR_JWT_CLAIM_VALIDATION_FAILED"


def test_jose_refuses_a_token_whose_claims_were_changed(alice):
    token = alice.login()["access"]
    header, _, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    forged = jwt.utils.base64url_encode(json.dumps({**claims, "sub": "someone-else"}).encode()).decode()
    result = verify(f"{header}.{forged}.{signature}")
    assert result.returncode == 1
    assert result.stderr.strip() == "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
