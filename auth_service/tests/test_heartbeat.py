"""A worker's and a beat's liveness: their main process keeps a heartbeat file fresh, which their containers'
health check reads; nothing about the broker or the database."""

import threading
import time

import pytest
from celery import signals

from auth_service.lib import worker


def test_the_heartbeat_file_is_touched_at_once_and_again_each_interval(tmp_path):
    path, stop = tmp_path / "heartbeat", threading.Event()
    thread = worker.keep_heartbeat(path, 0.05, stop)
    try:
        assert path.exists()
        first = path.stat().st_mtime_ns
        deadline = time.monotonic() + 5
        while path.stat().st_mtime_ns == first and time.monotonic() < deadline:
            time.sleep(0.01)
        assert path.stat().st_mtime_ns > first
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()


# Celery's Django fixup also hears worker_init, and warns that this one comes from no worker.
@pytest.mark.filterwarnings("ignore:DjangoFixup.on_worker_init called without a sender")
@pytest.mark.parametrize("signal", [signals.worker_init, signals.beat_init], ids=["worker", "beat"])
def test_a_worker_or_a_beat_starts_its_heartbeat_as_it_starts(settings, tmp_path, signal):
    settings.HEARTBEAT_FILE = tmp_path / "heartbeat"
    settings.HEARTBEAT_SECONDS = 3600  # one touch: the thread then waits out the test run
    signal.send(sender=None)
    assert settings.HEARTBEAT_FILE.exists()
