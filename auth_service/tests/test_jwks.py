import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from auth_service.tokens import jwk, keys

pytestmark = pytest.mark.django_db

PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def test_jwks_publishes_the_signing_key_without_private_members(api):
    response = api.get("/auth/.well-known/jwks.json")
    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"]
    (jwk,) = response.json()["keys"]
    assert jwk["kid"] == keys.signing_key().kid
    assert jwk["alg"] == "RS256"
    assert not PRIVATE_MEMBERS & set(jwk)
    public_key = jwt.algorithms.RSAAlgorithm.from_jwk(jwk)
    assert public_key.public_numbers() == keys.signing_key().private_key.public_key().public_numbers()


def test_jwks_also_publishes_retired_keys(api, settings):
    retired = [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2)]
    settings.JWT_PREVIOUS_PUBLIC_KEYS = "\n".join(public_pem(key) for key in retired)
    kids = [jwk["kid"] for jwk in api.get("/auth/.well-known/jwks.json").json()["keys"]]
    assert kids == [keys.signing_key().kid] + [jwk.thumbprint(key.public_key()) for key in retired]


def test_a_token_of_a_retired_key_still_verifies(api, alice_tokens, settings):
    token = alice_tokens["access"]
    settings.JWT_PREVIOUS_PUBLIC_KEYS = public_pem(keys.signing_key().private_key)
    settings.JWT_PRIVATE_KEY = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/auth/me/").status_code == 200
    fresh = api.post("/auth/token/refresh/", {"refresh": alice_tokens["refresh"]}).json()["access"]
    assert jwt.get_unverified_header(fresh)["kid"] == keys.signing_key().kid != jwt.get_unverified_header(token)["kid"]
