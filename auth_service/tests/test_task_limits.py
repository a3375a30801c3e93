"""Every task of the service stops before the broker would hand it to another worker: a task still running at the
visibility timeout runs twice."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from auth_service.celery import app
from tests.conftest import TIME_LIMIT_SETTINGS


def test_every_task_is_interrupted_then_killed_before_the_visibility_timeout():
    app.loader.import_default_modules()
    tasks = [task for name, task in app.tasks.items() if name.startswith(f"{settings.SERVICE}.")]
    assert tasks
    for task in tasks:
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        hard = task.time_limit or app.conf.task_time_limit
        assert soft, task.name
        assert hard, task.name
        assert soft < hard < settings.CELERY_VISIBILITY_TIMEOUT, task.name


@pytest.mark.parametrize("setting", TIME_LIMIT_SETTINGS)
@pytest.mark.parametrize(("limit", "starts"), [("300", True), ("890", False)])
def test_a_time_limit_that_would_outlast_the_visibility_timeout_stops_the_start(setting, limit, starts):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": f"{settings.SERVICE}_service.settings",
        setting: limit,
        "CELERY_VISIBILITY_TIMEOUT": "900",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=environment, capture_output=True, text=True
    )
    assert (result.returncode == 0) is starts, result.stderr[-2000:]
    if not starts:
        assert f"{setting} must be below CELERY_VISIBILITY_TIMEOUT" in result.stderr
