"""The WSGI entry point as a gunicorn worker loads it."""

import os
import subprocess
import sys
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[1]

# A fresh interpreter: the worker's boot, then its first request (a path of no route, which the URLconf answers).
FIRST_REQUEST = """
import gc, io
from resource_service.wsgi import application
environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/no-such-route", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
           "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO()}
statuses = []
b"".join(application(environ, lambda status, headers: statuses.append(status)))
print(statuses[0], gc.get_freeze_count(), len(gc.get_objects()))
"""


def test_what_a_worker_keeps_is_out_of_the_garbage_collectors_sight_before_its_first_request():
    """The boot loads the URLconf (the first request would, making 17,000 more objects) and freezes every object it
    made: a full collection walks only what requests made since."""
    result = subprocess.run(  # noqa: S603 (this interpreter, this test's script)
        [sys.executable, "-c", FIRST_REQUEST],
        cwd=SERVICE,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        check=True,
    )
    status, frozen, tracked = result.stdout.rsplit(maxsplit=2)
    assert status.startswith("404"), result.stdout
    assert int(frozen) > 50_000
    assert int(tracked) < 2_000
