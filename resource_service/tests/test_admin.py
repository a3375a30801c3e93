"""The admin: projects, tasks and exports with search and filters, without a query per row."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resource_service.exports.models import Export
from resource_service.projects.models import Project, Task
from tests.conftest import ALICE, BOB

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "an admin passphrase"))
    return client


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url", ["/api/admin/projects/project/", "/api/admin/projects/task/"])
def test_changelists_cost_the_same_for_many_rows(staff_client, url):
    project = Project.objects.create(owner_id=ALICE, name="p")
    Task.objects.create(project=project, title="t")
    few = queries_for(staff_client, url)
    projects = Project.objects.bulk_create([Project(owner_id=BOB, name=f"p{i}") for i in range(50)])
    Task.objects.bulk_create([Task(project=p, title="t") for p in projects])
    assert queries_for(staff_client, url) == few


@pytest.mark.parametrize(
    ("url", "found"),
    [
        ("/api/admin/projects/project/?q=garden&archived__exact=0", {"Garden", "Gardening"}),
        ("/api/admin/projects/task/?status__exact=todo&priority__exact=high&q=dig", {"Dig"}),
        ("/api/admin/projects/task/?due_date__gte=2026-01-01", {"Sow"}),
        (f"/api/admin/projects/task/?q={ALICE}", {"Dig", "Sow"}),
        ("/api/admin/exports/export/?status__exact=failed", {"csv"}),
    ],
)
def test_changelists_search_and_filter_find_the_rows(staff_client, url, found):
    garden = Project.objects.create(owner_id=ALICE, name="Garden")
    Project.objects.create(owner_id=ALICE, name="Attic", archived=True)
    Project.objects.create(owner_id=BOB, name="Gardening", archived=False).tasks.create(title="Dig deep")
    Task.objects.create(project=garden, title="Dig", priority="high")
    Task.objects.create(project=garden, title="Sow", priority="low", status="done", due_date="2026-03-01")
    Export.objects.create(owner_id=ALICE, project=garden, format="csv", status="failed")
    Export.objects.create(owner_id=ALICE, project=garden, format="json", status="done")
    listed = staff_client.get(url).context["cl"].result_list
    assert {getattr(row, "name", None) or getattr(row, "title", None) or row.format for row in listed} == found


def test_a_project_page_shows_its_tasks_inline(staff_client):
    project = Project.objects.create(owner_id=ALICE, name="Garden")
    Task.objects.create(project=project, title="Dig beds")
    page = staff_client.get(f"/api/admin/projects/project/{project.pk}/change/")
    assert page.status_code == 200
    assert b"Dig beds" in page.content
    assert str(project.owner_id).encode() in page.content


def exported(project: Project):
    """A finished export of the project, with its file written."""
    from resource_service.exports import services as exports

    export = exports.export_request(project=project, format="csv")
    exports.export_run(export_id=export.pk)
    export.refresh_from_db()
    return export


def delete_in_admin(staff_client, changelist: str, pk, how: str):
    """Delete one object from its page, or from the changelist's "delete selected" action."""
    if how == "one":
        return staff_client.post(f"{changelist}{pk}/delete/", {"post": "yes"})
    return staff_client.post(changelist, {"action": "delete_selected", "_selected_action": [str(pk)], "post": "yes"})


@pytest.mark.parametrize("how", ["one", "selected"])
def test_deleting_projects_in_the_admin_deletes_their_export_files(
    staff_client, media, how, django_capture_on_commit_callbacks
):
    project = Project.objects.create(owner_id=ALICE, name="Garden")
    export = exported(project)
    assert (media / export.file.name).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = delete_in_admin(staff_client, "/api/admin/projects/project/", project.pk, how)
    assert response.status_code == 302
    assert not Project.objects.exists()
    assert not (media / export.file.name).exists()


@pytest.mark.parametrize("how", ["one", "selected"])
def test_deleting_exports_in_the_admin_deletes_their_files(
    staff_client, media, how, django_capture_on_commit_callbacks
):
    from resource_service.exports.models import Export

    export = exported(Project.objects.create(owner_id=ALICE, name="Garden"))
    with django_capture_on_commit_callbacks(execute=True):
        response = delete_in_admin(staff_client, "/api/admin/exports/export/", export.pk, how)
    assert response.status_code == 302
    assert not Export.objects.exists()
    assert not (media / export.file.name).exists()
