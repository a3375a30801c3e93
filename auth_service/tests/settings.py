"""Production settings with what the tests supply: a fresh signing key and a Redis database of their own.

The tests empty that Redis database; TEST_REDIS_URL chooses it (default: database 15 on 127.0.0.1).
"""

import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

for _name in ("JWT_PRIVATE_KEY", "JWT_PREVIOUS_PUBLIC_KEYS", "DJANGO_SECRET_KEY", "MFA_ENCRYPTION_KEYS"):
    os.environ.pop(_name, None)
    os.environ.pop(f"{_name}_FILE", None)

_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
os.environ["JWT_PRIVATE_KEY"] = _key.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()
os.environ["DJANGO_SECRET_KEY"] = "test-only-secret-key"
os.environ["MFA_ENCRYPTION_KEYS"] = "test-only-key-of-the-totp-secrets-0123456789"
os.environ["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

from auth_service.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
STATIC_ROOT = None  # whitenoise serves nothing in unit tests; the black-box suite checks static files
READINESS_CACHE_SECONDS = 0.0  # every probe checks, unless a test says otherwise
EMAIL_VERIFICATION = "mandatory"  # the production default, whatever the environment (make exports optional)
