"""The auth service's public keys, by their RFC 7638 key ids."""

import base64
import hashlib
import json
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_END = "-----END PUBLIC KEY-----"


def _b64url_uint(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def thumbprint(public_key: rsa.RSAPublicKey) -> str:
    """Return the RFC 7638 SHA-256 thumbprint of an RSA public key, base64url-encoded."""
    numbers = public_key.public_numbers()
    members = {"e": _b64url_uint(numbers.e), "kty": "RSA", "n": _b64url_uint(numbers.n)}
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@lru_cache(maxsize=4)
def _parse_bundle(bundle: str) -> dict[str, rsa.RSAPublicKey]:
    keys = {}
    for block in bundle.split(_END)[:-1]:
        try:
            key = serialization.load_pem_public_key((block + _END).strip().encode())
        except ValueError as exc:
            raise ImproperlyConfigured("JWT_PUBLIC_KEY holds a block that is not a PEM public key") from exc
        if not isinstance(key, rsa.RSAPublicKey) or key.key_size < 2048:
            raise ImproperlyConfigured("JWT_PUBLIC_KEY may hold RSA public keys of at least 2048 bits only")
        keys[thumbprint(key)] = key
    if not keys:
        raise ImproperlyConfigured("JWT_PUBLIC_KEY holds no PEM public key")
    return keys


def verification_keys() -> dict[str, rsa.RSAPublicKey]:
    """Return the trusted public keys by key id, parsed once."""
    if not settings.JWT_PUBLIC_KEY:
        raise ImproperlyConfigured("JWT_PUBLIC_KEY (or JWT_PUBLIC_KEY_FILE) must be set")
    return _parse_bundle(settings.JWT_PUBLIC_KEY)
