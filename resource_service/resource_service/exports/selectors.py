"""Reads of exports."""

import uuid

from resource_service.exports.models import Export


def export_get(*, owner_id: uuid.UUID | str, export_id: uuid.UUID | str) -> Export | None:
    """The owner's export with this id, or None (another owner's is not told apart from a missing one)."""
    return Export.objects.filter(owner_id=owner_id, pk=export_id).first()
