"""The beat writes the depth of the service's queue every minute as a log line in CloudWatch's embedded metric
format, which the workers' scaling on backlog per task and an alarm read (infra/templates)."""

import json
import logging
import threading
import time

import pytest
import redis
from celery import signals
from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

from resource_service.celery import app
from resource_service.lib import worker

NAMESPACE = "JwtServices/test"


def queue(count: int) -> None:
    for _ in range(count):
        app.send_task(f"{settings.SERVICE}.waiting", queue=settings.CELERY_TASK_DEFAULT_QUEUE)


def emitted(records: list[logging.LogRecord]) -> list[dict]:
    """The queue-depth lines as the service's JSON formatter writes them."""
    config = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(config["fmt"], rename_fields=config["rename_fields"])
    return [json.loads(formatter.format(r)) for r in records if r.getMessage() == "queue depth"]


def test_the_depth_counts_the_tasks_waiting_in_the_services_queue(broker):
    assert worker.queue_depth(app) == 0
    queue(3)
    assert worker.queue_depth(app) == 3


def test_the_depth_is_a_log_line_cloudwatch_reads_as_a_metric(broker, caplog):
    queue(2)
    caplog.set_level(logging.INFO, logger=worker.__name__)
    worker.log_queue_depth(app, NAMESPACE)
    (line,) = emitted(caplog.records)
    assert line["Queue"] == settings.CELERY_TASK_DEFAULT_QUEUE == settings.SERVICE
    assert line["QueueDepth"] == 2
    (metric,) = line["_aws"]["CloudWatchMetrics"]
    assert metric == {
        "Namespace": NAMESPACE,
        "Dimensions": [["Queue"]],
        "Metrics": [{"Name": "QueueDepth", "Unit": "Count"}],
    }
    assert abs(line["_aws"]["Timestamp"] - time.time() * 1000) < 60_000


def test_the_depth_is_written_at_once_then_each_interval_and_through_a_broker_outage(broker, caplog, monkeypatch):
    depths = iter([5, redis.ConnectionError("down"), 7])

    def depth(_app):
        answer = next(depths, 7)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(worker, "queue_depth", depth)
    caplog.set_level(logging.INFO, logger=worker.__name__)
    stop = threading.Event()
    thread = worker.keep_logging_queue_depth(app, NAMESPACE, 0.01, stop)
    try:
        deadline = time.monotonic() + 5
        while len(emitted(caplog.records)) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    assert [line["QueueDepth"] for line in emitted(caplog.records)][:2] == [5, 7]
    assert any(r.getMessage().startswith("queue depth unknown") for r in caplog.records)


@pytest.mark.parametrize(("namespace", "started"), [(NAMESPACE, True), ("", False)])
def test_a_beat_writes_the_depth_where_a_namespace_is_set(settings, monkeypatch, namespace, started):
    calls = []
    monkeypatch.setattr(worker, "keep_logging_queue_depth", lambda *args: calls.append(args))
    settings.QUEUE_METRICS_NAMESPACE = namespace
    beat = type("Beat", (), {"app": app})()
    signals.beat_init.send(sender=beat)
    assert [(call[0], call[1], call[2]) for call in calls] == ([(app, NAMESPACE, 60)] if started else [])
