"""The one exception handler: one 401 body, and an object deleted meanwhile as a 404."""

from django.core.exceptions import ObjectDoesNotExist
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

UNAUTHENTICATED = "Authentication credentials were not provided or are not valid."


def exception_handler(exc, context):
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        uniform = exceptions.AuthenticationFailed(UNAUTHENTICATED)
        uniform.auth_header = getattr(exc, "auth_header", None)
        exc = uniform
    elif isinstance(exc, ObjectDoesNotExist):  # gone since the request looked it up: deleted by another one
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
