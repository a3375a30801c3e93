"""Bearer authentication: a valid access token whose subject is a UUID, or a 401."""

import uuid

from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken


def _is_canonical_uuid(value: object) -> bool:
    try:
        return str(uuid.UUID(str(value))) == value
    except ValueError:
        return False


class BearerAuthentication(JWTStatelessUserAuthentication):
    """simplejwt's stateless authentication: the caller is the token's `sub`, with no database lookup."""

    www_authenticate_realm = "api"

    def authenticate(self, request):
        try:
            result = super().authenticate(request)
        except InvalidToken as exc:
            raise AuthenticationFailed() from exc
        if result is not None and not _is_canonical_uuid(result[0].id):
            raise AuthenticationFailed()
        return result
