"""Signing: RS256 with the active key, named in the `kid` header, for this service's issuer and the audience."""

import jwt
from django.conf import settings
from rest_framework_simplejwt.backends import TokenBackend

from auth_service.tokens import keys
from auth_service.tokens.jwk import ALGORITHM


def sign(claims: dict) -> str:
    key = keys.signing_key()
    payload = {**claims, "iss": settings.JWT_ISSUER, "aud": settings.JWT_AUDIENCE}
    return jwt.encode(payload, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": "JWT"})


class Signer(TokenBackend):
    """simplejwt's token backend, encoding with sign(); the tokens are verified by authentication.py."""

    def encode(self, payload: dict) -> str:
        return sign(payload)


signer = Signer(ALGORITHM)
