import datetime
import os
from pathlib import Path
from typing import Annotated, Literal

import jwt
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.urls import path
from naive.models import Project
from ninja import FilterLookup, FilterSchema, NinjaAPI, Query, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer

PUBLIC_KEY = Path(os.environ["JWT_PUBLIC_KEY_FILE"]).read_text()
AUDIENCE = os.environ.get("JWT_AUDIENCE", "resource-service")
ISSUER = os.environ.get("JWT_ISSUER", "http://localhost:8080/auth")
STATUSES = ("todo", "in_progress", "done")


class JWTBearer(HttpBearer):
    def authenticate(self, request, token):
        try:
            claims = jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], audience=AUDIENCE, issuer=ISSUER)
        except jwt.PyJWTError:
            return None
        return claims["sub"]


api = NinjaAPI(auth=JWTBearer())


class TaskCounts(Schema):
    todo: int
    in_progress: int
    done: int


class ProjectOut(Schema):
    id: int
    name: str
    description: str
    archived: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    task_counts: TaskCounts

    @staticmethod
    def resolve_task_counts(project):
        return {status: getattr(project, f"{status}_count") for status in STATUSES}


class ProjectFilter(FilterSchema):
    archived: bool | None = None
    search: Annotated[str | None, FilterLookup(["name__icontains", "description__icontains"])] = None


class TaskOut(Schema):
    id: int
    project_id: int
    title: str
    description: str
    status: str
    priority: str
    due_date: datetime.date | None
    created_at: datetime.datetime


class TaskFilter(FilterSchema):
    status: str | None = None
    priority: str | None = None
    search: Annotated[str | None, FilterLookup(["title__icontains", "description__icontains"])] = None


@api.get("/projects/", response=list[ProjectOut])
@paginate(LimitOffsetPagination)
def list_projects(request, filters: Query[ProjectFilter]):
    counts = {f"{status}_count": Count("tasks", filter=Q(tasks__status=status)) for status in STATUSES}
    projects = Project.objects.filter(owner__username=request.auth).annotate(**counts).order_by("-created_at")
    return filters.filter(projects)


Ordering = Literal["due_date", "-due_date", "priority", "-priority", "created_at", "-created_at"]


@api.get("/projects/{project_id}/tasks/", response=list[TaskOut])
@paginate(LimitOffsetPagination)
def list_tasks(request, project_id: int, filters: Query[TaskFilter], ordering: Ordering = "-created_at"):
    project = get_object_or_404(Project, pk=project_id, owner__username=request.auth)
    return filters.filter(project.tasks.order_by(ordering, "id"))


urlpatterns = [path("api/", api.urls)]
