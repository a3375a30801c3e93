"""gunicorn settings, from the environment."""

import os
import shutil
import tempfile

from gunicorn import glogging

# The workers share their Prometheus metrics through files in this folder, fresh for each start. It must be set
# before anything imports prometheus_client, which picks its mode once: so before the service's package.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="prometheus-")

from resource_service.lib.env import envint, envstr

bind = envstr("GUNICORN_BIND", "0.0.0.0:8000")
# Four processes of one thread each (gunicorn's sync worker; the gateway buffers requests and responses for it): of
# 2 x 4, 4 x 2 and 4 x 1 under make bench's load, the highest throughput and the lowest p99 of the lists, a thread
# no longer waiting for the interpreter lock behind its siblings (docs/profiling.md). A worker holds about 106 MiB
# and the master 63: some 490 MiB a container, and a login's Argon2 hash 100 MiB more while it runs, one per worker.
workers = envint("GUNICORN_WORKERS", 4)
threads = envint("GUNICORN_THREADS", 1)
timeout = envint("GUNICORN_TIMEOUT", 30)
graceful_timeout = envint("GUNICORN_GRACEFUL_TIMEOUT", 25)
keepalive = envint("GUNICORN_KEEPALIVE", 75)  # of more than one thread: the sync worker closes each connection
max_requests = envint("GUNICORN_MAX_REQUESTS", 0, minimum=0)  # 0: workers are never recycled
max_requests_jitter = max_requests // 10
# Nothing manages gunicorn through its control socket, and two services on one host would share its path.
control_socket_disable = True
forwarded_allow_ips = envstr("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# The gateway refuses oversized requests with JSON errors (a request line or a header line over its 8 KiB
# buffers). gunicorn's own limits sat at or below the gateway's (a 4094-byte request line, 100 header fields, an
# 8190-byte header line) and answered what passed the gateway with an HTML page; these are above it.
limit_request_line = 8190  # gunicorn's largest; the gateway refuses a longer one
limit_request_fields = 32768
limit_request_field_size = 16384
errorlog = "-"


class Logger(glogging.Logger):
    """gunicorn's logger without its access log: the application logs one line per request, which the access
    log would repeat. With a logconfig_dict, gunicorn builds every access line even when nothing writes it
    (a fifteenth of a request's CPU)."""

    access_log_enabled = False


logger_class = Logger

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


def on_starting(server):
    """Start with an empty metrics folder."""
    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)


def child_exit(server, worker):
    """Drop the live gauges of a worker that exited."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
