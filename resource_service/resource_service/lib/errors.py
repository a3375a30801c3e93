"""One exception handler: DRF's, with a single body for every authentication failure."""

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

UNAUTHENTICATED = "Authentication credentials were not provided or are not valid."


def exception_handler(exc, context):
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        uniform = exceptions.AuthenticationFailed(UNAUTHENTICATED)
        uniform.auth_header = getattr(exc, "auth_header", None)
        exc = uniform
    return drf_exception_handler(exc, context)
