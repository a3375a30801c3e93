"""One exception handler: domain errors and an unreachable Redis become clear HTTP responses."""

import logging

import redis
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from auth_service.tokens import services as tokens

logger = logging.getLogger(__name__)

BAD_CREDENTIALS = "No active account found with the given credentials"


def exception_handler(exc, context):
    if isinstance(exc, tokens.InvalidCredentials):
        exc = exceptions.AuthenticationFailed(BAD_CREDENTIALS)
    elif isinstance(exc, tokens.InvalidRefreshToken):
        exc = exceptions.AuthenticationFailed("Token is invalid or expired", code="token_not_valid")
    elif isinstance(exc, tokens.AccountLocked):
        exc = exceptions.Throttled(wait=exc.retry_after, detail="Too many failed logins; try again later.")
    elif isinstance(exc, redis.RedisError):
        logger.error("redis unavailable", exc_info=exc)
        return Response({"detail": "Service temporarily unavailable."}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.AuthenticationFailed) and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response
