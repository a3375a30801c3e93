"""Input and output shapes of the export endpoints."""

from django.urls import reverse
from rest_framework import serializers

from resource_service.exports.models import Export
from resource_service.lib import links


class ExportInputSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=Export.Format.choices)


class ExportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Export
        fields = ["id", "status", "format", "created_at", "finished_at", "download_url", "error"]
        read_only_fields = fields

    def get_download_url(self, export: Export) -> str | None:
        if export.status != Export.Status.DONE:
            return None
        path = reverse("export-download", kwargs={"export_id": export.pk})
        return links.public(path)


class ExportCreatedSerializer(serializers.ModelSerializer):
    class Meta:
        model = Export
        fields = ["id", "status", "format", "created_at"]
        read_only_fields = fields
