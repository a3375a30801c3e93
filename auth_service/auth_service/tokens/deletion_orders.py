"""The proof that a deletion message comes from this service: an order signed with the signing key.

Whoever can write to the broker could otherwise queue the resource service's `resource.delete_user_data` for any
user, whose data would be purged and who would be locked out for good. The message carries an order: an RS256
token of type `user_deletion` for the user (`sub`), made out to the resource service, valid ORDER_LIFETIME.
The resource worker verifies it with the public keys it already trusts (docs/cross-service.toml). No verifier
takes it as a bearer token: its type is not `access`.
"""

import time
import uuid
from datetime import timedelta

from auth_service.tokens.signing import sign

TOKEN_TYPE = "user_deletion"  # noqa: S105 (a token type, not a secret)
# Longer than a resource worker is ever expected to be down with the message waiting in its queue.
ORDER_LIFETIME = timedelta(days=7)


def deletion_order(*, user_id: str) -> str:
    """The signed order to delete the data of this (deleted) user."""
    now = int(time.time())
    claims = {
        "sub": user_id,
        "iat": now,
        "exp": now + int(ORDER_LIFETIME.total_seconds()),
        "jti": uuid.uuid4().hex,
        "token_type": TOKEN_TYPE,
    }
    return sign(claims)
