"""The metadata of OpenID Connect Discovery 1.0 and RFC 8414, stating only what this service does.

Every URL derives from JWT_ISSUER, the tokens' `iss` and the public address of this service, never from the
request's Host: a verifier that trusts the issuer must find these very endpoints there.
"""

from django.conf import settings

from auth_service.tokens.jwk import ALGORITHM


def metadata() -> dict[str, object]:
    issuer = settings.JWT_ISSUER
    base = issuer.rstrip("/")
    return {
        "issuer": issuer,
        "jwks_uri": f"{base}/.well-known/jwks.json",
        # The refresh grant as RFC 6749 describes it (tokens/oauth.py), at the endpoint that also takes the
        # contract's JSON refresh. The password grant is not advertised (RFC 9700, section 2.4): the login is the
        # contract's JSON POST /auth/token/. There is no authorization endpoint, so no response type, and clients
        # do not authenticate.
        "token_endpoint": f"{base}/token/refresh/",
        "grant_types_supported": ["refresh_token"],
        # RFC 7009: a refresh or an access token sent there, form-encoded, ends its session (the logout).
        "revocation_endpoint": f"{base}/logout/",
        "revocation_endpoint_auth_methods_supported": ["none"],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
        # An extension member, as RFC 8414 section 2 allows: the algorithm the access and refresh tokens
        # are signed with. No ID tokens are issued, so OpenID's id_token_signing_alg_values_supported is absent.
        "access_token_signing_alg_values_supported": [ALGORITHM],
        "subject_types_supported": ["public"],
        "service_documentation": f"{base}/docs/",
    }
