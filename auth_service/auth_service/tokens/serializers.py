"""Input and output shapes of the token endpoints."""

from rest_framework import serializers

from auth_service.lib.fields import StringField


class LoginSerializer(serializers.Serializer):
    email = StringField(max_length=254)
    password = StringField(max_length=128, write_only=True, style={"input_type": "password"})


class MFALoginSerializer(serializers.Serializer):
    """The second step of a login: the mfa_token, and a TOTP code or a recovery code."""

    mfa_token = StringField(max_length=128)
    code = StringField(max_length=6, required=False, help_text="Six digits from the authenticator app.")
    recovery_code = StringField(max_length=32, required=False, help_text="One of the recovery codes.")

    def validate(self, attrs):
        if ("code" in attrs) == ("recovery_code" in attrs):
            raise serializers.ValidationError({"code": ["Give a code or a recovery code, one of them."]})
        return attrs


class RefreshSerializer(serializers.Serializer):
    refresh = StringField(max_length=4096)


class TokenPairSerializer(serializers.Serializer):
    """What a login or a refresh returns."""

    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)
    token_type = serializers.CharField(read_only=True, default="Bearer")
    expires_in = serializers.IntegerField(read_only=True, help_text="Seconds until the access token expires.")


class SessionSerializer(serializers.Serializer):
    """A live session of the caller's: where and when it started, never a token."""

    id = serializers.UUIDField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    last_refreshed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    expires_at = serializers.DateTimeField(read_only=True, help_text="The earlier of the idle and absolute limits.")
    user_agent = serializers.CharField(read_only=True)
    client_ip = serializers.IPAddressField(read_only=True, allow_null=True)
    current = serializers.SerializerMethodField(help_text="Whether it is the session of the bearer token.")

    def get_current(self, family) -> bool:
        return str(family.pk) == self.context["current_session"]
