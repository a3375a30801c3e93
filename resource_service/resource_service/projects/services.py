"""Writes of projects."""

import logging
import uuid

from resource_service.projects.models import Project

logger = logging.getLogger(__name__)


def project_create(*, owner_id: uuid.UUID | str, name: str, description: str = "", archived: bool = False) -> Project:
    """Create a project owned by owner_id."""
    return Project.objects.create(owner_id=owner_id, name=name, description=description, archived=archived)


def project_update(*, project: Project, **fields) -> Project:
    """Change the given fields of a project."""
    for name, value in fields.items():
        setattr(project, name, value)
    project.save(update_fields=[*fields, "updated_at"])
    return project


def user_data_delete(*, owner_id: uuid.UUID | str) -> int:
    """Delete everything the user owns; deleting twice is harmless."""
    deleted, _ = Project.objects.filter(owner_id=owner_id).delete()
    logger.info("user data deleted", extra={"owner_id": str(owner_id), "rows": deleted})
    return deleted
