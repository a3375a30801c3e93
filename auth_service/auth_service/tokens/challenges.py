"""The `mfa_token` of a login that waits for its second factor: opaque (not a JWT, so never a bearer token),
single-use, alive for five minutes, kept in Redis under its SHA-256 with the account and the client it is for."""

import hashlib
import secrets

from django.core.cache import cache

from auth_service.accounts.models import User

LIFETIME = 300


def _key(token: str) -> str:
    return "mfa-challenge:" + hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create(*, user: User, client_ip: str | None, user_agent: str) -> str:
    token = secrets.token_urlsafe(32)
    cache.set(_key(token), {"user": str(user.pk), "client_ip": client_ip, "user_agent": user_agent}, LIFETIME)
    return token


def pending(token: str) -> dict | None:
    """What the token was made for, while it lives and has not been used."""
    return cache.get(_key(token))


def use(token: str) -> bool:
    """Use the token up; False if another request did first."""
    return cache.delete(_key(token))
