"""Reads of projects, always scoped to their owner."""

import uuid

from django.db.models import QuerySet

from resource_service.projects.models import Project


def project_list(*, owner_id: uuid.UUID | str) -> QuerySet[Project]:
    """The owner's projects; nobody else's ever appear."""
    return Project.objects.filter(owner_id=owner_id)
