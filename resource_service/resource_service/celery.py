"""The resource service's Celery app; it consumes the `resource` queue."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resource_service.settings")

app = Celery("resource_service")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
