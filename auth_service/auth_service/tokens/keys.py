"""The signing key, the retired public keys still published, their RFC 7638 key ids and the JWKS."""

from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from auth_service.lib import totp
from auth_service.tokens.jwk import ALGORITHM, b64url_uint, thumbprint

MIN_KEY_BITS = 2048


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey


def public_jwk(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    """Return the public JWK of a key: modulus and exponent only, never private parameters."""
    numbers = public_key.public_numbers()
    return {
        "kty": "RSA",
        "use": "sig",
        "alg": ALGORITHM,
        "kid": thumbprint(public_key),
        "n": b64url_uint(numbers.n),
        "e": b64url_uint(numbers.e),
    }


@lru_cache(maxsize=4)
def _load_signing_key(pem: str) -> SigningKey:
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("JWT_PRIVATE_KEY is not an unencrypted PEM private key") from exc
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < MIN_KEY_BITS:
        raise ImproperlyConfigured(f"JWT_PRIVATE_KEY must be an RSA key of at least {MIN_KEY_BITS} bits")
    return SigningKey(kid=thumbprint(key.public_key()), private_key=key)


@lru_cache(maxsize=4)
def _load_public_keys(bundle: str) -> tuple[rsa.RSAPublicKey, ...]:
    marker = "-----END PUBLIC KEY-----"
    keys = []
    for block in bundle.split(marker)[:-1]:
        try:
            key = serialization.load_pem_public_key((block + marker).strip().encode())
        except ValueError as exc:
            raise ImproperlyConfigured("JWT_PREVIOUS_PUBLIC_KEYS holds a block that is not a PEM public key") from exc
        if not isinstance(key, rsa.RSAPublicKey):
            raise ImproperlyConfigured("JWT_PREVIOUS_PUBLIC_KEYS may hold RSA public keys only")
        keys.append(key)
    return tuple(keys)


def signing_key() -> SigningKey:
    """Return the active signing key, parsed once."""
    if not settings.JWT_PRIVATE_KEY:
        raise ImproperlyConfigured("JWT_PRIVATE_KEY (or JWT_PRIVATE_KEY_FILE) must be set")
    return _load_signing_key(settings.JWT_PRIVATE_KEY)


@lru_cache(maxsize=4)
def _verification_keys(active: SigningKey, bundle: str) -> dict[str, rsa.RSAPublicKey]:
    keys = {active.kid: active.private_key.public_key()}
    for key in _load_public_keys(bundle):
        keys.setdefault(thumbprint(key), key)
    return keys


def verification_keys() -> dict[str, rsa.RSAPublicKey]:
    """Return the published public keys by key id: the active one and the retired ones, computed once."""
    return _verification_keys(signing_key(), settings.JWT_PREVIOUS_PUBLIC_KEYS or "")


def check_configuration() -> None:
    """Fail the start if the signing key or the keys of the TOTP secrets (lib/totp.py) are missing or unusable."""
    signing_key()
    totp.encryption()


def verification_key(kid: str) -> rsa.RSAPublicKey | None:
    """The published key with this key id, if any."""
    return verification_keys().get(kid)


def jwks() -> dict[str, list[dict[str, str]]]:
    """Return the JSON Web Key Set of every published key."""
    return {"keys": [public_jwk(key) for key in verification_keys().values()]}
