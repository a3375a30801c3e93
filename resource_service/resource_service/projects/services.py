"""Writes of projects and tasks."""

import logging
import uuid

from django.db import transaction
from django.utils import timezone

from resource_service.lib.transactions import referring_to
from resource_service.owners.models import DeletedOwner
from resource_service.owners.services import owner_purge_begin, owner_write_begin
from resource_service.projects.models import Project, Task
from resource_service.tokens.deletion_orders import RefusedOrder, deletion_order_verify

logger = logging.getLogger(__name__)


def project_create(*, owner_id: uuid.UUID | str, **fields) -> Project:
    """Create a project owned by owner_id; OwnerDeleted if the owner's account was deleted."""
    with transaction.atomic():
        owner_write_begin(owner_id=owner_id)
        return Project.objects.create(owner_id=owner_id, **fields)


def _update(instance, fields: dict):
    """Write the given fields and a new updated_at in one UPDATE. DoesNotExist when another request deleted the
    row since it was read (save() would call that a database error, which is a 503 here)."""
    fields = {**fields, "updated_at": timezone.now()}
    if not type(instance).objects.filter(pk=instance.pk).update(**fields):
        raise instance.DoesNotExist
    for name, value in fields.items():
        setattr(instance, name, value)
    return instance


def project_update(*, project: Project, **fields) -> Project:
    """Change the given fields of a project."""
    return _update(project, fields)


def project_delete(*, project: Project) -> None:
    """Delete a project with its tasks and exports (their files go with them: exports/signals.py)."""
    project.delete()


def task_create(*, project: Project, **fields) -> Task:
    """Create a task in a project; Project.DoesNotExist if another request deleted the project meanwhile,
    OwnerDeleted if the owner's account was deleted."""
    with referring_to(project):
        owner_write_begin(owner_id=project.owner_id)
        return Task.objects.create(project=project, **fields)


def task_delete(*, task: Task) -> None:
    """Delete a task."""
    task.delete()


def task_update(*, task: Task, **fields) -> Task:
    """Change the given fields of a task."""
    return _update(task, fields)


def user_data_delete_ordered(*, owner_id: str, order: object) -> None:
    """Delete a deleted account's data on the auth service's signed order (tokens/deletion_orders.py).

    A message without a good order (forged, expired, for another user) is refused, and so is one for an owner
    whose data is deleted already (a replay, or a redelivery after the purge committed); each is logged.
    """
    try:
        deletion_order_verify(order=order, user_id=owner_id)
    except RefusedOrder as exc:
        logger.error("deletion order refused", extra={"owner_id": str(owner_id)[:64], "reason": str(exc)})
        return
    if DeletedOwner.objects.filter(owner_id=owner_id).exists():
        logger.warning("deletion order for an owner deleted already", extra={"owner_id": owner_id})
        return
    user_data_delete(owner_id=owner_id)


def user_data_delete(*, owner_id: uuid.UUID | str) -> int:
    """Delete everything the user owns (projects, with their tasks, exports and export files), and refuse any later
    write for the user (see owners/services.py); running it twice is harmless."""
    with transaction.atomic():
        owner_purge_begin(owner_id=owner_id)
        deleted, _ = Project.objects.filter(owner_id=owner_id).delete()
    logger.info("user data deleted", extra={"owner_id": str(owner_id), "rows": deleted})
    return deleted
