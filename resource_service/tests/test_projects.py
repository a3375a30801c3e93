import uuid

import pytest

from resource_service.projects.models import Project
from resource_service.projects.views import ProjectDetailView
from tests.conftest import ALICE, BOB

pytestmark = pytest.mark.django_db

URL = "/api/projects/"


def detail(project_id) -> str:
    return f"{URL}{project_id}/"


def test_create_returns_the_project_owned_by_the_caller(alice_api):
    response = alice_api.post(URL, {"name": "Garden", "description": "Beds"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "name", "description", "archived", "created_at", "updated_at", "task_counts"}
    assert body["task_counts"] == {"todo": 0, "in_progress": 0, "done": 0}
    assert body["name"] == "Garden"
    assert body["archived"] is False
    assert str(Project.objects.get(pk=body["id"]).owner_id) == ALICE


def test_owner_ids_and_timestamps_in_the_body_are_ignored(alice_api):
    forced_id = str(uuid.uuid4())
    response = alice_api.post(
        URL,
        {"name": "Mine", "owner_id": BOB, "id": forced_id, "created_at": "2001-01-01T00:00:00Z"},
    )
    assert response.status_code == 201
    project = Project.objects.get(pk=response.json()["id"])
    assert str(project.owner_id) == ALICE
    assert str(project.pk) != forced_id
    assert project.created_at.year != 2001


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": None}, "name"),
        ({"name": ["a"]}, "name"),
        ({"name": "ok", "archived": "maybe"}, "archived"),
    ],
)
def test_invalid_bodies_get_field_errors(alice_api, body, field):
    response = alice_api.post(URL, body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Project.objects.exists()


def test_malformed_json_is_a_400(alice_api):
    response = alice_api.generic("POST", URL, "{not json", content_type="application/json")
    assert response.status_code == 400


def test_list_shows_only_the_callers_projects(alice_api, bob_api, alice_project):
    Project.objects.create(owner_id=BOB, name="Bob's")
    body = alice_api.get(URL).json()
    assert body["count"] == 1
    assert [project["id"] for project in body["results"]] == [str(alice_project.pk)]
    assert bob_api.get(URL).json()["count"] == 1


def test_another_users_project_is_indistinguishable_from_a_missing_one(bob_api, alice_project):
    missing = bob_api.get(detail(uuid.uuid4()))
    assert missing.status_code == 404
    for method in ("get", "put", "patch", "delete"):
        response = getattr(bob_api, method)(detail(alice_project.pk), {"name": "Taken"})
        assert response.status_code == 404
        assert response.json() == missing.json()
    alice_project.refresh_from_db()
    assert alice_project.name == "Garden"


def test_get_put_patch_delete(alice_api, alice_project):
    assert alice_api.get(detail(alice_project.pk)).json()["name"] == "Garden"

    put = alice_api.put(detail(alice_project.pk), {"name": "Orchard"})
    assert put.status_code == 200
    assert put.json()["description"] == "Beds and paths"
    assert put.json()["name"] == "Orchard"

    patch = alice_api.patch(detail(alice_project.pk), {"archived": True})
    assert patch.status_code == 200
    assert patch.json()["archived"] is True
    assert patch.json()["name"] == "Orchard"

    assert alice_api.put(detail(alice_project.pk), {"description": "no name"}).status_code == 400

    assert alice_api.delete(detail(alice_project.pk)).status_code == 204
    assert not Project.objects.exists()


def test_a_project_deleted_meanwhile_is_a_404_for_an_update(alice_api, alice_project, deleted_meanwhile):
    deleted_meanwhile(ProjectDetailView, "get_object")
    response = alice_api.patch(detail(alice_project.pk), {"name": "Too late"})

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    ("query", "expected_count", "expected_limit"),
    [("", 20, 20), ("?limit=5", 5, 5), ("?limit=1000", 100, 100), ("?limit=abc", 20, 20), ("?limit=-3", 20, 20)],
)
def test_pagination_is_limit_offset_with_a_maximum(alice_api, query, expected_count, expected_limit):
    Project.objects.bulk_create([Project(owner_id=ALICE, name=f"p{i}") for i in range(120)])
    body = alice_api.get(URL + query).json()
    assert body["count"] == 120
    assert len(body["results"]) == expected_count
    assert f"limit={expected_limit}" in body["next"]


@pytest.mark.parametrize("offset", ["-1", "abc", "99999999999999999999999999", "1e9"])
def test_odd_offsets_never_fail(alice_api, alice_project, offset):
    response = alice_api.get(f"{URL}?offset={offset}")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_an_offset_past_the_end_is_an_empty_page(alice_api, alice_project):
    body = alice_api.get(f"{URL}?offset=50").json()
    assert body["results"] == []
    assert body["count"] == 1
    assert body["next"] is None
    assert body["previous"].endswith(f"{URL}?limit=20")


def test_an_empty_list_counts_zero(alice_api, bob_project):
    assert alice_api.get(URL).json() == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize("host", [None, "127.0.0.1:8002", "localhost:8002"])
def test_links_are_on_the_public_url_whatever_host_the_request_reached(alice_api, settings, host):
    settings.PUBLIC_URL = "https://api.example"
    Project.objects.bulk_create([Project(owner_id=ALICE, name=f"p{i}") for i in range(3)])
    extra = {"HTTP_HOST": host} if host else {}
    body = alice_api.get(f"{URL}?limit=1&offset=1", **extra).json()
    assert body["next"] == f"https://api.example{URL}?limit=1&offset=2"
    assert body["previous"] == f"https://api.example{URL}?limit=1"
