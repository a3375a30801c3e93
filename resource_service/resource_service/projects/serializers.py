"""Input and output shapes of the project and task endpoints."""

from datetime import UTC

from drf_yasg.utils import swagger_serializer_method
from rest_framework import serializers

from resource_service.projects.models import Project, Task


def timestamp() -> serializers.DateTimeField:
    # In UTC, as stored; naming the zone spares a thread-local lookup of the current one per value.
    return serializers.DateTimeField(read_only=True, default_timezone=UTC)


class TaskCountsSerializer(serializers.Serializer):
    todo = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    done = serializers.IntegerField()


class ProjectSerializer(serializers.Serializer):
    # Declared field by field rather than as a ModelSerializer, whose model introspection ran on every response.
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True, allow_blank=True)
    archived = serializers.BooleanField(read_only=True)
    created_at = timestamp()
    updated_at = timestamp()
    task_counts = serializers.SerializerMethodField()

    @swagger_serializer_method(serializer_or_field=TaskCountsSerializer)
    def get_task_counts(self, project: Project) -> dict[str, int]:
        # Filled in by selectors.project_list, in the same query as the project.
        return {status: getattr(project, f"tasks_{status}") for status in Task.Status.values}


class ProjectInputSerializer(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=200)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    archived = serializers.BooleanField(required=False)


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


class TaskInputSerializer(serializers.Serializer):
    title = serializers.CharField(min_length=1, max_length=200)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Task.Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Task.Priority.choices, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
