"""Request ids and the one JSON log line per request."""

import contextvars
import logging
import re
import time
import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

logger = logging.getLogger("resource_service.requests")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


def sane_request_id(value: str | None) -> str:
    """Return the client's request id if it is safe to log and echo, else a new one."""
    if value and _SANE_REQUEST_ID.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class SuspiciousRequestFilter(logging.Filter):
    """Django logs a request it refuses as suspicious (a foreign Host, say) as an error with a traceback. The
    client's mistake is answered with a 400 and is no error of the service: it is logged as a warning, without
    the traceback, so that an error line with a traceback always means a bug."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.security.") and record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        return True


class RequestLogMiddleware:
    """Tags the request with its id, echoes it, and logs one line when the response is ready."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = sane_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": authenticated_user_id(request),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def authenticated_user_id(request: HttpRequest) -> str | None:
    """The id of the user the request was authenticated as: DRF's (a bearer token's), or the admin's session user.
    Django's session user is lazy, and resolving it costs a request about a tenth of a health check's time in
    Django: it is looked at only when the request carries a session cookie."""
    user = getattr(request, "user", None)
    if user is None or (isinstance(user, SimpleLazyObject) and settings.SESSION_COOKIE_NAME not in request.COOKIES):
        return None
    return str(user.pk) if user.is_authenticated else None
