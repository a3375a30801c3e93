"""Settings of the auth service. Everything that varies between deployments comes from the environment."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from auth_service.lib.env import database_url, envbool, envint, envlist, envsecret, envstr, redis_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DJANGO_DEBUG", False)
SECRET_KEY = envsecret("DJANGO_SECRET_KEY", required=not DEBUG) or "insecure-development-key-auth"
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "http://localhost:8080,http://127.0.0.1:8080")

INSTALLED_APPS = [
    "auth_service.accounts.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_yasg",
    "django_prometheus",
    "auth_service.accounts",
    "auth_service.tokens",
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
        "DIRS": [],
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
        database_url("postgres://postgres@127.0.0.1:5432/auth"),
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
# Every Redis key this service uses begins with "auth:" (its cache, counters and Celery's keys and channels), but
# the revocation times: in compose and on AWS its Redis user may touch no other (infra/redis-users.acl).
# How long a readiness probe's answer is kept (lib/health.py).
READINESS_CACHE_SECONDS = 1.0
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "auth",
        "OPTIONS": {
            "socket_timeout": 1,
            "socket_connect_timeout": 1,
            "serializer": "auth_service.lib.cache.JSONSerializer",
        },
    }
}

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "display_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/auth/static/"
STATIC_ROOT: Path | None = Path(envstr("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The gateway terminates client connections; behind TLS it sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_PATH = "/auth/"
SESSION_COOKIE_NAME = "auth_sessionid"
CSRF_COOKIE_NAME = "auth_csrftoken"
CSRF_COOKIE_PATH = "/auth/"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["auth_service.tokens.authentication.BearerAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["auth_service.lib.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "auth_service.lib.exceptions.exception_handler",
    # The gateway replaces X-Forwarded-For with the address it saw; that is the client address.
    "NUM_PROXIES": 1,
    "DEFAULT_THROTTLE_RATES": {
        "login": envstr("LOGIN_RATE_PER_ADDRESS", "20/min"),
        "register": envstr("REGISTER_RATE_PER_ADDRESS", "10/hour"),
        "password_reset": envstr("PASSWORD_RESET_RATE_PER_ADDRESS", "5/hour"),
    },
}
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = envint("LOGIN_LOCKOUT_SECONDS", 900)
# Days a login audit record (with the address as typed) is kept; the beat purges older ones daily.
LOGIN_EVENT_RETENTION_DAYS = envint("LOGIN_EVENT_RETENTION_DAYS", 90)
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 3600)
# Where the reset email sends people; {uid} and {token} are filled in. Empty: the email gives both values.
PASSWORD_RESET_URL = envstr("PASSWORD_RESET_URL", "")

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", required=False) or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "no-reply@localhost")

# Only the web service signs; its start fails naming the setting when the key is missing (wsgi.py).
JWT_PRIVATE_KEY = envsecret("JWT_PRIVATE_KEY", required=False)
JWT_PREVIOUS_PUBLIC_KEYS = envsecret("JWT_PREVIOUS_PUBLIC_KEYS", required=False)
JWT_ISSUER = envstr("JWT_ISSUER", "http://localhost:8080/auth")
JWT_AUDIENCE = envstr("JWT_AUDIENCE", "resource-service")
JWT_LEEWAY_SECONDS = 30

# What simplejwt's token classes make a token of (tokens/classes.py); signing and verifying are tokens/signing.py
# and tokens/authentication.py.
SIMPLE_JWT: dict[str, Any] = {
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=envint("ACCESS_TOKEN_LIFETIME", 300)),
    "REFRESH_TOKEN_LIFETIME": timedelta(seconds=envint("REFRESH_TOKEN_LIFETIME", 86400)),
    "TOKEN_TYPE_CLAIM": "token_type",
    "JTI_CLAIM": "jti",
}

CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = "auth"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# An unacknowledged task of a worker that died is delivered again after this many seconds.
# Workers look for such tasks every 10 s (kombu's default looks only every 100 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 900),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    "global_keyprefix": "auth:",
    # The remote control's and events' channels by their plain names under the prefix: a Redis user's channel
    # rules match a subscription to a pattern only word for word.
    "fanout_prefix": False,
    "fanout_patterns": False,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The auth service's own periodic work, sent by its beat (exactly one per deployment) to its queue.
CELERY_BEAT_SCHEDULE = {
    "flush-expired-tokens": {
        "task": "auth.flush_expired_tokens",
        "schedule": timedelta(hours=24),
        "options": {"queue": "auth"},
    },
    "purge-login-events": {
        "task": "auth.purge_login_events",
        "schedule": timedelta(hours=24),
        "options": {"queue": "auth"},
    },
}

SWAGGER_USE_COMPAT_RENDERERS = False
SWAGGER_SETTINGS = {
    "USE_SESSION_AUTH": False,
    "DEFAULT_AUTO_SCHEMA_CLASS": "auth_service.lib.schema.AutoSchema",
    "SECURITY_DEFINITIONS": {
        "Bearer": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Type `Bearer ` followed by the access token from POST /auth/token/.",
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
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
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
