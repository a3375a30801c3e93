"""Reads of projects and tasks, always scoped to their owner."""

import uuid

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from resource_service.projects.models import Project, Task

PRIORITY_RANK = Case(
    When(priority=Task.Priority.LOW, then=Value(0)),
    When(priority=Task.Priority.MEDIUM, then=Value(1)),
    When(priority=Task.Priority.HIGH, then=Value(2)),
    output_field=IntegerField(),
)


def project_list(*, owner_id: uuid.UUID | str) -> QuerySet[Project]:
    """The owner's projects with their task counts by status, computed in the same query."""
    return Project.objects.filter(owner_id=owner_id).annotate(
        **{f"tasks_{status}": Count("tasks", filter=Q(tasks__status=status)) for status in Task.Status.values}
    )


def project_get(*, owner_id: uuid.UUID | str, project_id: uuid.UUID | str) -> Project | None:
    """One of the owner's projects, or None: another user's project is as absent as a missing one."""
    return project_list(owner_id=owner_id).filter(pk=project_id).first()


def task_list(*, project: Project) -> QuerySet[Task]:
    """The tasks of a project, with the rank that orders priorities by meaning."""
    return Task.objects.filter(project=project).annotate(priority_rank=PRIORITY_RANK)
