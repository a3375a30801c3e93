"""Encrypt every TOTP secret again with the first key of MFA_ENCRYPTION_KEYS, the step of a key rotation
(lib/totp.py) after which the old key can leave the setting."""

from django.core.management.base import BaseCommand

from auth_service.accounts.models import TOTPDevice
from auth_service.lib import totp


class Command(BaseCommand):
    help = "Encrypt every TOTP secret again with the first key of MFA_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        count = totp.reencrypt_all(TOTPDevice.objects.all())
        self.stdout.write(f"{count} TOTP secrets encrypted with the first key")
