"""Settings of the auth service: the ones both services share (base_settings.py), then its own."""

from datetime import timedelta
from typing import Any

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from auth_service.base_settings import *  # noqa: F403
from auth_service.base_settings import BASE_DIR, INSTALLED_APPS, REDIS_KEY_PREFIX, REDIS_URL, REST_FRAMEWORK
from auth_service.lib.env import envbool, envint, envsecret, envstr

INSTALLED_APPS = [
    "auth_service.accounts.apps.AdminConfig",
    *INSTALLED_APPS,
    "auth_service.accounts",
    "auth_service.tokens",
]

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": REDIS_KEY_PREFIX.rstrip(":"),
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

STATIC_URL = "/auth/static/"
SESSION_COOKIE_PATH = "/auth/"
CSRF_COOKIE_PATH = "/auth/"

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    # The gateway replaces X-Forwarded-For with the address it saw; that is the client address.
    "NUM_PROXIES": 1,
    "DEFAULT_THROTTLE_RATES": {
        "login": envstr("LOGIN_RATE_PER_ADDRESS", "20/min"),
        "register": envstr("REGISTER_RATE_PER_ADDRESS", "10/hour"),
        "password_reset": envstr("PASSWORD_RESET_RATE_PER_ADDRESS", "5/hour"),
    },
}
# Seconds after its first use that a refresh token still gets the same successor pair (two tabs, a retry).
REFRESH_REUSE_INTERVAL = envint("REFRESH_REUSE_INTERVAL", 10, minimum=0)
# Seconds after its login that a session ends, whatever its refreshes; REFRESH_TOKEN_LIFETIME is its idle limit.
SESSION_MAX_LIFETIME = envint("SESSION_MAX_LIFETIME", 30 * 24 * 3600)
# Days a login audit record (with the address as typed) is kept; the beat purges older ones daily.
LOGIN_EVENT_RETENTION_DAYS = envint("LOGIN_EVENT_RETENTION_DAYS", 90)
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 3600)
# Where the reset email sends people; {uid} and {token} are filled in. Empty: the email gives both values.
PASSWORD_RESET_URL = envstr("PASSWORD_RESET_URL", "")
# mandatory: an account whose address is not verified cannot log in (403 email_unverified); optional: it can, and
# its tokens say email_verified: false. The development stacks run optional.
EMAIL_VERIFICATION = envstr("EMAIL_VERIFICATION", "mandatory")
if EMAIL_VERIFICATION not in ("mandatory", "optional"):
    raise ImproperlyConfigured(f"EMAIL_VERIFICATION must be mandatory or optional, not {EMAIL_VERIFICATION!r}")
# The verification mail's link, as PASSWORD_RESET_URL; the seconds it works, unless a newer one replaces it.
EMAIL_VERIFICATION_URL = envstr("EMAIL_VERIFICATION_URL", "")
EMAIL_VERIFICATION_TIMEOUT = envint("EMAIL_VERIFICATION_TIMEOUT", 3 * 24 * 3600)

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", required=False) or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "no-reply@localhost")
# Amazon SES's API (EMAIL_BACKEND=django_ses.SESBackend, as on AWS), with the task role's credentials: no SMTP
# password exists. The region is AWS_SES_REGION_NAME (else boto3's AWS_DEFAULT_REGION); the endpoint is that
# region's, as boto3 resolves it (AWS_ENDPOINT_URL where a stand-in answers).
AWS_SES_REGION_NAME = envstr("AWS_SES_REGION_NAME", "") or None
AWS_SES_REGION_ENDPOINT_URL = None
USE_SES_V2 = True
AWS_SES_AUTO_THROTTLE = None  # a send SES refuses for its rate is retried by its task (accounts/tasks.py)

# Only the web service signs; its start fails naming the setting when the key is missing (wsgi.py).
JWT_PRIVATE_KEY = envsecret("JWT_PRIVATE_KEY", required=False)
# The age of a login, in seconds, beyond which turning the second factor on or off and new recovery codes ask for a
# new login.
REAUTH_MAX_AGE = envint("REAUTH_MAX_AGE", 300)
JWT_PREVIOUS_PUBLIC_KEYS = envsecret("JWT_PREVIOUS_PUBLIC_KEYS", required=False)

# What simplejwt's token classes make the claims of a token of (tokens/services.py); signing and verifying are
# tokens/signing.py and tokens/verification.py.
SIMPLE_JWT: dict[str, Any] = {
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=envint("ACCESS_TOKEN_LIFETIME", 300)),
    "REFRESH_TOKEN_LIFETIME": timedelta(seconds=envint("REFRESH_TOKEN_LIFETIME", 86400)),
    "TOKEN_TYPE_CLAIM": "token_type",
    "JTI_CLAIM": "jti",
}

# The auth service's own periodic work, sent by its beat (exactly one per deployment) to its queue, by the wall
# clock (UTC): a beat replaced at a deploy would start an interval again, and daily work would never run.
CELERY_BEAT_SCHEDULE = {
    "flush-expired-tokens": {
        "task": "auth.flush_expired_tokens",
        "schedule": crontab(minute="0", hour="3"),
        "options": {"queue": "auth"},
    },
    "purge-login-events": {
        "task": "auth.purge_login_events",
        "schedule": crontab(minute="30", hour="3"),
        "options": {"queue": "auth"},
    },
}
