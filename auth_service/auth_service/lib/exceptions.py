"""The kinds of domain error the services raise, and the one exception handler that answers them."""

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


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


class Refused(Exception):
    """A request this caller may not make as things stand: a 403 `{"detail": message, "code": code}`."""

    message = "You may not do this."
    code = "permission_denied"


class Conflict(Exception):
    """The request contradicts the state of what it names: a 409 with `message`."""

    message = "The request conflicts with the current state."

    def __init__(self, message: str | None = None):
        super().__init__(message)
        if message is not None:
            self.message = message


class TooManyAttempts(Exception):
    """Refused until `retry_after` seconds have passed: a 429 with Retry-After."""

    message = "Too many attempts; try again later."

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class ConflictError(exceptions.APIException):
    status_code = 409
    default_code = "conflict"


def exception_handler(exc, context):
    if isinstance(exc, InvalidInput):
        exc = exceptions.ValidationError({exc.field: exc.messages})
    elif isinstance(exc, CredentialsRefused):
        exc = exceptions.AuthenticationFailed(exc.message, code=exc.code)
    elif isinstance(exc, Conflict):
        exc = ConflictError(exc.message)
    elif isinstance(exc, Refused):
        exc = exceptions.PermissionDenied({"detail": exc.message, "code": exc.code})
    elif isinstance(exc, TooManyAttempts):
        exc = exceptions.Throttled(wait=exc.retry_after, detail=exc.message)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.AuthenticationFailed) and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response
