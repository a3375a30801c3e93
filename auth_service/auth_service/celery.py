"""The service's Celery app; its worker consumes the service's queue (CELERY_TASK_DEFAULT_QUEUE)."""

import os
import sys
import tempfile

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auth_service.settings")

# A worker runs tasks in child processes, which share their Prometheus metrics through files in one
# folder. prometheus_client reads the variable when it is imported, so it is set before anything is.
if "worker" in sys.argv[1:] and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="prometheus-celery-")

app = Celery("auth_service")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

import auth_service.lib.worker  # noqa: E402,F401  (signal handlers: request ids and metrics)
