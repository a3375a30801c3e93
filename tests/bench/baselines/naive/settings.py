"""make bench's naive DRF baseline: the two list endpoints as the tutorials write them (simplejwt's
JWTAuthentication, which reads the user's row on every request; ModelViewSet; ModelSerializer; a count query per
status per row), verifying the same RS256 tokens as the resource service, on startproject's middleware."""

import os
from pathlib import Path

import dj_database_url

SECRET_KEY = os.environ["BASELINE_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "naive.urls"
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "naive",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
TIME_ZONE = "UTC"
USE_TZ = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 20,
}
SIMPLE_JWT = {
    "ALGORITHM": "RS256",
    "VERIFYING_KEY": Path(os.environ["JWT_PUBLIC_KEY_FILE"]).read_text(),
    "AUDIENCE": os.environ.get("JWT_AUDIENCE", "resource-service"),
    "ISSUER": os.environ.get("JWT_ISSUER", "http://localhost:8080/auth"),
    # The user's row is found by its username, which the seeding sets to the token's subject.
    "USER_ID_FIELD": "username",
    "USER_ID_CLAIM": "sub",
}
