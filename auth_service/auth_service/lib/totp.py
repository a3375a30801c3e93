"""TOTP (RFC 6238, pyotp) for the second factors of both services, and the encryption of its secrets at rest.

A secret is stored encrypted with Fernet (`cryptography`) under MFA_ENCRYPTION_KEYS: keys separated by white space,
any string of at least 32 characters each, the first of which encrypts and all of which decrypt (to rotate, put a
new key first and encrypt every secret again, then drop the old one). A code is accepted for the current time step
or the one before (RFC 6238 section 5.2), and only for a step later than the last one used: a code works once.
"""

import base64
import hmac

import pyotp
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

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


def new_secret() -> tuple[str, str]:
    """A new base32 secret, and its encryption."""
    secret = pyotp.random_base32()
    return secret, encryption().encrypt(secret.encode()).decode()


def decrypt(encrypted: str) -> str:
    try:
        return encryption().decrypt(encrypted.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("a TOTP secret does not decrypt with any key of MFA_ENCRYPTION_KEYS") from exc


@transaction.atomic
def reencrypt_all(queryset) -> int:
    """Encrypt the `secret` of every row again with the first key (the rows locked); how many there were."""
    rotation = encryption()
    rows = list(queryset.select_for_update().only("pk", "secret"))
    for row in rows:
        row.secret = rotation.rotate(row.secret.encode()).decode()
        row.save(update_fields=["secret"])
    return len(rows)


def otpauth_uri(*, secret: str, name: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=settings.TOTP_ISSUER)


def accepted_step(*, secret: str, code: str, last_step: int | None) -> int | None:
    """The time step the code is right for (now or the step before), if it is later than the last one used."""
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(timezone.now())
    for step in (now, now - 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
