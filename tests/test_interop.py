"""Clients that know the issuer only. A verifier in another language: Node's jose (tests/interop, pinned by its
lock file) knows the issuer and its audience, finds the keys through discovery, and verifies the auth service's
tokens with them. A standard OAuth 2.0 client (authlib) refreshes at the token endpoint the discovery names."""

import json
import subprocess
from pathlib import Path

import jwt
import pytest
import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from conftest import BASE_URL, ISSUER, PASSWORD, REUSE_INTERVAL, TIMEOUT, wait_for

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


def test_a_standard_oauth_client_refreshes_through_the_discovery_document_alone(alice):
    """authlib's OAuth2Session, given the token endpoint the metadata names and nothing else, refreshes as RFC 6749
    says, uses the new access token, and meets a spent refresh token as an OAuth error, never as a token."""
    metadata = requests.get(f"{ISSUER}/.well-known/oauth-authorization-server", timeout=TIMEOUT).json()
    assert metadata["grant_types_supported"] == ["refresh_token"]
    pair = alice.login()
    token = {"access_token": pair["access"], "refresh_token": pair["refresh"], "token_type": "Bearer"}
    client = OAuth2Session(client_id="any-client", token_endpoint_auth_method="none", token=token)
    refreshed = client.refresh_token(metadata["token_endpoint"])
    assert refreshed["access_token"] != pair["access"]
    assert refreshed["token_type"] == "Bearer"
    assert client.get(f"{BASE_URL}/auth/me/", timeout=TIMEOUT).json()["id"] == alice.id

    spent = OAuth2Session(client_id="any-client", token_endpoint_auth_method="none")
    errors = []

    def replay_refused() -> bool:  # within the reuse interval, a replay gets the same pair again
        try:
            spent.refresh_token(metadata["token_endpoint"], refresh_token=pair["refresh"])
        except OAuthError as error:
            errors.append(error.error)
            return True
        return False

    assert wait_for(replay_refused, timeout=REUSE_INTERVAL + 10, interval=0.5)
    assert errors == ["invalid_grant"]


def test_a_standard_oauth_client_gets_an_error_for_the_password_grant(alice):
    metadata = requests.get(f"{ISSUER}/.well-known/openid-configuration", timeout=TIMEOUT).json()
    client = OAuth2Session(client_id="any-client", token_endpoint_auth_method="none")
    with pytest.raises(OAuthError) as refused:
        client.fetch_token(metadata["token_endpoint"], grant_type="password", username=alice.email, password=PASSWORD)
    assert refused.value.error == "unsupported_grant_type"


def test_a_standard_oauth_client_revokes_at_the_revocation_endpoint(alice):
    """RFC 7009 through authlib: revoking the refresh token ends the session, its access token included."""
    metadata = requests.get(f"{ISSUER}/.well-known/openid-configuration", timeout=TIMEOUT).json()
    pair = alice.login()
    token = {"access_token": pair["access"], "refresh_token": pair["refresh"], "token_type": "Bearer"}
    client = OAuth2Session(client_id="any-client", token_endpoint_auth_method="none", token=token)
    response = client.revoke_token(
        metadata["revocation_endpoint"], token=pair["refresh"], token_type_hint="refresh_token"
    )
    assert response.status_code == 200
    with pytest.raises(OAuthError) as refused:
        client.refresh_token(metadata["token_endpoint"])
    assert refused.value.error == "invalid_grant"
    assert wait_for(lambda: client.get(f"{BASE_URL}/api/projects/", timeout=TIMEOUT).status_code == 401, timeout=10)
