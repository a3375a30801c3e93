"""Project and task endpoints: thin views over the selectors and services, scoped to the caller."""

from collections.abc import Callable
from typing import cast

from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import SimpleLazyObject
from drf_yasg import openapi
from drf_yasg.utils import swagger_auto_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from resource_service.lib.ownership import OwnedObjectView, caller_id
from resource_service.projects import selectors, services
from resource_service.projects.filters import FilterBackend, OrderingFilter, ProjectFilter, SearchFilter, TaskFilter
from resource_service.projects.models import Project, Task
from resource_service.projects.serializers import (
    ProjectInputSerializer,
    ProjectSerializer,
    TaskInputSerializer,
    TaskSerializer,
)

PROJECT_EXAMPLE = {
    "application/json": {
        "id": "0b6f8a52-52f4-4f0e-9a1c-7f1f1f0d6a11",
        "name": "Garden",
        "description": "Beds and paths",
        "archived": False,
        "created_at": "2026-01-01T12:00:00Z",
        "updated_at": "2026-01-01T12:00:00Z",
        "task_counts": {"todo": 2, "in_progress": 1, "done": 0},
    }
}
TASK_EXAMPLE = {
    "application/json": {
        "id": "6c0d1b1e-8f0e-4bb1-9d57-3b9f6e1c2a22",
        "project": "0b6f8a52-52f4-4f0e-9a1c-7f1f1f0d6a11",
        "title": "Dig beds",
        "description": "",
        "status": "todo",
        "priority": "high",
        "due_date": "2026-03-01",
        "created_at": "2026-01-01T12:00:00Z",
        "updated_at": "2026-01-01T12:00:00Z",
    }
}


def lazy(build: Callable[[], QuerySet]) -> QuerySet:
    """A queryset built on its first use: the pagination may answer from compiled SQL without it."""
    return cast(QuerySet, SimpleLazyObject(build))


class OwnedProjectView(OwnedObjectView):
    """A view under one of the caller's projects (the URL's project_id)."""

    def owned_project(self) -> Project:
        project = selectors.project_owned(owner_id=caller_id(self.request), project_id=self.kwargs["project_id"])
        if project is None:
            raise Http404
        return project


class ProjectListView(generics.GenericAPIView):
    serializer_class = ProjectSerializer
    filter_backends = [FilterBackend, SearchFilter, OrderingFilter]
    filterset_class = ProjectFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["-created_at", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no caller
            return Project.objects.none()
        return self.queryset_for(**self.page_ids())

    def page_ids(self) -> dict:
        return {"owner_id": caller_id(self.request)}

    def queryset_for(self, *, owner_id):
        return selectors.project_list(owner_id=owner_id)

    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(lazy(lambda: self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(ProjectSerializer(page, many=True).data)

    @swagger_auto_schema(
        request_body=ProjectInputSerializer,
        responses={201: openapi.Response("The new project", ProjectSerializer, examples=PROJECT_EXAMPLE)},
    )
    def post(self, request: Request) -> Response:
        serializer = ProjectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.project_create(owner_id=caller_id(request), **serializer.validated_data)
        project = selectors.project_get(owner_id=caller_id(request), project_id=created.pk)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailView(OwnedObjectView):
    serializer_class = ProjectSerializer
    queryset = Project.objects.none()  # for schema generation; requests use get_object()
    lookup_url_kwarg = "project_id"

    def get_object(self) -> Project:
        project = selectors.project_get(owner_id=caller_id(self.request), project_id=self.kwargs["project_id"])
        if project is None:
            raise Http404
        return project

    @swagger_auto_schema(responses={200: openapi.Response("The project", ProjectSerializer, examples=PROJECT_EXAMPLE)})
    def get(self, request: Request, project_id) -> Response:
        return Response(ProjectSerializer(self.get_object()).data)

    @swagger_auto_schema(request_body=ProjectInputSerializer, responses={200: ProjectSerializer})
    def put(self, request: Request, project_id) -> Response:
        return self._update(request, partial=False)

    @swagger_auto_schema(request_body=ProjectInputSerializer, responses={200: ProjectSerializer})
    def patch(self, request: Request, project_id) -> Response:
        return self._update(request, partial=True)

    @swagger_auto_schema(responses={204: "Deleted, with its tasks and exports"})
    def delete(self, request: Request, project_id) -> Response:
        services.project_delete(project=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request: Request, *, partial: bool) -> Response:
        project = self.get_object()
        serializer = ProjectInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.project_update(project=project, **serializer.validated_data)
        return Response(ProjectSerializer(self.get_object()).data)


class TaskListView(OwnedProjectView):
    serializer_class = TaskSerializer
    filter_backends = [FilterBackend, SearchFilter, OrderingFilter]
    filterset_class = TaskFilter
    search_fields = ["title", "description"]
    ordering_fields = ["due_date", "priority", "created_at"]
    ordering_map = {"priority": "priority_rank"}
    ordering = ["-created_at", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()
        return self.queryset_for(**self.page_ids())

    def page_ids(self) -> dict:
        return {"owner_id": caller_id(self.request), "project_id": self.kwargs["project_id"]}

    def queryset_for(self, *, owner_id, project_id):
        return selectors.task_list(owner_id=owner_id, project_id=project_id)

    def get_object(self) -> Project:
        return self.owned_project()

    def stored_total(self):
        """The page's total from the project's stored counts when no filter but the status applies (the pagination
        then reads the page's rows only, in the order of an index); None, to count the filtered rows."""
        params = self.request.query_params
        if any(params.get(name) for name in ("priority", "due_before", "due_after", "search")):
            return None
        return selectors.task_stored_total(status=params.get("status") or None)

    def get(self, request: Request, project_id) -> Response:
        page = self.paginate_queryset(lazy(lambda: self.filter_queryset(self.get_queryset())))
        if not page:
            self.owned_project()  # no task at all may mean no such project of the caller's: a 404
        return self.get_paginated_response(TaskSerializer(page, many=True).data)

    @swagger_auto_schema(
        request_body=TaskInputSerializer,
        responses={201: openapi.Response("The new task", TaskSerializer, examples=TASK_EXAMPLE)},
    )
    def post(self, request: Request, project_id) -> Response:
        project = self.owned_project()
        serializer = TaskInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = services.task_create(project=project, **serializer.validated_data)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)


class TaskDetailView(OwnedProjectView):
    serializer_class = TaskSerializer
    queryset = Task.objects.none()  # for schema generation; requests use get_object()

    def get_object(self) -> Task:
        tasks = selectors.task_list(owner_id=caller_id(self.request), project_id=self.kwargs["project_id"])
        task = tasks.filter(pk=self.kwargs["task_id"]).first()
        if task is None:
            raise Http404
        return task

    @swagger_auto_schema(responses={200: openapi.Response("The task", TaskSerializer, examples=TASK_EXAMPLE)})
    def get(self, request: Request, project_id, task_id) -> Response:
        return Response(TaskSerializer(self.get_object()).data)

    @swagger_auto_schema(request_body=TaskInputSerializer, responses={200: TaskSerializer})
    def put(self, request: Request, project_id, task_id) -> Response:
        return self._update(request, partial=False)

    @swagger_auto_schema(request_body=TaskInputSerializer, responses={200: TaskSerializer})
    def patch(self, request: Request, project_id, task_id) -> Response:
        return self._update(request, partial=True)

    @swagger_auto_schema(responses={204: "Deleted"})
    def delete(self, request: Request, project_id, task_id) -> Response:
        services.task_delete(task=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request: Request, *, partial: bool) -> Response:
        task = self.get_object()
        serializer = TaskInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return Response(TaskSerializer(services.task_update(task=task, **serializer.validated_data)).data)
