"""What every Celery task of this service gets: the request id of the request that queued it, in its
log lines, and Prometheus metrics (counts by outcome, durations) served by the worker; the heartbeat of a
worker's or a beat's main process, which its container's health check reads; and the depth of the service's queue,
which the beat writes as a CloudWatch metric for the workers' scaling."""

import logging
import os
import threading
import time
from pathlib import Path

import redis
from celery import signals
from django.conf import settings
from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess, start_http_server

from resource_service.lib.requests import request_id_var

HEADER = "request_id"

logger = logging.getLogger(__name__)

tasks_total = Counter("celery_tasks_total", "Tasks run, by name and outcome", ["task", "outcome"])
task_seconds = Histogram("celery_task_duration_seconds", "Task run time, by name", ["task"])

_started: dict[str, tuple[float, object]] = {}


@signals.before_task_publish.connect
def _send_request_id(headers=None, **kwargs):
    request_id = request_id_var.get()
    if headers is not None and request_id != "-":
        headers[HEADER] = request_id


@signals.task_prerun.connect
def _start(task_id=None, task=None, **kwargs):
    request_id = getattr(task.request, HEADER, None) or (task.request.headers or {}).get(HEADER) or "-"
    _started[task_id] = (time.monotonic(), request_id_var.set(request_id))


@signals.task_postrun.connect
def _finish(task_id=None, task=None, state=None, **kwargs):
    started, token = _started.pop(task_id, (None, None))
    if started is not None:
        task_seconds.labels(task.name).observe(time.monotonic() - started)
        request_id_var.reset(token)
    tasks_total.labels(task.name, (state or "unknown").lower()).inc()


@signals.worker_init.connect
def _serve_metrics(**kwargs):
    port = int(os.environ.get("CELERY_METRICS_PORT") or 0)
    if port:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        start_http_server(port, registry=registry)


@signals.worker_process_shutdown.connect
def _forget_process(pid=None, **kwargs):
    multiprocess.mark_process_dead(pid or os.getpid())


@signals.worker_ready.connect
def _move_unprefixed_tasks(**kwargs):
    """Move the tasks queued before the service's Redis keys had its prefix, in the queue's bare name, into its
    queue, oldest nearest the head. Kept for one release (infra/README.md, upgrading)."""
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    prefixed = settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] + queue
    client = redis.Redis.from_url(settings.REDIS_URL)
    moved = 0
    while client.lmove(queue, prefixed, "LEFT", "RIGHT") is not None:
        moved += 1
    if moved:
        logger.info("tasks queued before the key prefix moved", extra={"queue": queue, "count": moved})


def every(seconds: float, stop: threading.Event, action, name: str) -> threading.Thread:
    """Do the action now and every so many seconds, from a thread of this process, until `stop` is set."""

    def repeat() -> None:
        while True:
            action()
            if stop.wait(seconds):
                return

    thread = threading.Thread(target=repeat, name=name, daemon=True)
    thread.start()
    return thread


def keep_heartbeat(path: Path, seconds: float, stop: threading.Event) -> threading.Thread:
    """Touch the file now, before the process goes on starting, and then every so many seconds until `stop` is set."""
    path.touch()
    return every(seconds, stop, path.touch, "heartbeat")


@signals.worker_init.connect
@signals.beat_init.connect
def _start_heartbeat(**kwargs):
    keep_heartbeat(settings.HEARTBEAT_FILE, settings.HEARTBEAT_SECONDS, threading.Event())


def queue_depth(app) -> int:
    """The tasks waiting in the service's queue; not those a worker holds already."""
    # Declared as the workers declare it (Redis keeps no queue but its tasks): a passive declaration would find
    # an empty queue missing, and kombu's check for one misses the key prefix.
    with app.connection_for_read() as connection:
        _, depth, _ = connection.default_channel.queue_declare(settings.CELERY_TASK_DEFAULT_QUEUE)
    return depth


def log_queue_depth(app, namespace: str) -> None:
    """Write the queue's depth as a log line in CloudWatch's embedded metric format: the log group makes it the
    metric QueueDepth of NAMESPACE, dimension Queue, which the workers' scaling and an alarm read."""
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    metric = {"Namespace": namespace, "Dimensions": [["Queue"]], "Metrics": [{"Name": "QueueDepth", "Unit": "Count"}]}
    aws = {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": [metric]}
    logger.info("queue depth", extra={"aws": aws, "Queue": queue, "QueueDepth": queue_depth(app)})


def keep_logging_queue_depth(app, namespace: str, seconds: float, stop: threading.Event) -> threading.Thread:
    """Log the queue's depth now and every so many seconds, from a thread of this process, until `stop` is set. A
    broker that cannot be reached logs a warning and no depth: the metric's absence alarms."""

    def publish() -> None:
        try:
            log_queue_depth(app, namespace)
        except Exception:
            logger.warning("queue depth unknown: the broker cannot be reached", exc_info=True)

    return every(seconds, stop, publish, "queue-depth")


@signals.beat_init.connect
def _start_queue_depth(sender=None, **kwargs):
    if settings.QUEUE_METRICS_NAMESPACE:
        keep_logging_queue_depth(sender.app, settings.QUEUE_METRICS_NAMESPACE, 60, threading.Event())
