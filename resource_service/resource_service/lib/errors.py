"""Errors as JSON: Django's error views, and a database or Redis that cannot be reached as a 503."""

import logging

import psycopg2
import redis
from django.db import DatabaseError
from django.http import JsonResponse
from kombu.exceptions import OperationalError as KombuOperationalError
from psycopg2 import errors as pg
from redis.exceptions import OutOfMemoryError

logger = logging.getLogger(__name__)


def _json_error(status_code: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status_code)


def bad_request(request, exception=None) -> JsonResponse:
    return _json_error(400, "Bad request.")


def permission_denied(request, exception=None) -> JsonResponse:
    return _json_error(403, "You do not have permission to perform this action.")


def not_found(request, exception=None) -> JsonResponse:
    return _json_error(404, "Not found.")


def server_error(request) -> JsonResponse:
    return _json_error(500, "Internal server error.")


# PostgreSQL's answers that mean it is not there for us: a connection failure, the server shutting down or
# starting up, no connection slot left, or a statement cancelled by its timeout.
_DATABASE_UNREACHABLE = (
    pg.ConnectionException,
    pg.AdminShutdown,
    pg.CrashShutdown,
    pg.CannotConnectNow,
    pg.TooManyConnections,
    pg.QueryCanceled,
)


def dependency_unreachable(exception: BaseException) -> bool:
    """Whether the database or Redis refused the connection, timed out or dropped it.

    Any other error of theirs (a constraint, a deadlock, a bad query) is a bug or a race that the code must answer
    itself; it is not passed off as the dependency's fault.
    """
    # Redis out of memory refuses writes rather than evict (its policy is noeviction: revocations, lockouts and
    # queued tasks are never dropped to make room).
    if isinstance(exception, redis.ConnectionError | redis.TimeoutError | OutOfMemoryError | KombuOperationalError):
        return True
    cause = exception.__cause__
    if not isinstance(exception, DatabaseError) or cause is None:
        return False
    # psycopg2's own OperationalError and InterfaceError, not a subclass: the client lost or never had the
    # connection, so the server sent no error code.
    return type(cause) in (psycopg2.OperationalError, psycopg2.InterfaceError) or isinstance(
        cause, _DATABASE_UNREACHABLE
    )


class DependencyErrorMiddleware:
    """A database or Redis that cannot be reached is a 503 with Retry-After, not a 500 with a traceback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not dependency_unreachable(exception):
            return None
        # An outage, not a bug: one line naming it, without a traceback.
        logger.error("dependency unavailable", extra={"error": f"{type(exception).__name__}: {exception}"})
        response = _json_error(503, "Service temporarily unavailable.")
        response["Retry-After"] = "5"
        return response
