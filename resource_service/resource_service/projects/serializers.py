"""Input and output shapes of the project and task endpoints.

The output serializers declare their fields, which describe the responses in the OpenAPI schema, and build
the response in `to_representation` directly: DRF's field-by-field loop deep-copied every field on each
response and looked each value up through it, a quarter of a 20-task page. tests/test_serializers.py holds the
two to the same output.
"""

from datetime import UTC, date, datetime

from drf_yasg.utils import swagger_serializer_method
from rest_framework import serializers

from resource_service.lib.fields import BooleanField, StringField
from resource_service.projects.models import Project, Task


def timestamp() -> serializers.DateTimeField:
    return serializers.DateTimeField(read_only=True, default_timezone=UTC)


def utc(value: datetime) -> str:
    """DRF's ISO 8601 form of a timestamp, in UTC with a `Z`."""
    return value.astimezone(UTC).isoformat().removesuffix("+00:00") + "Z"


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


class TaskCountsSerializer(serializers.Serializer):
    todo = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    done = serializers.IntegerField()


class ProjectSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True, allow_blank=True)
    archived = serializers.BooleanField(read_only=True)
    created_at = timestamp()
    updated_at = timestamp()
    task_counts = serializers.SerializerMethodField()

    @swagger_serializer_method(serializer_or_field=TaskCountsSerializer)
    def get_task_counts(self, project: Project) -> dict[str, int]:
        # Read by selectors.project_list in the same query as the project.
        return {status: getattr(project, f"tasks_{status}") for status in Task.Status.values}

    def to_representation(self, project: Project) -> dict:
        return {
            "id": str(project.id),
            "name": project.name,
            "description": project.description,
            "archived": project.archived,
            "created_at": utc(project.created_at),
            "updated_at": utc(project.updated_at),
            "task_counts": self.get_task_counts(project),
        }


class ProjectInputSerializer(serializers.Serializer):
    name = StringField(min_length=1, max_length=200)
    description = StringField(max_length=10_000, required=False, allow_blank=True)
    archived = BooleanField(required=False)


class TaskSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    project = serializers.UUIDField(source="project_id", read_only=True)
    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True, allow_blank=True)
    status = serializers.ChoiceField(choices=Task.Status.choices, read_only=True)
    priority = serializers.ChoiceField(choices=Task.Priority.choices, read_only=True)
    due_date = serializers.DateField(read_only=True, allow_null=True)
    created_at = timestamp()
    updated_at = timestamp()

    def to_representation(self, task: Task) -> dict:
        return {
            "id": str(task.id),
            "project": str(task.project_id),
            "title": task.title,
            "description": task.description,
            "status": task.status,
            "priority": task.priority,
            "due_date": iso_date(task.due_date),
            "created_at": utc(task.created_at),
            "updated_at": utc(task.updated_at),
        }


class TaskInputSerializer(serializers.Serializer):
    title = StringField(min_length=1, max_length=200)
    description = StringField(max_length=10_000, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Task.Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Task.Priority.choices, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
