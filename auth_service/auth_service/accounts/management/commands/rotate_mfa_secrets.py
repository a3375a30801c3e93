"""Encrypt every TOTP secret again with the first key of MFA_ENCRYPTION_KEYS, the step of a key rotation
(accounts/second_factor.py) after which the old key can leave the setting."""

from django.core.management.base import BaseCommand
from django.db import transaction

from auth_service.accounts import second_factor
from auth_service.accounts.models import TOTPDevice


class Command(BaseCommand):
    help = "Encrypt every TOTP secret again with the first key of MFA_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        encryption = second_factor.encryption()
        count = 0
        with transaction.atomic():
            for device in TOTPDevice.objects.select_for_update().only("pk", "secret"):
                device.secret = encryption.rotate(device.secret.encode()).decode()
                device.save(update_fields=["secret"])
                count += 1
        self.stdout.write(f"{count} TOTP secrets encrypted with the first key")
