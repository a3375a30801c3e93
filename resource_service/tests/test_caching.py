"""Nothing answered to a bearer token may be stored by a cache: every answer here carries a user's data."""

import pytest

from tests.conftest import ALICE

pytestmark = pytest.mark.django_db


def test_lists_objects_and_export_files_are_never_stored(alice_api, media, django_capture_on_commit_callbacks):
    from resource_service.exports import services as exports
    from resource_service.projects.models import Project

    project = Project.objects.create(owner_id=ALICE, name="Garden")
    export = exports.export_request(project=project, format="csv")
    exports.export_run(export_id=export.pk)
    for path in (
        "/api/projects/",
        f"/api/projects/{project.pk}/",
        f"/api/projects/{project.pk}/tasks/",
        f"/api/exports/{export.pk}/",
        f"/api/exports/{export.pk}/download/",
    ):
        response = alice_api.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "no-store", path
    assert alice_api.get("/api/projects/nothing-here/").get("Cache-Control") == "no-store"


def test_an_answer_without_a_token_is_left_alone(client):
    assert client.get("/api/healthz").get("Cache-Control") is None
