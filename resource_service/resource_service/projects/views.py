"""Project endpoints: thin views over the selectors and services, scoped to the caller."""

from django.shortcuts import get_object_or_404
from drf_yasg.utils import swagger_auto_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from resource_service.projects import selectors, services
from resource_service.projects.models import Project
from resource_service.projects.serializers import ProjectInputSerializer, ProjectSerializer


class ProjectListView(generics.GenericAPIView):
    serializer_class = ProjectSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no caller
            return Project.objects.none()
        return selectors.project_list(owner_id=self.request.user.id)

    @swagger_auto_schema(responses={200: ProjectSerializer(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ProjectSerializer(page, many=True).data)

    @swagger_auto_schema(request_body=ProjectInputSerializer, responses={201: ProjectSerializer})
    def post(self, request: Request) -> Response:
        serializer = ProjectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = services.project_create(owner_id=request.user.id, **serializer.validated_data)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailView(generics.GenericAPIView):
    serializer_class = ProjectSerializer
    queryset = Project.objects.none()  # for schema generation; requests use get_object()

    def get_object(self):
        # Another user's project is indistinguishable from a missing one.
        return get_object_or_404(selectors.project_list(owner_id=self.request.user.id), pk=self.kwargs["pk"])

    @swagger_auto_schema(responses={200: ProjectSerializer})
    def get(self, request: Request, pk) -> Response:
        return Response(ProjectSerializer(self.get_object()).data)

    @swagger_auto_schema(request_body=ProjectInputSerializer, responses={200: ProjectSerializer})
    def put(self, request: Request, pk) -> Response:
        return self._update(request, partial=False)

    @swagger_auto_schema(request_body=ProjectInputSerializer, responses={200: ProjectSerializer})
    def patch(self, request: Request, pk) -> Response:
        return self._update(request, partial=True)

    @swagger_auto_schema(responses={204: "Deleted"})
    def delete(self, request: Request, pk) -> Response:
        self.get_object().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request: Request, *, partial: bool) -> Response:
        project = self.get_object()
        serializer = ProjectInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        project = services.project_update(project=project, **serializer.validated_data)
        return Response(ProjectSerializer(project).data)
