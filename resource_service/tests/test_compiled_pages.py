"""A list page of no filter nor search runs SQL the ORM compiled for its shape before (lib/compiled_pages.py): its
answer is byte-identical to the ORM path's for every shape, another caller's ids take the sentinels' places, and
a filter or search never takes that path."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from resource_service.lib import compiled_pages
from resource_service.projects.models import Project, Task
from tests.conftest import ALICE, BOB

pytestmark = pytest.mark.django_db

PROJECT_ORDERINGS = ["", "name", "-name", "created_at", "-created_at", "updated_at", "-updated_at"]
TASK_ORDERINGS = ["", "due_date", "-due_date", "priority", "-priority", "created_at", "-created_at"]


@pytest.fixture
def orm_path(monkeypatch):
    """Turns the compiled path off: every page through the ORM."""

    def answer(client, url: str) -> bytes:
        with monkeypatch.context() as patched:
            patched.setattr(compiled_pages, "shape_of", lambda view, params: None)
            response = client.get(url)
        assert response.status_code == 200, response.content
        return response.content

    return answer


def compiled_answer(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.content


def seed(owner: str, projects: int, tasks: int) -> Project:
    made = Project.objects.bulk_create([Project(owner_id=owner, name=f"p{i % 3}") for i in range(projects)])
    Task.objects.bulk_create(
        Task(
            project=made[0],
            title=f"t{i}",
            status=Task.Status.values[i % 3],
            priority=Task.Priority.values[i % 3],
            due_date=None if i % 4 == 0 else datetime.date(2026, 1, 1 + i % 5),
        )
        for i in range(tasks)
    )
    return made[0]


@given(
    ordering=st.sampled_from(PROJECT_ORDERINGS),
    limit=st.sampled_from(["", "1", "3", "100"]),
    offset=st.sampled_from(["", "0", "2", "7"]),
)
def test_every_project_page_shape_answers_as_the_orm_path_does(alice_api, bob_api, orm_path, ordering, limit, offset):
    if not Project.objects.filter(owner_id=ALICE).exists():
        seed(ALICE, projects=6, tasks=10)
        seed(BOB, projects=2, tasks=3)
    url = f"/api/projects/?ordering={ordering}&limit={limit}&offset={offset}"
    for client in (alice_api, bob_api):  # the second caller of a shape runs the SQL compiled for the first
        assert compiled_answer(client, url) == orm_path(client, url)


@given(
    ordering=st.sampled_from(TASK_ORDERINGS),
    limit=st.sampled_from(["", "1", "5", "100"]),
    offset=st.sampled_from(["", "0", "4", "30"]),
)
def test_every_task_page_shape_answers_as_the_orm_path_does(alice_api, bob_api, orm_path, ordering, limit, offset):
    projects = {owner: Project.objects.filter(owner_id=owner, tasks__isnull=False).first() for owner in (ALICE, BOB)}
    if projects[ALICE] is None:
        projects = {ALICE: seed(ALICE, projects=1, tasks=25), BOB: seed(BOB, projects=1, tasks=7)}
    for owner, client in ((ALICE, alice_api), (BOB, bob_api)):
        url = f"/api/projects/{projects[owner].pk}/tasks/?ordering={ordering}&limit={limit}&offset={offset}"
        assert compiled_answer(client, url) == orm_path(client, url)


def test_another_callers_project_is_as_absent_on_the_compiled_path(alice_api, bob_api):
    project = seed(ALICE, projects=1, tasks=3)
    url = f"/api/projects/{project.pk}/tasks/?limit=2"
    assert len(alice_api.get(url).json()["results"]) == 2
    assert bob_api.get(url).status_code == 404
    assert bob_api.get("/api/projects/?limit=2").json()["results"] == []


@pytest.mark.parametrize("query", ["?status=done", "?search=p1", "?archived=false", "?ordering=title", "?limit=2&x=1"])
def test_a_filter_search_or_another_parameter_takes_the_orms_path(alice_api, query, monkeypatch):
    project = seed(ALICE, projects=1, tasks=3)
    monkeypatch.setattr(compiled_pages, "page_rows", lambda *args: pytest.fail("compiled path taken"))
    for url in (f"/api/projects/{query}", f"/api/projects/{project.pk}/tasks/{query}"):
        assert alice_api.get(url).status_code in (200, 400)


def test_a_compiled_page_is_one_query_and_no_compilation(alice_api):
    seed(ALICE, projects=2, tasks=0)
    alice_api.get("/api/projects/?limit=7")  # compiles the shape
    with CaptureQueriesContext(connection) as context:
        assert alice_api.get("/api/projects/?limit=7").status_code == 200
    assert len(context.captured_queries) == 1


def test_a_page_whose_sql_would_not_take_each_id_is_refused():
    def build(**ids):
        return Project.objects.all()

    with pytest.raises(ValueError, match="owner_id"):
        compiled_pages.page_rows(("unnarrowed", ""), {"owner_id": ALICE}, build, 0, 20)
