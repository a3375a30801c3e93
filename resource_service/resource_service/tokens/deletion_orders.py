"""The check that a deletion message comes from the auth service: the order it carries.

The auth service signs, with its JWT signing key, a token of type `user_deletion` for the deleted user (`sub`),
made out to this service (docs/cross-service.toml). It is verified here as an access token is, with the public keys
this service already trusts (verification.py), but for its type.
"""

import uuid

import jwt

from resource_service.tokens.verification import verified_claims

TOKEN_TYPE = "user_deletion"  # noqa: S105 (a token type, not a secret)


class RefusedOrder(Exception):
    """The order is missing, forged, expired, or for another user."""


def deletion_order_verify(*, order: object, user_id: str) -> None:
    """Return if the order is the auth service's, for this user and unexpired; otherwise RefusedOrder."""
    if not isinstance(order, str) or not order:
        raise RefusedOrder("no order")
    try:
        verified = verified_claims(order, token_type=TOKEN_TYPE)
        owner = str(uuid.UUID(user_id))
    except (jwt.InvalidTokenError, ValueError, TypeError, AttributeError) as exc:
        raise RefusedOrder(f"{type(exc).__name__}: {exc}") from exc
    if verified["sub"] != owner:
        raise RefusedOrder("an order for another user")
