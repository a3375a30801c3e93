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
