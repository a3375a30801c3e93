"""Verification of access tokens with the public keys only: simplejwt's token class on an RS256 backend."""

from datetime import timedelta
from typing import Any

import jwt
from django.conf import settings
from rest_framework_simplejwt import tokens
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenBackendExpiredToken

from resource_service.tokens import claims, keys

ALGORITHM = "RS256"
REQUIRED_CLAIMS = ["exp", "iat", "jti", "sub", "iss", "aud"]
_decoder = claims.TypedPyJWT()


class VerifyingBackend:
    """Picks the public key by the token's `kid`; accepts RS256 only and never follows key URLs."""

    def get_leeway(self) -> timedelta:
        return timedelta(seconds=settings.JWT_LEEWAY_SECONDS)

    def encode(self, payload: dict[str, Any]) -> str:
        raise TokenBackendError("This service verifies tokens; it cannot sign them")

    def decode(self, token: str | bytes, verify: bool = True) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
            claims.check_header(header)
            public_key = keys.verification_key(header["kid"])
            if public_key is None:
                raise TokenBackendError("Token is invalid")
            return _decoder.decode(
                token,
                public_key,
                algorithms=[ALGORITHM],
                audience=settings.JWT_AUDIENCE,
                issuer=settings.JWT_ISSUER,
                leeway=self.get_leeway(),
                options={"require": REQUIRED_CLAIMS, "verify_signature": verify},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenBackendExpiredToken("Token is expired") from exc
        except jwt.InvalidTokenError as exc:
            raise TokenBackendError("Token is invalid") from exc


# simplejwt types its backend as its own TokenBackend class; this one has the same encode() and decode().
class AccessToken(tokens.AccessToken):
    _token_backend = VerifyingBackend()  # type: ignore[assignment]
