"""Deleted owners, and the lock that orders every write of an owner's data against the purge of that data.

An account is deleted in the auth service; its access tokens stay valid here until the revocation reaches this
service (about a second) or they expire. So that nothing written with them in that moment outlives the purge,
the purge writes a tombstone, and every write that adds rows for an owner first takes the owner's lock in
shared mode and then looks for the tombstone; the purge takes the same lock exclusively. A write that began
before the purge is committed before the purge reads what to delete; a write that comes after it finds the
tombstone and is refused like a revoked token.
"""

import uuid

from django.db import connection
from rest_framework.exceptions import AuthenticationFailed

from resource_service.owners.models import DeletedOwner


class OwnerDeleted(AuthenticationFailed):
    """The token's owner was deleted: the token is as good as revoked."""


def _lock_key(owner_id: uuid.UUID | str) -> int:
    # An advisory lock takes a signed 64-bit key: the first half of the owner's UUID. Two owners that share it
    # only wait for each other's purge.
    return int.from_bytes(uuid.UUID(str(owner_id)).bytes[:8], "big", signed=True)


def _lock(owner_id: uuid.UUID | str, statement: str) -> None:
    """Take the owner's lock until the surrounding transaction ends (outside one it would end at once)."""
    if not connection.in_atomic_block:
        raise RuntimeError("the owner's lock belongs inside the write's or the purge's transaction")
    with connection.cursor() as cursor:
        cursor.execute(statement, [_lock_key(owner_id)])


def owner_write_begin(*, owner_id: uuid.UUID | str) -> None:
    """In the transaction of a write that adds rows for the owner: wait for a purge of the owner's data in
    progress, then refuse if the owner is deleted. The lock is held until the transaction ends."""
    _lock(owner_id, "SELECT pg_advisory_xact_lock_shared(%s)")
    # A statement of its own, after the lock: its snapshot sees a purge that committed while this one waited.
    if DeletedOwner.objects.filter(owner_id=owner_id).exists():
        raise OwnerDeleted


def owner_purge_begin(*, owner_id: uuid.UUID | str) -> None:
    """In the purge's transaction: wait for the owner's writes in progress, and record the owner as deleted so
    that none can follow."""
    _lock(owner_id, "SELECT pg_advisory_xact_lock(%s)")
    DeletedOwner.objects.get_or_create(owner_id=owner_id)
