"""Input and output shapes of the account endpoints."""

from rest_framework import serializers

from auth_service.accounts.models import User
from auth_service.lib.fields import StringField


class UserSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True, allow_blank=True)

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "date_joined"]
        read_only_fields = fields


class RegisterSerializer(serializers.Serializer):
    email = StringField(max_length=254)
    password = StringField(max_length=128, write_only=True, style={"input_type": "password"})
    display_name = StringField(max_length=150, required=False, allow_blank=True, default="")


class UserUpdateSerializer(serializers.Serializer):
    """A PATCH of the profile: the fields it names change, and a body that names none changes nothing."""

    display_name = StringField(max_length=150, allow_blank=True, required=False)


class PasswordSerializer(serializers.Serializer):
    password = StringField(max_length=128, write_only=True, style={"input_type": "password"})


class PasswordChangeSerializer(serializers.Serializer):
    old_password = StringField(max_length=128, write_only=True, style={"input_type": "password"})
    new_password = StringField(max_length=128, write_only=True, style={"input_type": "password"})


class EmailSerializer(serializers.Serializer):
    """An address, for a password reset or a new verification link."""

    email = StringField(max_length=254)


class LinkSerializer(serializers.Serializer):
    """The values of a link mailed to the account (verification, reset)."""

    uid = StringField(max_length=64)
    token = StringField(max_length=128)


class PasswordResetConfirmSerializer(LinkSerializer):
    new_password = StringField(max_length=128, write_only=True, style={"input_type": "password"})


class CodeSerializer(serializers.Serializer):
    code = StringField(max_length=6, help_text="Six digits from the authenticator app.")


class TOTPEnrolmentSerializer(serializers.Serializer):
    secret = serializers.CharField(read_only=True, help_text="Base32; for apps that cannot read the URI.")
    otpauth_uri = serializers.CharField(read_only=True, help_text="otpauth://totp/...: what a QR code would carry.")


class RecoveryCodesSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(child=serializers.CharField(), read_only=True)
