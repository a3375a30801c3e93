"""Signing: RS256 with the active key, named in the `kid` header, for this service's issuer and the audience."""

import jwt
from django.conf import settings

from auth_service.tokens import keys
from auth_service.tokens.jwk import ALGORITHM


def sign(claims: dict) -> str:
    """The token of these claims. The same claims give the same token: RS256 signatures are deterministic, and
    the claims are written in one order."""
    key = keys.signing_key()
    payload = dict(sorted({**claims, "iss": settings.JWT_ISSUER, "aud": settings.JWT_AUDIENCE}.items()))
    return jwt.encode(payload, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": "JWT"})
