"""Encrypt every TOTP secret again with the first key of MFA_ENCRYPTION_KEYS, the step of a key rotation
(lib/totp.py) after which the old key can leave the setting."""

from django.core.management.base import BaseCommand

from resource_service.lib import totp
from resource_service.staff.models import StaffTOTP


class Command(BaseCommand):
    help = "Encrypt every TOTP secret again with the first key of MFA_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        count = totp.reencrypt_all(StaffTOTP.objects.all())
        self.stdout.write(f"{count} TOTP secrets encrypted with the first key")
