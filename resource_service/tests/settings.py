"""Production settings with what the tests supply: a test public key and a Redis database of their own.

The tests empty that Redis database; TEST_REDIS_URL chooses it (default: database 15 on 127.0.0.1).
"""

import os

from tests.signing import PUBLIC_PEM

for _name in ("JWT_PUBLIC_KEY", "JWT_PRIVATE_KEY", "DJANGO_SECRET_KEY", "MFA_ENCRYPTION_KEYS"):
    os.environ.pop(_name, None)
    os.environ.pop(f"{_name}_FILE", None)

os.environ["JWT_PUBLIC_KEY"] = PUBLIC_PEM
os.environ["DJANGO_SECRET_KEY"] = "test-only-secret-key"
os.environ["MFA_ENCRYPTION_KEYS"] = "test-only-key-of-the-totp-secrets-0123456789"
os.environ["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

from resource_service.settings import *  # noqa: E402,F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
STATIC_ROOT = None  # whitenoise serves nothing in unit tests; the black-box suite checks static files
READINESS_CACHE_SECONDS = 0.0  # every probe checks, unless a test says otherwise
