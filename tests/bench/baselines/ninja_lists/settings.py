"""make bench's django-ninja baseline: the two lists as django-ninja's documentation writes them (PyJWT behind
HttpBearer, the counts annotated, LimitOffsetPagination with its count, a FilterSchema), on startproject's
middleware and the naive baseline's settings, models and database, so that both answer from the same rows."""

import startproject
from naive.settings import *  # noqa: F403

ROOT_URLCONF = "ninja_lists.urls"
INSTALLED_APPS = [*startproject.INSTALLED_APPS, "naive"]  # naive's models; no DRF
NINJA_PAGINATION_PER_PAGE = 20
