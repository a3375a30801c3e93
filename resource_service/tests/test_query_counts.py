"""A list request runs the same number of SQL queries for 1 row as for 100."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resource_service.projects.models import Project, Task
from tests.conftest import ALICE

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_project_list_queries_do_not_grow_with_rows(alice_api):
    project = Project.objects.create(owner_id=ALICE, name="p0")
    Task.objects.create(project=project, title="t", status="done")
    one = queries_for(alice_api, "/api/projects/?limit=100")

    projects = Project.objects.bulk_create([Project(owner_id=ALICE, name=f"p{i}") for i in range(1, 100)])
    Task.objects.bulk_create([Task(project=p, title="t", status=s) for p in projects for s in ("todo", "done")])
    hundred = queries_for(alice_api, "/api/projects/?limit=100")

    assert one == hundred == 1  # the page with its task counts and the total


def test_task_list_queries_do_not_grow_with_rows(alice_api, alice_project):
    Task.objects.create(project=alice_project, title="t0")
    url = f"/api/projects/{alice_project.pk}/tasks/?limit=100&ordering=priority"
    one = queries_for(alice_api, url)
    Task.objects.bulk_create([Task(project=alice_project, title=f"t{i}") for i in range(1, 100)])
    hundred = queries_for(alice_api, url)
    assert one == hundred == 1  # the page with the total, its project's owner checked in the same query
