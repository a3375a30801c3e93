"""Broken object-level authorisation (OWASP API1): with a valid token of their own, an attacker tries every
method on every endpoint that names one of the victim's objects. Each answer is exactly the answer for an
object that does not exist, and nothing of the victim's changes."""

import uuid

import pytest
from conftest import wait_for

METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
# What each method answers on each endpoint for an object the caller cannot see: 404 where the endpoint
# takes the method, 405 where it does not.
EXPECTED = {
    "/api/projects/{project}/": {"POST": 405},
    "/api/projects/{project}/tasks/": {"PUT": 405, "PATCH": 405, "DELETE": 405},
    "/api/projects/{project}/tasks/{task}/": {"POST": 405},
    "/api/projects/{project}/exports/": {"GET": 405, "HEAD": 405, "PUT": 405, "PATCH": 405, "DELETE": 405},
    "/api/exports/{export}/": {"POST": 405, "PUT": 405, "PATCH": 405, "DELETE": 405},
    "/api/exports/{export}/download/": {"POST": 405, "PUT": 405, "PATCH": 405, "DELETE": 405},
}
BODY = {"name": "Taken", "title": "Taken", "format": "csv", "archived": True, "status": "done"}


@pytest.fixture
def victims_export(victim) -> dict:
    export = victim.api.post(f"/api/projects/{victim.project['id']}/exports/", json={"format": "csv"}).json()
    assert wait_for(lambda: victim.api.get(f"/api/exports/{export['id']}/").json()["status"] == "done", timeout=30)
    return victim.api.get(f"/api/exports/{export['id']}/").json()


def test_every_method_on_every_object_endpoint_is_as_for_a_missing_object(attacker, victim, victims_export):
    api = attacker.api()
    own_project = api.post("/api/projects/", json={"name": "Mine"}).json()
    victims = {"project": victim.project["id"], "task": victim.task["id"], "export": victims_export["id"]}
    missing = {name: str(uuid.uuid4()) for name in victims}
    # The victim's task reached through the attacker's own project.
    through_own = {"project": own_project["id"], "task": victim.task["id"], "export": victims_export["id"]}
    export_before = victim.api.get(f"/api/exports/{victims_export['id']}/").json()

    for template, exceptions in EXPECTED.items():
        for method in METHODS:
            expected = exceptions.get(method, 404)
            absent = api.request(method, template.format(**missing), json=BODY)
            for ids in (victims, through_own) if "{task}" in template else (victims,):
                response = api.request(method, template.format(**ids), json=BODY)
                assert response.status_code == absent.status_code == expected, (method, template, response.text)
                assert response.content == absent.content, (method, template)

    victim.assert_untouched()
    assert victim.api.get(f"/api/exports/{victims_export['id']}/").json() == export_before
    assert api.get("/api/projects/").json()["count"] == 1


def test_lists_and_search_show_none_of_the_victims_objects(attacker, victim):
    api = attacker.api()
    assert api.get("/api/projects/").json()["count"] == 0
    assert api.get("/api/projects/?search=Victim").json()["count"] == 0
    assert api.get(f"/api/projects/?search={victim.project['id']}").json()["count"] == 0
    victim.assert_untouched()


def test_a_task_cannot_be_moved_into_or_created_in_the_victims_project(attacker, victim):
    api = attacker.api()
    own_project = api.post("/api/projects/", json={"name": "Mine"}).json()
    task = api.post(f"/api/projects/{own_project['id']}/tasks/", json={"title": "Mine"}).json()
    moved = api.request(
        "PATCH", f"/api/projects/{own_project['id']}/tasks/{task['id']}/", json={"project": victim.project["id"]}
    )
    assert moved.status_code == 200
    assert moved.json()["project"] == own_project["id"]
    created = api.post(f"/api/projects/{victim.project['id']}/tasks/", json={"title": "Planted"})
    assert created.status_code == 404
    victim.assert_untouched()
