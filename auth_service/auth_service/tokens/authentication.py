"""Bearer authentication of the auth service's own endpoints, top to bottom, on the public APIs of DRF and PyJWT.

1. No `Authorization` header, an empty one, or another scheme than `Bearer`: no credentials; the view's
   permission answers 401. `Bearer` with anything but one token after it: refused.
2. The token's header: the `kid` of a key this service signs or signed with, no key of its own, no nested token.
3. The claims' JSON types, then PyJWT with every option spelled out (verification.py): RS256 only, the signature by
   that key, `aud` and `iss` this service's, the times within the leeway, every required claim present.
4. An access token, whose subject and login (`sid`) are canonical UUIDs.
5. The caller is the active user of that id, and the login is live (not logged out or revoked).

Each refusal is the same 401: `{"detail": "Token is invalid or expired", "code": "token_not_valid"}`, the code
that clients of simplejwt-issued tokens read to know that a refresh is due.
"""

import jwt
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from auth_service.accounts.models import User
from auth_service.tokens.models import TokenFamily
from auth_service.tokens.verification import ACCESS, bearer_token, is_canonical_uuid, verified_claims


def _refused() -> AuthenticationFailed:
    return AuthenticationFailed({"detail": "Token is invalid or expired", "code": "token_not_valid"})


class BearerAuthentication(BaseAuthentication):
    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'

    def authenticate(self, request) -> tuple[User, dict] | None:
        try:
            raw = bearer_token(request)
            if raw is None:
                return None
            token = verified_claims(raw, token_type=ACCESS)
        except jwt.InvalidTokenError as exc:
            raise _refused() from exc
        # Written as canonical UUIDs; any other spelling is refused before a lookup would take it for the same id.
        if not (is_canonical_uuid(token["sub"]) and is_canonical_uuid(token.get("sid"))):
            raise _refused()
        user = User.objects.filter(pk=token["sub"], is_active=True).first()
        if user is None or not TokenFamily.objects.filter(pk=token["sid"], user=user, revoked_at__isnull=True).exists():
            raise _refused()
        return user, token
