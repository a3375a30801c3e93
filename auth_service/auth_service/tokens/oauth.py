"""The refresh grant of RFC 6749 at the token endpoint that the discovery metadata names, and RFC 7009's
revocation at its revocation endpoint.

A standard OAuth 2.0 client refreshes with a form-encoded `grant_type=refresh_token` (section 6) and reads the
section 5.1 answer or a section 5.2 error; the JSON form of the contract stays beside it at the same path. The
password grant is not offered this way (RFC 9700, section 2.4). Clients do not authenticate (the metadata's
`token_endpoint_auth_methods_supported` is `none`), so a `client_id` is read as any other unknown parameter:
ignored (section 3.2).
"""

from django.http import QueryDict
from rest_framework.response import Response

from auth_service.lib.exceptions import CredentialsRefused
from auth_service.tokens import services

GRANT_TYPE = "refresh_token"


def _error(error: str, description: str) -> Response:
    return Response({"error": error, "error_description": description}, status=400)


def refresh_grant(form: QueryDict) -> Response:
    """The section 5.1 answer to a form-encoded refresh request, or its section 5.2 error."""
    for name in ("grant_type", "refresh_token", "scope"):
        if len(form.getlist(name)) > 1:
            return _error("invalid_request", f"{name} is given more than once.")
    grant_type = form.get("grant_type")
    if not grant_type:
        return _error("invalid_request", "grant_type is missing.")
    if grant_type != GRANT_TYPE:
        return _error("unsupported_grant_type", f"The only grant at this endpoint is {GRANT_TYPE}.")
    if form.get("scope"):
        return _error("invalid_scope", "The tokens have no scopes.")
    raw = form.get("refresh_token")
    if not raw:
        return _error("invalid_request", "refresh_token is missing.")
    try:
        pair = services.token_refresh(raw=raw)
    except CredentialsRefused:
        return _error("invalid_grant", "The refresh token is invalid, expired or revoked.")
    return Response(
        {
            "access_token": pair["access"],
            "token_type": pair["token_type"],
            "expires_in": pair["expires_in"],
            "refresh_token": pair["refresh"],
        }
    )


def revocation(form: QueryDict) -> Response:
    """RFC 7009: end the session of the token given, a refresh or an access token; 200 whether there was anything
    to end or not (section 2.2), as a client could do nothing else about it."""
    tokens = form.getlist("token")
    if len(tokens) != 1 or not tokens[0]:
        return _error("invalid_request", "Give the token to revoke once.")
    services.token_revoke(raw=tokens[0])
    return Response(status=200)
