"""Mass assignment (OWASP API3): fields a client may not set are ignored wherever they are sent, and an
attacker cannot point a write at the victim's objects through them."""

import uuid

import jwt
from conftest import PASSWORD, Gateway

NIL = "00000000-0000-0000-0000-000000000000"


def test_registration_ignores_identity_and_privilege_fields(victim):
    email = f"mallory-{uuid.uuid4().hex[:12]}@example.com"
    body = {
        "email": email,
        "password": PASSWORD,
        "id": victim.id,
        "is_staff": True,
        "is_superuser": True,
        "is_active": False,
        "date_joined": "2001-01-01T00:00:00Z",
    }
    response = Gateway().post("/auth/register/", json=body)
    assert response.status_code == 201
    created = response.json()
    assert set(created) == {"id", "email", "display_name", "date_joined"}
    assert created["id"] != victim.id
    assert not created["date_joined"].startswith("2001")
    # is_active was ignored: the account logs in; its token carries no privilege claim.
    login = Gateway().post("/auth/token/", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200
    claims = jwt.decode(login.json()["access"], options={"verify_signature": False})
    assert claims["sub"] == created["id"]
    assert not {"is_staff", "is_superuser", "roles", "scope"} & set(claims)
    victim.assert_untouched()


def test_profile_edits_change_the_display_name_only(attacker, victim):
    api = attacker.api()
    before = api.get("/auth/me/").json()
    response = api.request(
        "PATCH",
        "/auth/me/",
        json={"display_name": "Mallory", "id": victim.id, "email": victim.account.email, "is_staff": True},
    )
    assert response.status_code == 200
    assert response.json() == {**before, "display_name": "Mallory"}
    victim.assert_untouched()


def test_projects_ignore_owner_id_timestamps_and_counts(attacker, victim):
    api = attacker.api()
    body = {
        "name": "Mine",
        "id": victim.project["id"],
        "owner_id": victim.id,
        "created_at": "2001-01-01T00:00:00Z",
        "updated_at": "2001-01-01T00:00:00Z",
        "task_counts": {"todo": 99, "in_progress": 0, "done": 0},
    }
    created = api.post("/api/projects/", json=body)
    assert created.status_code == 201
    project = created.json()
    assert project["id"] != victim.project["id"]
    assert not project["created_at"].startswith("2001")
    assert project["task_counts"] == {"todo": 0, "in_progress": 0, "done": 0}
    assert api.get("/api/projects/").json()["results"] == [project]
    updated = api.request("PATCH", f"/api/projects/{project['id']}/", json={"owner_id": victim.id, "id": NIL})
    assert updated.status_code == 200
    assert updated.json()["id"] == project["id"]
    assert api.get(f"/api/projects/{project['id']}/").status_code == 200
    victim.assert_untouched()


def test_tasks_ignore_project_id_and_timestamps(attacker, victim):
    api = attacker.api()
    project = api.post("/api/projects/", json={"name": "Mine"}).json()
    body = {"title": "Mine", "project": victim.project["id"], "id": victim.task["id"], "created_at": "2001-01-01"}
    created = api.post(f"/api/projects/{project['id']}/tasks/", json=body)
    assert created.status_code == 201
    assert created.json()["project"] == project["id"]
    assert created.json()["id"] != victim.task["id"]
    victim.assert_untouched()


def test_exports_ignore_status_owner_and_file(attacker, victim):
    api = attacker.api()
    project = api.post("/api/projects/", json={"name": "Mine"}).json()
    body = {"format": "csv", "status": "done", "owner_id": victim.id, "file": "/etc/passwd", "project": NIL}
    requested = api.post(f"/api/projects/{project['id']}/exports/", json=body)
    assert requested.status_code == 202
    assert requested.json()["status"] == "pending"
    assert api.get(f"/api/exports/{requested.json()['id']}/").status_code == 200
    victim.assert_untouched()
