"""The check that a deletion message comes from the auth service: the order it carries.

The auth service signs, with its JWT signing key, a token of type `user_deletion` for the deleted user (`sub`),
made out to this service (docs/cross-service.toml). It is verified here with the public keys this service
already trusts for access tokens: RS256 only, the issuer, the audience, an unexpired `exp`.
"""

import uuid

import jwt
from django.conf import settings

from resource_service.tokens import claims, keys

TOKEN_TYPE = "user_deletion"  # noqa: S105 (a token type, not a secret)


class RefusedOrder(Exception):
    """The order is missing, forged, expired, or for another user."""


def deletion_order_verify(*, order: object, user_id: str) -> None:
    """Return if the order is the auth service's, for this user and unexpired; otherwise RefusedOrder."""
    if not isinstance(order, str) or not order:
        raise RefusedOrder("no order")
    try:
        header = jwt.get_unverified_header(order)
        claims.check_header(header)
        public_key = keys.verification_key(header["kid"])
        if public_key is None:
            raise RefusedOrder("signed with an unknown key")
        verified = jwt.decode(
            order,
            public_key,
            algorithms=["RS256"],
            audience=settings.JWT_AUDIENCE,
            issuer=settings.JWT_ISSUER,
            leeway=settings.JWT_LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "jti", "sub", "iss", "aud"]},
        )
        claims.check_claims(verified)
        owner = str(uuid.UUID(user_id))
    except (jwt.PyJWTError, ValueError, TypeError, AttributeError) as exc:
        raise RefusedOrder(f"{type(exc).__name__}: {exc}") from exc
    if verified.get("token_type") != TOKEN_TYPE:
        raise RefusedOrder("not a deletion order")
    if verified["sub"] != owner:
        raise RefusedOrder("an order for another user")
