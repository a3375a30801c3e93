"""Token families (one per login) and the refresh tokens issued in them."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models


def password_only() -> list[str]:
    return ["pwd"]


class TokenFamily(models.Model):
    """One login, a session (its id is the tokens' `sid`): every refresh token that descends from it by rotation
    belongs to it."""

    class Reason(models.TextChoices):
        LOGOUT = "logout"
        ENDED = "ended", "ended from the list of sessions"
        LOGOUT_ALL = "logout_all"
        REUSE = "reuse", "refresh token reused"
        PASSWORD_CHANGE = "password_change"  # noqa: S105 (a reason, not a password)
        PASSWORD_RESET = "password_reset"  # noqa: S105
        DEACTIVATION = "deactivation"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="token_families")
    created_at = models.DateTimeField(auto_now_add=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    # Where the login came from, as the sessions list shows it (services.client_description).
    user_agent = models.CharField(max_length=200, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    # How the login that started it was made (RFC 8176 method references), the tokens' `amr`; their `auth_time`
    # is created_at. A session that began before either was recorded gets its login time and a password.
    amr = models.JSONField(default=password_only)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "token families"

    def __str__(self) -> str:
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def ends_at(self) -> datetime:
        """Its absolute limit, SESSION_MAX_LIFETIME after its login: no token of it outlives this."""
        return self.created_at + timedelta(seconds=settings.SESSION_MAX_LIFETIME)

    @property
    def expires_at(self) -> datetime:
        """The earlier of its idle limit (REFRESH_TOKEN_LIFETIME after its last refresh) and its absolute limit."""
        idle = (self.last_refreshed_at or self.created_at) + settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"]
        return min(idle, self.ends_at)


class IssuedRefreshToken(models.Model):
    """A refresh token by its `jti`: valid until it is used once, or its family is revoked."""

    jti = models.CharField(max_length=64, unique=True)
    family = models.ForeignKey(TokenFamily, on_delete=models.CASCADE, related_name="refresh_tokens")
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    # The claims of the pair its first use issued, so that a second use within REFRESH_REUSE_INTERVAL gets the same
    # pair: the same claims signed again give the same tokens. Claims only; a token is never stored.
    successor = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return self.jti


class LoginEvent(models.Model):
    """An audit record of a login attempt. Never holds a password."""

    class Outcome(models.TextChoices):
        SUCCESS = "success"
        BAD_CREDENTIALS = "bad_credentials", "wrong email, password or inactive account"
        LOCKED = "locked", "account locked after failures"
        THROTTLED = "throttled", "too many attempts from the address"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    email = models.CharField(max_length=254, help_text="The email address as entered.")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email}: {self.outcome}"
