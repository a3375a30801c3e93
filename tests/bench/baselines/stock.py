"""make bench's stock Django baseline: a bare project, with the settings `django-admin startproject` writes
(startproject.py), and one JsonResponse view. Served by gunicorn as `stock:application`."""

import os

import startproject
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, JsonResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ["BASELINE_SECRET_KEY"],
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=startproject.INSTALLED_APPS,
    MIDDLEWARE=startproject.MIDDLEWARE,
    TEMPLATES=startproject.TEMPLATES,
    DATABASES={},
    TIME_ZONE=startproject.TIME_ZONE,
    USE_TZ=startproject.USE_TZ,
)


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [path("api/healthz", healthz)]
application = get_wsgi_application()
