"""Errors as JSON: the kinds of domain error the services raise, Django's error views, and unreachable
dependencies as a 503."""

import logging

import psycopg2
import redis
from django.db import DatabaseError
from django.http import JsonResponse
from kombu.exceptions import OperationalError as KombuOperationalError
from psycopg2 import errors as pg
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class InvalidInput(Exception):
    """A domain rule that the request's input breaks: a 400 with `{field: [message, ...]}`. A subclass names
    its field and message; a raise may give the messages or the field instead."""

    field = "detail"
    message = "The request is not valid."

    def __init__(self, *messages: str, field: str | None = None):
        super().__init__(*messages)
        self.messages = list(messages) or [self.message]
        if field is not None:
            self.field = field


class CredentialsRefused(Exception):
    """Credentials or a token that open nothing: a 401 with `message`."""

    message = "Authentication failed."
    code = "authentication_failed"


class TooManyAttempts(Exception):
    """Refused until `retry_after` seconds have passed: a 429 with Retry-After."""

    message = "Too many attempts; try again later."

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def exception_handler(exc, context):
    if isinstance(exc, InvalidInput):
        exc = exceptions.ValidationError({exc.field: exc.messages})
    elif isinstance(exc, CredentialsRefused):
        exc = exceptions.AuthenticationFailed(exc.message, code=exc.code)
    elif isinstance(exc, TooManyAttempts):
        exc = exceptions.Throttled(wait=exc.retry_after, detail=exc.message)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.AuthenticationFailed) and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


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
    if isinstance(exception, redis.ConnectionError | redis.TimeoutError | KombuOperationalError):
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
