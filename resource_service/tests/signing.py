"""A key pair standing in for the auth service's, and a signer of test tokens."""

import base64
import json
import time
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from resource_service.tokens.jwk import thumbprint

PRIVATE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = (
    PRIVATE_KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)
KID = thumbprint(PRIVATE_KEY.public_key())


def claims_for(subject: str, **overrides) -> dict:
    now = int(time.time())
    claims = {
        "iss": "http://localhost:8080/auth",
        "aud": "resource-service",
        "sub": subject,
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
        "token_type": "access",
        "sid": str(uuid.uuid4()),
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign_raw(header: dict, claims: dict) -> str:
    """Sign exactly this header and these claims with the test key, whatever their types (PyJWT refuses to write
    some of them)."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    algorithm = jwt.algorithms.RSAAlgorithm(jwt.algorithms.RSAAlgorithm.SHA256)
    signature = algorithm.sign(signing_input.encode(), PRIVATE_KEY)
    return f"{signing_input}.{_b64(signature)}"


def sign(claims: dict, key=PRIVATE_KEY, headers: dict | None = None) -> str:
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID, **(headers or {})})


def token_for(subject: str, **overrides) -> str:
    return sign(claims_for(subject, **overrides))


def order_for(subject: str, **overrides) -> str:
    """The auth service's signed order to delete the subject's data (docs/cross-service.toml)."""
    return token_for(subject, token_type="user_deletion", **overrides)
