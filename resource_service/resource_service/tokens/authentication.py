"""Bearer authentication of the API, top to bottom, on the public APIs of DRF, PyJWT and simplejwt.

1. No `Authorization` header, an empty one, or another scheme than `Bearer`: no credentials; the view's
   permission answers 401. `Bearer` with anything but one token after it: refused.
2. The token's header: the `kid` of a key this service trusts, no key of its own, no nested token.
3. The claims' JSON types (claims.py), then PyJWT with every option spelled out: RS256 only, the signature by
   that key, `aud` and `iss` this service's, the times within the leeway, every required claim present.
4. An access token, whose subject is a canonical UUID, issued after the user's revocation time if any.
5. The caller is the token's subject: no database holds users here.

Each refusal is a 401 with one body (lib/exceptions.py) and is counted by reason: expired, invalid,
bad_subject, revoked.
"""

import uuid
from dataclasses import dataclass

import jwt
from django.conf import settings
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from resource_service.lib import metrics
from resource_service.tokens import claims, keys, revocation

SCHEME = b"Bearer"
ALGORITHM = "RS256"
REQUIRED_CLAIMS = ["exp", "iat", "jti", "sub", "iss", "aud"]
ACCESS = "access"


def verified_claims(token: str | bytes, *, token_type: str) -> dict:
    """The claims of a token the auth service signed for this service, of this type. jwt.ExpiredSignatureError if
    it expired, another jwt.InvalidTokenError if anything else is wrong with it."""
    header = jwt.get_unverified_header(token)
    claims.check_header(header)
    claims.check_claims(jwt.decode(token, options={"verify_signature": False}))
    public_key = keys.verification_key(header["kid"])
    if public_key is None:
        raise jwt.InvalidTokenError("no trusted key has this kid")
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


def is_canonical_uuid(value: object) -> bool:
    try:
        return str(uuid.UUID(str(value))) == value
    except ValueError:
        return False


@dataclass(frozen=True)
class Caller:
    """Who calls the API: request.user of an authenticated request."""

    id: str
    is_authenticated = True
    is_anonymous = False

    @property
    def pk(self) -> str:
        return self.id


def _refused(reason: str) -> AuthenticationFailed:
    metrics.token_rejections.labels(reason=reason).inc()
    return AuthenticationFailed()


class BearerAuthentication(BaseAuthentication):
    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'

    def authenticate(self, request) -> tuple[Caller, dict] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0] != SCHEME:
            return None
        if len(parts) != 2:
            raise _refused("invalid")
        try:
            token = verified_claims(parts[1], token_type=ACCESS)
        except jwt.ExpiredSignatureError as exc:
            raise _refused("expired") from exc
        except jwt.InvalidTokenError as exc:
            raise _refused("invalid") from exc
        if not is_canonical_uuid(token["sub"]):
            raise _refused("bad_subject")
        if revocation.is_revoked(user_id=token["sub"], issued_at=token["iat"]):
            raise _refused("revoked")
        return Caller(id=token["sub"]), token
