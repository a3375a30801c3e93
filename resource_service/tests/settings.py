"""Production settings with what the test environment supplies: a test public key and a Redis database of its own."""

import os

from tests.signing import PUBLIC_PEM

os.environ.setdefault("JWT_PUBLIC_KEY", PUBLIC_PEM)
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from resource_service.settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
