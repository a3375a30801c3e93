"""make bench's naive DRF baseline: the two list endpoints as the tutorials write them (simplejwt's
JWTAuthentication, which reads the user's row on every request; ModelViewSet; ModelSerializer; a count query per
status per row), verifying the same RS256 tokens as the resource service, on startproject's middleware."""

import os
from pathlib import Path

import dj_database_url
import startproject

SECRET_KEY = os.environ["BASELINE_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "naive.urls"
INSTALLED_APPS = [*startproject.INSTALLED_APPS, "rest_framework", "naive"]
MIDDLEWARE = startproject.MIDDLEWARE
TEMPLATES = startproject.TEMPLATES
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
TIME_ZONE = startproject.TIME_ZONE
USE_TZ = startproject.USE_TZ

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
