"""Bad input is a clear 4xx, never a 5xx."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db


def test_deeply_nested_json_is_a_400(alice_api):
    body = "[" * 100_000 + "]" * 100_000
    response = alice_api.generic("POST", "/api/projects/", body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "null", "42", '{"name": "a"', "\xff\xfe"])
def test_bodies_that_are_not_an_object_are_a_400(alice_api, body):
    response = alice_api.generic("POST", "/api/projects/", body, content_type="application/json")
    assert response.status_code == 400


def test_bodies_other_than_json_are_a_415(alice_api):
    response = alice_api.generic("POST", "/api/projects/", "name=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_a_nul_character_in_a_search_is_a_400(alice_api, alice_project):
    assert alice_api.get("/api/projects/", {"search": "a\x00b"}).status_code == 400
    response = alice_api.get(f"/api/projects/{alice_project.pk}/tasks/", {"search": "\x00"})
    assert response.status_code == 400


@pytest.mark.parametrize("archived", ["maybe", "\x00", "1", "True"])
def test_an_archived_filter_other_than_true_or_false_is_a_400(alice_api, alice_project, archived):
    response = alice_api.get("/api/projects/", {"archived": archived})
    assert response.status_code == 400
    assert list(response.json()) == ["archived"]


def test_an_empty_archived_filter_filters_nothing(alice_api, alice_project):
    assert alice_api.get("/api/projects/", {"archived": ""}).json()["count"] == 1


def test_archived_filter(alice_api, alice_project):
    from resource_service.projects.models import Project
    from tests.conftest import ALICE

    Project.objects.create(owner_id=ALICE, name="Old", archived=True)
    assert [p["name"] for p in alice_api.get("/api/projects/?archived=true").json()["results"]] == ["Old"]
    assert [p["name"] for p in alice_api.get("/api/projects/?archived=false").json()["results"]] == ["Garden"]


def test_project_search_and_ordering(alice_api, alice_project):
    from resource_service.projects.models import Project
    from tests.conftest import ALICE

    Project.objects.create(owner_id=ALICE, name="Attic", description="boxes of seeds")
    assert {p["name"] for p in alice_api.get("/api/projects/?search=seeds").json()["results"]} == {"Attic"}
    assert {p["name"] for p in alice_api.get("/api/projects/?search=paths").json()["results"]} == {"Garden"}
    names = [p["name"] for p in alice_api.get("/api/projects/?ordering=name").json()["results"]]
    assert names == ["Attic", "Garden"]
    names = [p["name"] for p in alice_api.get("/api/projects/?ordering=-name").json()["results"]]
    assert names == ["Garden", "Attic"]


@pytest.mark.parametrize("name", ["123", "1e999", "true", "[]", '{"a": 1}'])
def test_a_name_that_is_not_a_json_string_is_a_400_naming_it(alice_api, name):
    response = alice_api.generic("POST", "/api/projects/", f'{{"name": {name}}}', content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"name": ["Not a valid string."]}


def test_a_task_title_that_is_a_number_is_a_400_naming_it(alice_api, alice_project):
    response = alice_api.post(f"/api/projects/{alice_project.pk}/tasks/", {"title": 7}, format="json")
    assert response.status_code == 400
    assert response.json() == {"title": ["Not a valid string."]}


@pytest.mark.parametrize(
    ("search", "found"),
    [("'", {"Tom's"}), ('"', {'"Quoted"'}), ("a,b", {"a,b"}), ('"quoted', {'"Quoted"'}), ("tom's box", set())],
)
def test_search_terms_are_literal(alice_api, search, found):
    from resource_service.projects.models import Project
    from tests.conftest import ALICE

    for name in ["Tom's", '"Quoted"', "a,b", "Plain"]:
        Project.objects.create(owner_id=ALICE, name=name)
    response = alice_api.get("/api/projects/", {"search": search})
    assert {p["name"] for p in response.json()["results"]} == found


SEARCHABLE = "ab AB'\"%_\\,.-"


@given(
    names=st.lists(st.text(alphabet=SEARCHABLE, min_size=1, max_size=6), min_size=1, max_size=5),
    search=st.text(alphabet=SEARCHABLE, max_size=6),
)
def test_a_search_finds_the_rows_that_hold_every_term(alice_api, names, search):
    from resource_service.projects.models import Project
    from tests.conftest import ALICE

    Project.objects.filter(owner_id=ALICE).delete()
    for name in names:
        Project.objects.create(owner_id=ALICE, name=name)
    found = {p["name"] for p in alice_api.get("/api/projects/", {"search": search, "limit": 100}).json()["results"]}
    assert found == {name for name in names if all(term.lower() in name.lower() for term in search.split())}
