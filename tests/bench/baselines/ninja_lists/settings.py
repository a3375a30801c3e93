"""make bench's django-ninja baseline: the two lists as django-ninja's documentation writes them (PyJWT behind
HttpBearer, the counts annotated, LimitOffsetPagination with its count, a FilterSchema), on startproject's
middleware and the naive baseline's models and database, so that both answer from the same rows."""

import os

import dj_database_url
import startproject

SECRET_KEY = os.environ["BASELINE_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "ninja_lists.urls"
INSTALLED_APPS = [*startproject.INSTALLED_APPS, "naive"]
MIDDLEWARE = startproject.MIDDLEWARE
TEMPLATES = startproject.TEMPLATES
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
TIME_ZONE = startproject.TIME_ZONE
USE_TZ = startproject.USE_TZ
NINJA_PAGINATION_PER_PAGE = 20
