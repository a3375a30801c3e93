"""The second factor: TOTP (RFC 6238, pyotp) and recovery codes.

The TOTP secret is stored encrypted with Fernet (`cryptography`) under MFA_ENCRYPTION_KEYS: whitespace-separated
keys, any string of at least 32 characters each, the first of which encrypts and all of which decrypt (to rotate,
put a new key first and run `manage.py rotate_mfa_secrets`, then drop the old one). A code is accepted for the
current time step or the one before (RFC 6238 section 5.2), once: the step it was accepted for, and every earlier
one, is refused after, and the device's row is locked while a code is checked, so that a replay on another worker
waits and fails. Recovery codes are 16 base32 characters (80 random bits), kept as their SHA-256 only.
"""

import base64
import hashlib
import hmac
import secrets

import pyotp
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from auth_service.accounts.models import RecoveryCode, TOTPDevice, User

RECOVERY_CODES = 10
MIN_KEY_LENGTH = 32


def _fernet(key: str) -> Fernet:
    # Fernet wants 32 random bytes; a key of the setting is any long string, so it is stretched with HKDF.
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"auth_service totp secrets").derive(
        key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def encryption() -> MultiFernet:
    """The keys of MFA_ENCRYPTION_KEYS; ImproperlyConfigured, naming the setting, without a usable one."""
    keys = (settings.MFA_ENCRYPTION_KEYS or "").split()
    if not keys:
        raise ImproperlyConfigured("MFA_ENCRYPTION_KEYS (or MFA_ENCRYPTION_KEYS_FILE) must be set")
    if any(len(key) < MIN_KEY_LENGTH for key in keys):
        raise ImproperlyConfigured(f"each key of MFA_ENCRYPTION_KEYS must have at least {MIN_KEY_LENGTH} characters")
    return MultiFernet([_fernet(key) for key in keys])


def secret_of(device: TOTPDevice) -> str:
    try:
        return encryption().decrypt(device.secret.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("a TOTP secret does not decrypt with any key of MFA_ENCRYPTION_KEYS") from exc


def new_secret() -> tuple[str, str]:
    """A new base32 secret, and its encryption."""
    secret = pyotp.random_base32()
    return secret, encryption().encrypt(secret.encode()).decode()


def otpauth_uri(*, secret: str, user: User) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=settings.TOTP_ISSUER)


def code_step(device: TOTPDevice, code: str) -> int | None:
    """The time step the code is right for (now or the step before), if it is later than the last one used."""
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret_of(device))
    now = totp.timecode(timezone.now())
    for step in (now, now - 1):
        if device.last_step is not None and step <= device.last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


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
