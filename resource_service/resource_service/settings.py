"""Settings of the resource service: the ones both services share (base_settings.py), then its own."""

from pathlib import Path

from celery.schedules import crontab

from resource_service.base_settings import *  # noqa: F403
from resource_service.base_settings import (
    BASE_DIR,
    INSTALLED_APPS,
    REST_FRAMEWORK,
    STORAGES,
    check_time_limit,
)
from resource_service.lib.env import envbool, envint, envsecret, envstr

INSTALLED_APPS = [
    "resource_service.admin_login.apps.AdminConfig",
    *INSTALLED_APPS,
    "django_filters",
    "resource_service.owners",
    "resource_service.projects",
    "resource_service.exports",
    "resource_service.staff",
]

# The admin's login (admin_login/site.py): tries per address a minute (and, as the API's, per account).
ADMIN_LOGIN_RATE_PER_ADDRESS = envint("ADMIN_LOGIN_RATE_PER_ADDRESS", 20)

STATIC_URL = "/api/static/"
SESSION_COOKIE_PATH = "/api/admin/"
CSRF_COOKIE_PATH = "/api/admin/"
# Export files: local media by default, an S3 bucket when EXPORTS_S3_BUCKET is set (credentials from the
# usual AWS sources, e.g. the ECS task role).
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
EXPORTS_S3_BUCKET = envstr("EXPORTS_S3_BUCKET", "")
if EXPORTS_S3_BUCKET:
    STORAGES = {
        **STORAGES,
        "default": {
            "BACKEND": "resource_service.exports.storage.ExportStorage",
            "OPTIONS": {
                "bucket_name": EXPORTS_S3_BUCKET,
                "region_name": envstr("AWS_REGION", "") or None,
                "location": envstr("EXPORTS_S3_PREFIX", "resource-service"),
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": True,
            },
        },
    }
EXPORT_RETENTION_HOURS = envint("EXPORT_RETENTION_HOURS", 24)
EXPORT_STALE_MINUTES = envint("EXPORT_STALE_MINUTES", 60)
# A run is stopped after EXPORT_TIME_LIMIT seconds (the export fails with the reason) and its process killed
# TASK_TIME_LIMIT_GRACE later. Both end before the broker's visibility timeout, so that the redelivery of a lost
# worker's export finds that worker's run over, and a second delivery while a run goes on waits for it
# (exports/services.py).
EXPORT_TIME_LIMIT = envint("EXPORT_TIME_LIMIT", 600)
check_time_limit("EXPORT_TIME_LIMIT", EXPORT_TIME_LIMIT)

# The origin clients reach the gateway at: the links in responses are built on it (lib/links.py).
PUBLIC_URL = envstr("PUBLIC_URL", "http://localhost:8080").rstrip("/")

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_PAGINATION_CLASS": "resource_service.lib.pagination.LimitOffsetPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}

# The auth service's public keys: found through the discovery document of JWT_ISSUER, else at the URL of its
# JWKS, else a PEM bundle. Only the web service verifies tokens; its start fails naming the settings when none
# is given (wsgi.py).
JWT_DISCOVERY = envbool("JWT_DISCOVERY", False)
JWT_JWKS_URL = envstr("JWT_JWKS_URL", "")
# The keys are fetched over HTTPS only, unless this is true (a development stack, or a URL inside a private network).
JWT_KEYS_ALLOW_HTTP = envbool("JWT_KEYS_ALLOW_HTTP", False)
JWT_PUBLIC_KEY = envsecret("JWT_PUBLIC_KEY", required=False)

# The resource service's own periodic work, sent by its beat (exactly one per deployment) to its queue, by the
# wall clock: a beat replaced at a deploy would start an interval again.
CELERY_BEAT_SCHEDULE = {
    "cleanup-exports": {
        "task": "resource.cleanup_exports",
        "schedule": crontab(minute="15"),
        "options": {"queue": "resource"},
    },
}
