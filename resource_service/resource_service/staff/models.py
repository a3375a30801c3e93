"""The second factor of the resource admin's staff: a TOTP secret each, encrypted (lib/totp.py), on once a code
of it is confirmed."""

from django.conf import settings
from django.db import models


class StaffTOTP(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp")
    secret = models.TextField(help_text="The base32 secret, encrypted with MFA_ENCRYPTION_KEYS.")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The latest time step a code was accepted for: that step and every earlier one are refused after.
    last_step = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "staff TOTP"

    def __str__(self) -> str:
        return f"TOTP of {self.user}"
