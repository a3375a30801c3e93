"""Bearer authentication: a valid, unrevoked access token whose subject is a UUID, or a 401."""

import uuid

from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken

from resource_service.lib import metrics
from resource_service.tokens import revocation


def _is_canonical_uuid(value: object) -> bool:
    try:
        return str(uuid.UUID(str(value))) == value
    except ValueError:
        return False


def _refuse(reason: str) -> AuthenticationFailed:
    metrics.token_rejections.labels(reason=reason).inc()
    return AuthenticationFailed()


class BearerAuthentication(JWTStatelessUserAuthentication):
    """simplejwt's stateless authentication: the caller is the token's `sub`, with no database lookup."""

    www_authenticate_realm = "api"

    def authenticate(self, request):
        try:
            result = super().authenticate(request)
        except InvalidToken as exc:
            raise _refuse("expired" if "expired" in str(exc.detail) else "invalid") from exc
        if result is None:
            return None
        user, token = result
        if not _is_canonical_uuid(user.id):
            raise _refuse("bad_subject")
        if revocation.is_revoked(user_id=user.id, issued_at=token["iat"]):
            raise _refuse("revoked")
        return result
