"""Input and output shapes of the project and task endpoints."""

from drf_yasg.utils import swagger_serializer_method
from rest_framework import serializers

from resource_service.projects.models import Project, Task


class TaskCountsSerializer(serializers.Serializer):
    todo = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    done = serializers.IntegerField()


class ProjectSerializer(serializers.ModelSerializer):
    description = serializers.CharField(read_only=True, allow_blank=True)
    task_counts = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["id", "name", "description", "archived", "created_at", "updated_at", "task_counts"]
        read_only_fields = fields

    @swagger_serializer_method(serializer_or_field=TaskCountsSerializer)
    def get_task_counts(self, project: Project) -> dict[str, int]:
        # Filled in by selectors.project_list, in the same query as the project.
        return {status: getattr(project, f"tasks_{status}") for status in Task.Status.values}


class ProjectInputSerializer(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=200)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    archived = serializers.BooleanField(required=False)


class TaskSerializer(serializers.ModelSerializer):
    description = serializers.CharField(read_only=True, allow_blank=True)

    class Meta:
        model = Task
        fields = ["id", "project", "title", "description", "status", "priority", "due_date", "created_at", "updated_at"]
        read_only_fields = fields


class TaskInputSerializer(serializers.Serializer):
    title = serializers.CharField(min_length=1, max_length=200)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Task.Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Task.Priority.choices, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
