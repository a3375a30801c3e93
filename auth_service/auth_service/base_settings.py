"""The settings both services share: the service's own settings.py starts from these. Everything that varies
between deployments comes from the environment. SERVICE is the service's name: its database, its Redis keys' and
queue's name, its cookies'."""

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from auth_service.lib.env import database_url, envbool, envint, envlist, envsecret, envstr, redis_url

BASE_DIR = Path(__file__).resolve().parent.parent
SERVICE = __name__.partition("_service")[0]

DEBUG = envbool("DJANGO_DEBUG", False)
SECRET_KEY = envsecret("DJANGO_SECRET_KEY", required=not DEBUG) or f"insecure-development-key-{SERVICE}"
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "http://localhost:8080,http://127.0.0.1:8080")

# The service's settings.py puts its admin's configuration first and its own apps last.
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_yasg",
    "django_prometheus",
]

MIDDLEWARE = [
    "auth_service.lib.http_metrics.BeforeMiddleware",
    "auth_service.lib.requests.RequestLogMiddleware",
    "auth_service.lib.errors.DependencyErrorMiddleware",
    "auth_service.lib.caching.NoStoreMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "auth_service.lib.views.MethodMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auth_service.lib.http_metrics.AfterMiddleware",
]

ROOT_URLCONF = "auth_service.urls"
WSGI_APPLICATION = "auth_service.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The admin's login page with the second factor's field (lib/templates/admin_login.html).
        "DIRS": [Path(__file__).resolve().parent / "lib" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        database_url(f"postgres://postgres@127.0.0.1:5432/{SERVICE}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = envint("DATABASE_CONNECT_TIMEOUT", 5)
# Behind a transaction-mode pooler (PgBouncer, RDS Proxy) a cursor cannot outlive its transaction.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# PostgreSQL counting queries and errors for /metrics, reading a rotated password from DATABASE_SECRET_ARN.
DATABASES["default"]["ENGINE"] = "auth_service.lib.postgres"
DATABASE_SECRET_ARN = envstr("DATABASE_SECRET_ARN", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url("redis://127.0.0.1:6379/0")
# Every Redis key the service uses begins with its name and a colon (its cache, counters and Celery's keys and
# channels), but the revocation times: in compose and on AWS its Redis user may touch no other
# (infra/redis-users.acl).
REDIS_KEY_PREFIX = f"{SERVICE}:"
# How long a readiness probe's answer is kept (lib/health.py).
READINESS_CACHE_SECONDS = 1.0
# Failed password tries per account within a window: the API's logins (auth), the admin's (both).
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = envint("LOGIN_LOCKOUT_SECONDS", 900)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_ROOT: Path | None = Path(envstr("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The gateway terminates client connections; behind TLS it sets X-Forwarded-Proto. The service's settings.py
# gives the cookies the path of its admin.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_NAME = f"{SERVICE}_sessionid"
CSRF_COOKIE_NAME = f"{SERVICE}_csrftoken"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["auth_service.tokens.authentication.BearerAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["auth_service.lib.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [f"{__package__}.lib.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "auth_service.lib.exceptions.exception_handler",
}

JWT_ISSUER = envstr("JWT_ISSUER", "http://localhost:8080/auth")

# The keys the TOTP secrets of the second factors are encrypted with (lib/totp.py); the web service's start fails
# without them (wsgi.py). TOTP_ISSUER is the name authenticator apps show beside the account.
MFA_ENCRYPTION_KEYS = envsecret("MFA_ENCRYPTION_KEYS", required=False)
TOTP_ISSUER = envstr("TOTP_ISSUER", "jwt-services")
JWT_AUDIENCE = envstr("JWT_AUDIENCE", "resource-service")
JWT_LEEWAY_SECONDS = 30

CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = SERVICE
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# An unacknowledged task of a worker that died is delivered again after this many seconds.
# Workers look for such tasks every 10 s (kombu's default looks only every 100 s).
CELERY_VISIBILITY_TIMEOUT = envint("CELERY_VISIBILITY_TIMEOUT", 900)
# A task is interrupted after CELERY_TASK_SOFT_TIME_LIMIT seconds (SoftTimeLimitExceeded: it fails with the reason)
# and its process killed TASK_TIME_LIMIT_GRACE seconds later, both before the visibility timeout: a task still
# running when the broker hands it to another worker would run twice. A task may set shorter or longer limits.
TASK_TIME_LIMIT_GRACE = 10


def check_time_limit(name: str, seconds: int) -> None:
    """Stop the start unless a run interrupted after `seconds` and killed the grace later ends before its task is
    delivered again (exports have a limit of their own, checked the same way)."""
    if seconds + TASK_TIME_LIMIT_GRACE >= CELERY_VISIBILITY_TIMEOUT:
        raise ImproperlyConfigured(
            f"{name} must be below CELERY_VISIBILITY_TIMEOUT by more than {TASK_TIME_LIMIT_GRACE} seconds"
        )


CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 300)
check_time_limit("CELERY_TASK_SOFT_TIME_LIMIT", CELERY_TASK_SOFT_TIME_LIMIT)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + TASK_TIME_LIMIT_GRACE
# A worker's and a beat's liveness: their main process touches this file every HEARTBEAT_SECONDS, and the
# containers' health check reads its age (lib/worker.py). Nothing else: a broker or database outage is for the
# alarms, not a reason to replace every worker at once.
HEARTBEAT_FILE = Path(envstr("HEARTBEAT_FILE", "/tmp/heartbeat"))  # noqa: S108 (a container's own /tmp)
HEARTBEAT_SECONDS = 10
# The CloudWatch namespace the beat writes the queue's depth to every minute, as a log line in the embedded metric
# format (lib/worker.py); empty, the default, writes none. The ECS task definitions set JwtServices/<environment>.
QUEUE_METRICS_NAMESPACE = envstr("QUEUE_METRICS_NAMESPACE", "")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    "global_keyprefix": REDIS_KEY_PREFIX,
    # The remote control's and events' channels by their plain names under the prefix: a Redis user's channel
    # rules match a subscription to a pattern only word for word.
    "fanout_prefix": False,
    "fanout_patterns": False,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

SWAGGER_USE_COMPAT_RENDERERS = False
SWAGGER_SETTINGS = {
    "USE_SESSION_AUTH": False,
    "DEFAULT_AUTO_SCHEMA_CLASS": "auth_service.lib.schema.AutoSchema",
    "DEFAULT_GENERATOR_CLASS": "auth_service.lib.schema.SchemaGenerator",
    "SECURITY_DEFINITIONS": {
        "Bearer": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Type `Bearer ` followed by an access token from POST /auth/token/.",
        }
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "auth_service.lib.requests.RequestIdFilter"},
        "suspicious_request": {"()": "auth_service.lib.requests.SuspiciousRequestFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            # A line's "_aws" is what CloudWatch reads as embedded metrics (lib/worker.py); the formatter drops an
            # extra field whose name begins with an underscore, so the field is logged as "aws" and renamed.
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger", "aws": "_aws"},
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id", "suspicious_request"],
        }
    },
    "root": {"handlers": ["stdout"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines come from RequestLogMiddleware; Django's own would repeat them.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
    },
}
