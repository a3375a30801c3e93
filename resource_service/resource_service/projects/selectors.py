"""Reads of projects and tasks, always scoped to their owner."""

import uuid

from django.db.models import F, QuerySet
from django.db.models.expressions import CombinedExpression

from resource_service.projects.models import Project, Task

# Columns rather than a related object, so that rows read through raw() (lib/compiled_pages.py) carry them too. Built
# once: resolving the expressions on each call was a sizeable part of a list's query time.
_PROJECTS_WITH_COUNTS = Project.objects.annotate(
    **{f"tasks_{status}": F(f"task_counts__{status}") for status in Task.Status.values}
)


def project_list(*, owner_id: uuid.UUID | str) -> QuerySet[Project]:
    """The owner's projects with their task counts by status (models.TaskCounts), read in the same query."""
    return _PROJECTS_WITH_COUNTS.filter(owner_id=owner_id)


def project_get(*, owner_id: uuid.UUID | str, project_id: uuid.UUID | str) -> Project | None:
    """One of the owner's projects with its task counts, or None: another user's project is as absent as a
    missing one."""
    return project_list(owner_id=owner_id).filter(pk=project_id).first()


def project_owned(*, owner_id: uuid.UUID | str, project_id: uuid.UUID | str) -> Project | None:
    """One of the owner's projects without its task counts (for its tasks and exports), or None."""
    return Project.objects.filter(owner_id=owner_id, pk=project_id).first()


def task_list(*, owner_id: uuid.UUID | str, project_id: uuid.UUID | str) -> QuerySet[Task]:
    """The tasks of one of the owner's projects; none for another user's project. The owner is checked in the
    same query."""
    return Task.objects.filter(project_id=project_id, project__owner_id=owner_id)


# A task's project's stored counts (models.TaskCounts) in all and by status, read with the task. Built once, as
# lib/pagination.py's window is.
_STORED_TOTALS: dict[str | None, CombinedExpression | F] = {
    None: F("project__task_counts__todo") + F("project__task_counts__in_progress") + F("project__task_counts__done"),
    **{status: F(f"project__task_counts__{status}") for status in Task.Status.values},
}


def task_stored_total(*, status: str | None):
    """An expression of each task of a project: how many tasks of that status (None: in all) the project has, as
    its stored counts say; None for a status that is not one."""
    return _STORED_TOTALS.get(status)
