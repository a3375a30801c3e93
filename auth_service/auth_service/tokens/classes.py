"""simplejwt's access and refresh tokens (type, lifetime, `jti`, `exp`, `iat`), signed by signing.sign."""

from rest_framework_simplejwt import tokens

from auth_service.tokens.signing import signer


class AccessToken(tokens.AccessToken):
    token_backend = signer


class RefreshToken(tokens.RefreshToken):
    token_backend = signer
    access_token_class = AccessToken
