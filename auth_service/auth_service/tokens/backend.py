"""A simplejwt token backend that signs with the active RSA key and names it in the `kid` header."""

from datetime import timedelta
from typing import Any

import jwt
from django.conf import settings
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenBackendExpiredToken

from auth_service.tokens import claims, keys

ALGORITHM = "RS256"
REQUIRED_CLAIMS = ["exp", "iat", "jti", "sub", "iss", "aud"]
_decoder = claims.TypedPyJWT()


class RS256Backend:
    """Encodes and decodes tokens the way the contract says; settings are read on each call."""

    def get_leeway(self) -> timedelta:
        return timedelta(seconds=settings.JWT_LEEWAY_SECONDS)

    def encode(self, payload: dict[str, Any]) -> str:
        key = keys.signing_key()
        claims = {**payload, "iss": settings.JWT_ISSUER, "aud": settings.JWT_AUDIENCE}
        return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": "JWT"})

    def decode(self, token: str | bytes, verify: bool = True) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
            claims.check_header(header)
            public_key = keys.verification_keys().get(header["kid"])
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


backend = RS256Backend()
