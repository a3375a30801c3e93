"""The auth service's public keys, by their RFC 7638 key ids: from a PEM bundle, its JWKS URL or its discovery."""

import json
import logging
import threading
import time
import urllib.request
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from resource_service.lib import totp
from resource_service.tokens.jwk import thumbprint

logger = logging.getLogger(__name__)

_END = "-----END PUBLIC KEY-----"


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


class JwksKeys:
    """The keys published at a JWKS URL.

    Fetched on first use and refetched when a token names an unknown `kid` or the keys are older than
    MAX_AGE_SECONDS, but never more than once per REFETCH_SECONDS; when a fetch fails the last good keys
    stay in use. A key is trusted under its own thumbprint only, whatever `kid` the document gives it.
    """

    REFETCH_SECONDS = 30
    MAX_AGE_SECONDS = 300
    TIMEOUT_SECONDS = 2

    def __init__(self, url: str):
        self.url = url
        self.keys: dict[str, rsa.RSAPublicKey] = {}
        self.fetched_at = float("-inf")
        self.attempted_at = float("-inf")
        self.lock = threading.Lock()

    def get(self, kid: str) -> rsa.RSAPublicKey | None:
        now = time.monotonic()
        stale = now - self.fetched_at > self.MAX_AGE_SECONDS
        if (kid not in self.keys or stale) and now - self.attempted_at >= self.REFETCH_SECONDS:
            with self.lock:
                if now - self.attempted_at >= self.REFETCH_SECONDS:
                    self.attempted_at = now
                    self._fetch(now)
        return self.keys.get(kid)

    def jwks_url(self) -> str:
        return self.url

    def _fetch(self, now: float) -> None:
        try:
            document = fetch_json(self.jwks_url(), self.TIMEOUT_SECONDS)
            keys = {}
            for jwk in document["keys"]:
                if jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig" or jwk.get("alg", "RS256") != "RS256":
                    continue
                key = jwt.algorithms.RSAAlgorithm.from_jwk(jwk)
                if isinstance(key, rsa.RSAPublicKey) and key.key_size >= 2048:
                    keys[thumbprint(key)] = key
        except (OSError, ValueError, KeyError, TypeError, jwt.InvalidKeyError):
            logger.warning("JWKS fetch failed; keeping the last good keys", extra={"url": self.url}, exc_info=True)
            return
        self.keys = keys
        self.fetched_at = now


class DiscoveredKeys(JwksKeys):
    """The keys at the `jwks_uri` of the issuer's OpenID Connect discovery document, read anew at each fetch.

    A document that names another issuer is refused (RFC 8414 section 3.3), and the last good keys stay in use.
    """

    def __init__(self, issuer: str):
        super().__init__(discovery_url(issuer))
        self.issuer = issuer

    def jwks_url(self) -> str:
        document = fetch_json(self.url, self.TIMEOUT_SECONDS)
        if not isinstance(document, dict) or document.get("issuer") != self.issuer:
            raise ValueError(f"the discovery document does not name the issuer {self.issuer}")
        jwks_uri = document.get("jwks_uri")
        if not isinstance(jwks_uri, str):
            raise ValueError("the discovery document names no jwks_uri")
        return jwks_uri


def discovery_url(issuer: str) -> str:
    """OpenID Connect Discovery's address for an issuer: its URL and /.well-known/openid-configuration."""
    return f"{issuer.rstrip('/')}/.well-known/openid-configuration"


# The largest JWKS or discovery document read; a key set is a few kilobytes.
MAX_DOCUMENT_BYTES = 256 * 1024


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect to the same scheme, host and port only."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if _origin(newurl) != _origin(req.full_url):
            raise ValueError(f"{req.full_url} redirects to another origin: {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


# No proxy from the environment (the keys come from the auth service, never through a proxy someone set), and no
# redirect to another origin.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _SameOriginRedirects())


def fetch_json(url: str, timeout: float) -> Any:
    """The JSON document at the URL: HTTPS (HTTP too with JWT_KEYS_ALLOW_HTTP), at most MAX_DOCUMENT_BYTES, and
    the whole fetch within the timeout."""
    schemes = ("https", "http") if settings.JWT_KEYS_ALLOW_HTTP else ("https",)
    if urlsplit(url).scheme not in schemes:
        raise ValueError(f"not an {' or '.join(schemes).upper()} URL: {url}")
    deadline = time.monotonic() + timeout
    body = bytearray()
    with _opener.open(url, timeout=timeout) as response:
        while chunk := response.read1(65536):
            body += chunk
            if len(body) > MAX_DOCUMENT_BYTES:
                raise ValueError(f"{url} answers more than {MAX_DOCUMENT_BYTES} bytes")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} took more than {timeout} s")
    return json.loads(body)


@lru_cache(maxsize=2)
def _jwks(url: str) -> JwksKeys:
    return JwksKeys(url)


@lru_cache(maxsize=2)
def _discovered(issuer: str) -> DiscoveredKeys:
    return DiscoveredKeys(issuer)


def verification_key(kid: str) -> rsa.RSAPublicKey | None:
    """The trusted public key with this key id, if any."""
    if settings.JWT_DISCOVERY:
        return _discovered(settings.JWT_ISSUER).get(kid)
    if settings.JWT_JWKS_URL:
        return _jwks(settings.JWT_JWKS_URL).get(kid)
    return verification_keys().get(kid)


def verification_keys() -> dict[str, rsa.RSAPublicKey]:
    """Return the trusted public keys of the PEM bundle by key id, parsed once."""
    if not settings.JWT_PUBLIC_KEY:
        raise ImproperlyConfigured("JWT_PUBLIC_KEY (or JWT_PUBLIC_KEY_FILE), JWT_JWKS_URL or JWT_DISCOVERY must be set")
    return _parse_bundle(settings.JWT_PUBLIC_KEY)


def check_configuration() -> None:
    """Fail the start if no key source is configured or the PEM bundle is unusable, or the keys of the staff's TOTP
    secrets (lib/totp.py) are missing or unusable."""
    if not (settings.JWT_DISCOVERY or settings.JWT_JWKS_URL):
        verification_keys()
    totp.encryption()
