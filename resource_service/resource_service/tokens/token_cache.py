"""Verified access tokens kept for a short while, as Envoy's jwt_authn keeps them: checking an RS256 signature and
the claims costs a list request about 200 µs, finding the token here a dictionary lookup.

Why an entry never lets through what a fresh verification would refuse:
- It is found by the SHA-256 of the whole token: a token that differs in any byte is another entry, and only tokens
  that passed verification are stored; a refusal is worked out again every time.
- It lives until the token's `exp` (plus the leeway the verification allows) and at most MAX_AGE_SECONDS, and its
  expiry is checked on every use.
- It remembers the key that verified it and is used only while that key is still the one trusted under its `kid`:
  a key retired from the bundle, or gone from the JWKS, ends its entries.
- Settings that change what verification accepts (in tests) empty the cache.
Revocation is not cached: authentication.py asks Redis on every request. At most MAX_ENTRIES entries are kept, the
least recently used leaving first, and a token longer than MAX_TOKEN_BYTES is not kept at all.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from resource_service.lib import metrics
from resource_service.tokens import keys
from resource_service.tokens.verification import ACCESS, verified_claims

MAX_ENTRIES = 4096
MAX_AGE_SECONDS = 60
MAX_TOKEN_BYTES = 4096

clock = time.time


@dataclass(frozen=True)
class _Entry:
    claims: dict
    key: rsa.RSAPublicKey
    kid: str
    until: float


_entries: OrderedDict[bytes, _Entry] = OrderedDict()
_lock = threading.Lock()


def verified_access_claims(token: bytes) -> dict:
    """The claims of a verified access token, as verification.verified_claims gives them (and with its errors)."""
    digest = hashlib.sha256(token).digest() if len(token) <= MAX_TOKEN_BYTES else None
    now = clock()
    entry = _find(digest, now) if digest else None
    if entry is not None:
        metrics.token_cache.labels(result="hit").inc()
        return dict(entry.claims)
    metrics.token_cache.labels(result="miss").inc()
    claims = verified_claims(token, token_type=ACCESS)
    if digest:
        kid = jwt.get_unverified_header(token)["kid"]
        key = keys.verification_key(kid)
        if key is not None:  # None only if the key went from a JWKS in the meantime
            until = min(claims["exp"] + settings.JWT_LEEWAY_SECONDS, now + MAX_AGE_SECONDS)
            _store(digest, _Entry(claims=dict(claims), key=key, kid=kid, until=until))
    return claims


def _find(digest: bytes, now: float) -> _Entry | None:
    with _lock:
        entry = _entries.get(digest)
        if entry is not None:
            _entries.move_to_end(digest)
    if entry is None:
        return None
    # Outside the lock: asking for a key from a JWKS URL may fetch it.
    if now >= entry.until or keys.verification_key(entry.kid) is not entry.key:
        with _lock:
            _entries.pop(digest, None)
        return None
    return entry


def _store(digest: bytes, entry: _Entry) -> None:
    with _lock:
        _entries[digest] = entry
        _entries.move_to_end(digest)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


def clear() -> None:
    with _lock:
        _entries.clear()


@receiver(setting_changed)
def _clear_on_setting_changed(setting=None, **kwargs):
    if setting.startswith("JWT_"):
        clear()
