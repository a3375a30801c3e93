"""Token pair responses: simplejwt's serializers with the contract's extra fields."""

from typing import Any

from django.conf import settings
from rest_framework import serializers
from rest_framework_simplejwt import serializers as jwt_serializers

from auth_service.tokens.classes import RefreshToken


def _pair(data: dict[str, Any]) -> dict[str, Any]:
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
    return {**data, "token_type": "Bearer", "expires_in": int(lifetime.total_seconds())}


class TokenPairSerializer(serializers.Serializer):
    """What a login or a refresh returns."""

    access = serializers.CharField()
    refresh = serializers.CharField()
    token_type = serializers.CharField(default="Bearer")
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")


class LoginSerializer(jwt_serializers.TokenObtainPairSerializer):
    token_class = RefreshToken

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return _pair(super().validate(attrs))


class RefreshSerializer(jwt_serializers.TokenRefreshSerializer):
    token_class = RefreshToken

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return _pair(super().validate(attrs))
