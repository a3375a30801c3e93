"""The second factor of an account: its TOTP device (lib/totp.py: the codes, the secret's encryption) and its
recovery codes. The device's row is locked while a code is checked, so that a replay on another worker waits and
fails. Recovery codes are 16 base32 characters (80 random bits), kept as their SHA-256 only.
"""

import base64
import hashlib
import secrets

from django.utils import timezone

from auth_service.accounts.models import RecoveryCode, TOTPDevice, User
from auth_service.lib import totp

RECOVERY_CODES = 10


def secret_of(device: TOTPDevice) -> str:
    return totp.decrypt(device.secret)


def code_step(device: TOTPDevice, code: str) -> int | None:
    """The time step the code is right for, if it is later than the device's last one."""
    return totp.accepted_step(secret=secret_of(device), code=code, last_step=device.last_step)


def _digest(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").upper().encode()).hexdigest()


def recovery_codes_new(user: User) -> list[str]:
    """A new set of recovery codes for the user, the old ones void; the codes, to be shown this once."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(10)).decode()
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_digest(code)) for code in codes])
    return codes


def recovery_code_use(user: User, code: str) -> bool:
    """Use one of the user's unused recovery codes (the row locked, so two uses at once use it once)."""
    record = (
        RecoveryCode.objects.select_for_update()
        .filter(user=user, code_hash=_digest(code), used_at__isnull=True)
        .first()
    )
    if record is None:
        return False
    record.used_at = timezone.now()
    record.save(update_fields=["used_at"])
    return True


def totp_code_use(user: User, code: str) -> bool:
    """Use a TOTP code of the user's confirmed device (the row locked while it is checked)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return False
    step = code_step(device, code)
    if step is None:
        return False
    device.last_step = step
    device.save(update_fields=["last_step"])
    return True


def is_on(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
