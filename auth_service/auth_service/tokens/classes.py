"""simplejwt's access and refresh tokens, bound to the RS256 backend."""

from rest_framework_simplejwt import tokens

from auth_service.tokens.backend import backend


class AccessToken(tokens.AccessToken):
    _token_backend = backend


class RefreshToken(tokens.RefreshToken):
    _token_backend = backend
    access_token_class = AccessToken
