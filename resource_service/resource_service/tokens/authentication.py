"""Bearer authentication of the API, top to bottom, on the public APIs of DRF and PyJWT.

1. No `Authorization` header, an empty one, or another scheme than `Bearer`: no credentials; the view's
   permission answers 401. `Bearer` with anything but one token after it: refused.
2. The token's header: the `kid` of a key this service trusts, no key of its own, no nested token.
3. The claims' JSON types, then PyJWT with every option spelled out (verification.py): RS256 only, the signature by
   that key, `aud` and `iss` this service's, the times within the leeway, every required claim present. A token
   verified in the last minute is found in token_cache.py instead, while it is valid and its key trusted.
4. An access token, whose subject and session (`sid`) are canonical UUIDs, of a session that has not ended and
   issued after the user's revocation time if any (revocation.py).
5. The caller is the token's subject: no database holds users here.

Each refusal is a 401 with one body (lib/exceptions.py) and is counted by reason: expired, invalid,
bad_subject, revoked.
"""

from dataclasses import dataclass

import jwt
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from resource_service.lib import metrics
from resource_service.tokens import revocation
from resource_service.tokens.token_cache import verified_access_claims
from resource_service.tokens.verification import bearer_token, is_canonical_uuid


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
        try:
            raw = bearer_token(request)
            if raw is None:
                return None
            token = verified_access_claims(raw)
        except jwt.ExpiredSignatureError as exc:
            raise _refused("expired") from exc
        except jwt.InvalidTokenError as exc:
            raise _refused("invalid") from exc
        if not is_canonical_uuid(token["sub"]):
            raise _refused("bad_subject")
        if not is_canonical_uuid(token.get("sid")):
            raise _refused("invalid")
        if revocation.is_revoked(user_id=token["sub"], session_id=token["sid"], issued_at=token["iat"]):
            raise _refused("revoked")
        return Caller(id=token["sub"]), token
