"""The one algorithm of the tokens, and the RFC 7638 thumbprint that names a key in their `kid` header."""

import base64
import hashlib
import json

from cryptography.hazmat.primitives.asymmetric import rsa

ALGORITHM = "RS256"


def b64url_uint(number: int) -> str:
    """A JWK's integer (RFC 7518): big-endian bytes, base64url-encoded without padding."""
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def thumbprint(public_key: rsa.RSAPublicKey) -> str:
    """Return the RFC 7638 SHA-256 thumbprint of an RSA public key, base64url-encoded."""
    numbers = public_key.public_numbers()
    members = {"e": b64url_uint(numbers.e), "kty": "RSA", "n": b64url_uint(numbers.n)}
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
