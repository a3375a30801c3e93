"""simplejwt's access and refresh tokens, bound to the RS256 backend."""

from rest_framework_simplejwt import tokens

from auth_service.tokens.backend import backend


# simplejwt types its backend as its own TokenBackend class; this one has the same encode() and decode().
class AccessToken(tokens.AccessToken):
    _token_backend = backend  # type: ignore[assignment]


class RefreshToken(tokens.RefreshToken):
    _token_backend = backend  # type: ignore[assignment]
    access_token_class = AccessToken
