"""Bearer authentication for the auth service's own endpoints: the token's login must still be live."""

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed

from auth_service.tokens.models import TokenFamily


class BearerAuthentication(JWTAuthentication):
    """simplejwt's authentication (active user from `sub`), refusing tokens of a revoked login."""

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        family_id = validated_token.get("sid")
        if not family_id or not TokenFamily.objects.filter(pk=family_id, user=user, revoked_at__isnull=True).exists():
            raise AuthenticationFailed("Token is invalid or expired", code="token_not_valid")
        return user
