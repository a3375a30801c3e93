"""Export endpoints: request one, see its state, download its file."""

import logging

from django.http import FileResponse, Http404
from drf_yasg.utils import swagger_auto_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from resource_service.exports import selectors, services
from resource_service.exports.models import Export
from resource_service.exports.serializers import ExportCreatedSerializer, ExportInputSerializer, ExportSerializer
from resource_service.lib.ownership import OwnedObjectView, caller_id
from resource_service.projects.views import OwnedProjectView

logger = logging.getLogger(__name__)


class ExportNotReady(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The export is not done."
    default_code = "export_not_ready"


class ExportFileGone(APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "The export's file is no longer available; request a new export."
    default_code = "export_file_gone"


class ExportCreateView(OwnedProjectView):
    serializer_class = ExportCreatedSerializer
    queryset = Export.objects.none()  # for schema generation

    def get_object(self):
        return self.owned_project()

    @swagger_auto_schema(request_body=ExportInputSerializer, responses={202: ExportCreatedSerializer})
    def post(self, request: Request, project_id) -> Response:
        project = self.owned_project()
        serializer = ExportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        export = services.export_request(project=project, format=serializer.validated_data["format"])
        return Response(ExportCreatedSerializer(export).data, status=status.HTTP_202_ACCEPTED)


class OwnedExportView(OwnedObjectView):
    queryset = Export.objects.none()  # for schema generation; requests use get_object()

    def get_object(self) -> Export:
        export = selectors.export_get(owner_id=caller_id(self.request), export_id=self.kwargs["export_id"])
        if export is None:
            raise Http404
        return export


class ExportDetailView(OwnedExportView):
    serializer_class = ExportSerializer

    def get(self, request: Request, export_id) -> Response:
        return Response(ExportSerializer(self.get_object()).data)


class ExportDownloadView(OwnedExportView):
    serializer_class = ExportSerializer

    @swagger_auto_schema(
        responses={200: "The file, as an attachment", 409: "The export is not done", 410: "The file is gone"}
    )
    def get(self, request: Request, export_id) -> FileResponse:
        export = self.get_object()
        if export.status != Export.Status.DONE:
            raise ExportNotReady()
        try:
            file = export.file.open("rb")
        except FileNotFoundError as exc:
            logger.warning("export file missing", extra={"export_id": str(export.pk), "file": export.file.name})
            raise ExportFileGone() from exc
        content_type = "text/csv" if export.format == Export.Format.CSV else "application/json"
        return FileResponse(
            file,
            as_attachment=True,
            filename=f"tasks-{export.project_id}.{export.format}",
            content_type=content_type,
        )
