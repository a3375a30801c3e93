"""The user: a UUID, an email address to log in with (verified or not), and a display name."""

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from auth_service.accounts import addresses


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        """Create a user with the address in its one form (accounts/addresses.py) and a hashed password."""
        user = self.model(email=addresses.normalize(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        """Create a staff superuser, for the admin."""
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("email_verified", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, email: str | None) -> "User":
        """Find a user by email, in whatever spelling of the address."""
        try:
            return self.get(email=addresses.normalize(email or ""))
        except addresses.InvalidAddress:
            raise self.model.DoesNotExist from None


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=150, blank=True)
    email_verified = models.BooleanField(default=False, help_text="Whether the owner followed a verification link.")
    # When the latest verification link was made: a link made before it no longer verifies (accounts/email_tokens.py).
    email_verification_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["date_joined"]

    def __str__(self) -> str:
        return self.email


class TOTPDevice(models.Model):
    """An account's TOTP secret (RFC 6238), encrypted (accounts/second_factor.py); on once confirmed with a code."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret = models.TextField(help_text="The base32 secret, encrypted with MFA_ENCRYPTION_KEYS.")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The latest time step a code was accepted for: that step and every earlier one are refused after.
    last_step = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "TOTP device"

    def __str__(self) -> str:
        return f"TOTP of {self.user}"


class RecoveryCode(models.Model):
    """A single-use code that stands in for a TOTP code; only its SHA-256 is kept (80 random bits)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code of {self.user}"
