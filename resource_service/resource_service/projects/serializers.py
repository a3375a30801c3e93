"""Input and output shapes of the project endpoints."""

from rest_framework import serializers

from resource_service.projects.models import Project


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "name", "description", "archived", "created_at", "updated_at"]
        read_only_fields = fields


class ProjectInputSerializer(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=200)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    archived = serializers.BooleanField(required=False)
