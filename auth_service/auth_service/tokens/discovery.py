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
        # The password and refresh grants, as JSON bodies (docs/api.md), the refresh at its own
        # endpoint; there is no authorization endpoint, so no response type, and clients do not authenticate.
        "token_endpoint": f"{base}/token/",
        "grant_types_supported": ["password", "refresh_token"],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
        # An extension member, as RFC 8414 section 2 allows: the algorithm the access and refresh tokens
        # are signed with. No ID tokens are issued, so OpenID's id_token_signing_alg_values_supported is absent.
        "access_token_signing_alg_values_supported": [ALGORITHM],
        "subject_types_supported": ["public"],
        "service_documentation": f"{base}/docs/",
    }
