"""gunicorn as configured: its numbers read by the typed helpers, and no access log, not even built and dropped
(the application logs each request)."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from gunicorn import glogging
from gunicorn.config import Config

CONFIG_FILE = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


def test_no_access_line_is_built_for_a_request(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.setattr(glogging, "dictConfig", lambda config: None)  # leave this process's logging alone
    config = Config()
    for name, value in runpy.run_path(str(CONFIG_FILE)).items():
        if name in config.settings:
            config.set(name, value)
    assert config.logconfig_dict  # the setting that makes gunicorn's own logger build every access line
    logger = config.logger_class(config)

    def atoms(*args):
        raise AssertionError("an access log line was built")

    monkeypatch.setattr(logger, "atoms", atoms)
    logger.access(resp=None, req=None, environ={}, request_time=None)


def test_a_number_that_is_not_one_stops_the_start_naming_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.setenv("GUNICORN_THREADS", "four")
    with pytest.raises(ImproperlyConfigured, match="GUNICORN_THREADS"):
        runpy.run_path(str(CONFIG_FILE))


def test_the_metrics_are_shared_between_workers_once_the_configuration_is_read(tmp_path):
    """prometheus_client picks its mode when first imported: the configuration sets the folder before that."""
    script = (
        "import runpy, sys; runpy.run_path(sys.argv[1]); import prometheus_client.values as values;"
        " print(values.ValueClass.__name__)"
    )
    environment = {name: value for name, value in os.environ.items() if name != "PROMETHEUS_MULTIPROC_DIR"}
    result = subprocess.run(  # noqa: S603 (this interpreter, this repository's file)
        [sys.executable, "-c", script, str(CONFIG_FILE)],
        cwd=CONFIG_FILE.parent,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "MmapedValue"
