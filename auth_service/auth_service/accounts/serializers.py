"""Input and output shapes of the account endpoints."""

from rest_framework import serializers

from auth_service.accounts.models import User


class UserSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True, allow_blank=True)

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "date_joined"]
        read_only_fields = fields


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})
    display_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class UserUpdateSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=150, allow_blank=True)


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})
    new_password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})
