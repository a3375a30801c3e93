"""Projects and their tasks. A project belongs to the user id in an access token's `sub`."""

import uuid

from django.db import models
from django.db.models import Case, Value, When


class Project(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner_id = models.UUIDField(db_index=True, help_text="The `sub` of the owner's access tokens.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=10_000)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["owner_id", "-created_at"])]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    class Status(models.TextChoices):
        TODO = "todo"
        IN_PROGRESS = "in_progress"
        DONE = "done"

    class Priority(models.TextChoices):
        LOW = "low"
        MEDIUM = "medium"
        HIGH = "high"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=10_000)
    status = models.CharField(max_length=11, choices=Status.choices, default=Status.TODO)
    priority = models.CharField(max_length=6, choices=Priority.choices, default=Priority.MEDIUM)
    # Orders priorities by meaning rather than alphabetically. Kept by PostgreSQL, so that ordering by it is
    # ordering by a column: the expression, resolved and compiled on every request, was a tenth of a task page.
    priority_rank = models.GeneratedField(
        expression=Case(
            When(priority=Priority.LOW, then=Value(0)),
            When(priority=Priority.MEDIUM, then=Value(1)),
            When(priority=Priority.HIGH, then=Value(2)),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [
            # A project's tasks in the orders of the list (the default order breaking ties), so that a page is read
            # from an index rather than sorted from every task of the project.
            models.Index(fields=["project", "-created_at", "id"]),
            models.Index(fields=["project", "due_date", "-created_at", "id"]),
            models.Index(fields=["project", "priority_rank", "-created_at", "id"]),
            models.Index(fields=["project", "status"]),
        ]

    def __str__(self) -> str:
        return self.title


class TaskCounts(models.Model):
    """A project's tasks counted by status, kept by PostgreSQL (migration 0006's triggers) in the transaction of
    every write of tasks, bulk ones included: a project list reads three integers per project instead of counting
    its tasks. Nothing here writes it; the row is made with its project."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, primary_key=True, related_name="task_counts")
    todo = models.IntegerField(default=0)
    in_progress = models.IntegerField(default=0)
    done = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.todo} todo, {self.in_progress} in progress, {self.done} done"
