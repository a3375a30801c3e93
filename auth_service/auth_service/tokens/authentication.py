"""Bearer authentication of the auth service's own endpoints, top to bottom, on the public APIs of DRF and PyJWT.

1. No `Authorization` header, an empty one, or another scheme than `Bearer`: no credentials; the view's
   permission answers 401. `Bearer` with anything but one token after it: refused.
2. The token's header: the `kid` of a key this service signs or signed with, no key of its own, no nested token.
3. The claims' JSON types (claims.py), then PyJWT with every option spelled out: RS256 only, the signature by
   that key, `aud` and `iss` this service's, the times within the leeway, every required claim present.
4. An access token, whose subject and login (`sid`) are canonical UUIDs.
5. The caller is the active user of that id, and the login is live (not logged out or revoked).

Each refusal is the same 401: `{"detail": "Token is invalid or expired", "code": "token_not_valid"}`, the code
that clients of simplejwt-issued tokens read to know that a refresh is due.
"""

import uuid

import jwt
from django.conf import settings
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from auth_service.accounts.models import User
from auth_service.tokens import claims, keys
from auth_service.tokens.models import TokenFamily

SCHEME = b"Bearer"
ALGORITHM = keys.ALGORITHM
REQUIRED_CLAIMS = ["exp", "iat", "jti", "sub", "iss", "aud"]
ACCESS = "access"
REFRESH = "refresh"


def verified_claims(token: str | bytes, *, token_type: str) -> dict:
    """The claims of a token this service signed, of this type. jwt.ExpiredSignatureError if it expired, another
    jwt.InvalidTokenError if anything else is wrong with it."""
    header = jwt.get_unverified_header(token)
    claims.check_header(header)
    claims.check_claims(jwt.decode(token, options={"verify_signature": False}))
    public_key = keys.verification_keys().get(header["kid"])
    if public_key is None:
        raise jwt.InvalidTokenError("no key of this service has this kid")
    verified = jwt.decode(
        token,
        public_key,
        algorithms=[ALGORITHM],
        audience=settings.JWT_AUDIENCE,
        issuer=settings.JWT_ISSUER,
        leeway=settings.JWT_LEEWAY_SECONDS,
        options={
            "require": REQUIRED_CLAIMS,
            "verify_signature": True,
            "verify_aud": True,
            "verify_iss": True,
            "verify_exp": True,
            "verify_iat": True,
            "verify_nbf": True,
        },
    )
    if verified.get("token_type") != token_type:
        raise jwt.InvalidTokenError("another type of token")
    return verified


def _refused() -> AuthenticationFailed:
    return AuthenticationFailed({"detail": "Token is invalid or expired", "code": "token_not_valid"})


def is_canonical_uuid(value: object) -> bool:
    try:
        return str(uuid.UUID(str(value))) == value
    except ValueError:
        return False


class BearerAuthentication(BaseAuthentication):
    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'

    def authenticate(self, request) -> tuple[User, dict] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0] != SCHEME:
            return None
        if len(parts) != 2:
            raise _refused()
        try:
            token = verified_claims(parts[1], token_type=ACCESS)
        except jwt.InvalidTokenError as exc:
            raise _refused() from exc
        # Written as canonical UUIDs; any other spelling is refused before a lookup would take it for the same id.
        if not (is_canonical_uuid(token["sub"]) and is_canonical_uuid(token.get("sid"))):
            raise _refused()
        user = User.objects.filter(pk=token["sub"], is_active=True).first()
        if user is None or not TokenFamily.objects.filter(pk=token["sid"], user=user, revoked_at__isnull=True).exists():
            raise _refused()
        return user, token
