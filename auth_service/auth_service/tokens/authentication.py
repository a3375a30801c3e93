"""Bearer authentication for the auth service's own endpoints: the token's login must still be live."""

import uuid

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed

from auth_service.tokens.models import TokenFamily


def _is_canonical_uuid(value: object) -> bool:
    try:
        return str(uuid.UUID(str(value))) == value
    except ValueError:
        return False


class BearerAuthentication(JWTAuthentication):
    """simplejwt's authentication (active user from `sub`), refusing tokens of a revoked login.

    The auth service writes `sub` and `sid` as canonical UUIDs; any other spelling is refused before a lookup,
    which would otherwise accept it as the same user or fail on it.
    """

    def get_user(self, validated_token):
        family_id = validated_token.get("sid")
        if not (_is_canonical_uuid(validated_token.get("sub")) and _is_canonical_uuid(family_id)):
            raise AuthenticationFailed("Token is invalid or expired", code="token_not_valid")
        user = super().get_user(validated_token)
        if not TokenFamily.objects.filter(pk=family_id, user=user, revoked_at__isnull=True).exists():
            raise AuthenticationFailed("Token is invalid or expired", code="token_not_valid")
        return user
