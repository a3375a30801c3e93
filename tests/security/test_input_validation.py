"""Input validation (OWASP API4, API8): sizes, types, encodings and pagination extremes each get their exact 4xx
(or a sane page), never a 5xx, and a refused write leaves nothing behind."""

import pytest
from conftest import Gateway

FIELD_TOO_LONG = "Ensure this field has no more than {} characters."


@pytest.fixture
def api(attacker) -> Gateway:
    return attacker.api()


@pytest.fixture
def project(api) -> dict:
    return api.post("/api/projects/", json={"name": "Mine"}).json()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"name": "x" * 201}, {"name": [FIELD_TOO_LONG.format(200)]}),
        ({"name": "x", "description": "d" * 10_001}, {"description": [FIELD_TOO_LONG.format(10000)]}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
        ({"name": None}, {"name": ["This field may not be null."]}),
        ({"name": ["x"]}, {"name": ["Not a valid string."]}),
        ({"name": {"x": 1}}, {"name": ["Not a valid string."]}),
        ({"name": "a\x00b"}, {"name": ["Null characters are not allowed."]}),
        ({"name": "x", "archived": "maybe"}, {"archived": ["Must be a valid boolean."]}),
        ({}, {"name": ["This field is required."]}),
        ([{"name": "x"}], {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
        ("x", {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}),
    ],
    ids=[
        "long-name",
        "long-description",
        "blank",
        "null",
        "list",
        "object",
        "nul",
        "bad-bool",
        "empty",
        "array",
        "string",
    ],
)
def test_bad_project_bodies_are_a_400_naming_the_field(api, body, errors):
    response = api.post("/api/projects/", json=body)
    assert response.status_code == 400
    assert response.json() == errors
    assert api.get("/api/projects/").json()["count"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "t", "status": "blocked"}, "status"),
        ({"title": "t", "priority": "urgent"}, "priority"),
        ({"title": "t", "due_date": "2026-02-30"}, "due_date"),
        ({"title": "t", "due_date": "99999-01-01"}, "due_date"),
        ({"title": "t", "due_date": 20260101}, "due_date"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_bad_task_bodies_are_a_400_naming_the_field(api, project, body, field):
    response = api.post(f"/api/projects/{project['id']}/tasks/", json=body)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert api.get(f"/api/projects/{project['id']}/tasks/").json()["count"] == 0


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b'{"name": "\xff\xfe"}', "application/json", 400),
        ('{"name": "x"}'.encode("utf-16"), "application/json", 400),
        (b"{not json", "application/json", 400),
        (b"[" * 5000 + b"]" * 5000, "application/json", 400),
        (b'{"name": "x", "archived": ' + b"9" * 5000 + b"}", "application/json", 400),
        (b"name=x", "application/x-www-form-urlencoded", 415),
        (b'{"name": "x"}', "text/plain", 415),
        (b'{"name": "x"}', "", 415),
    ],
    ids=["invalid-utf8", "utf16", "not-json", "deep-nesting", "huge-number", "form", "text", "no-type"],
)
def test_bodies_that_are_not_json_objects_in_utf8_are_refused(api, data, content_type, status):
    response = api.post("/api/projects/", data=data, headers={"Content-Type": content_type})
    assert response.status_code == status
    assert set(response.json()) == {"detail"}
    assert api.get("/api/projects/").json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "count", "returned"),
    [
        ("limit=0", 3, 3),
        ("limit=-1", 3, 3),
        ("limit=1", 3, 1),
        ("limit=1000", 3, 3),
        ("limit=99999999999999999999", 3, 3),
        ("limit=1.5", 3, 3),
        ("offset=-5", 3, 3),
        ("offset=2", 3, 1),
        ("offset=3", 3, 0),
        ("offset=99999999999999999999999", 3, 0),
        ("offset=1e3", 3, 3),
        ("ordering=owner_id", 3, 3),
        ("ordering=-nothing", 3, 3),
    ],
)
def test_pagination_and_ordering_extremes_give_a_sane_page(api, query, count, returned):
    for name in ("a", "b", "c"):
        api.post("/api/projects/", json={"name": name})
    response = api.get(f"/api/projects/?{query}")
    assert response.status_code == 200
    assert response.json()["count"] == count
    assert len(response.json()["results"]) == returned


def test_the_page_size_is_capped_at_100(api):
    for n in range(101):
        assert api.post("/api/projects/", json={"name": f"p{n}"}).status_code == 201
    body = api.get("/api/projects/?limit=1000").json()
    assert body["count"] == 101
    assert len(body["results"]) == 100
    assert "limit=100" in body["next"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("status=blocked", "status"), ("priority=urgent", "priority"), ("due_before=soon", "due_before")],
)
def test_bad_filters_are_a_400_naming_the_filter(api, project, query, field):
    response = api.get(f"/api/projects/{project['id']}/tasks/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_an_archived_filter_other_than_true_or_false_is_a_400(api, project):
    response = api.get("/api/projects/?archived=maybe")
    assert response.status_code == 400
    assert list(response.json()) == ["archived"]


def test_a_nul_in_a_search_is_a_400(api):
    response = api.get("/api/projects/?search=a%00b")
    assert response.status_code == 400
    assert response.json() == {"search": ["Null characters are not allowed."]}


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/projects/1/", 404), ("/api/exports/'%20OR%201=1%20--/", 404), ("/api/projects/1/tasks/x/", 404)],
)
def test_a_path_id_that_is_not_a_uuid_is_a_404(api, path, status):
    response = api.get(path)
    assert response.status_code == status
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "a" * 250 + "@example.com", "password": "a long passphrase here"}, "email"),
        ({"email": "not-an-email", "password": "a long passphrase here"}, "email"),
        ({"email": "x@example.com", "password": "p" * 5000}, "password"),
        ({"email": ["x@example.com"], "password": "a long passphrase here"}, "email"),
    ],
)
def test_bad_registrations_are_a_400_naming_the_field(body, field):
    response = Gateway().post("/auth/register/", json=body)
    assert response.status_code == 400
    assert field in response.json()


def test_a_uri_too_long_is_a_json_414(anonymous):
    response = anonymous.get("/api/projects/?q=" + "a" * 10_000)
    assert response.status_code == 414
    assert response.json() == {"detail": "Request URI too long."}


def test_a_body_too_large_is_a_json_413(anonymous):
    response = anonymous.post("/api/projects/", data=b"{" + b" " * 2_000_000 + b"}")
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large."}


def test_a_header_too_large_is_a_json_400(anonymous):
    response = anonymous.get("/api/healthz", headers={"X-Padding": "a" * 20_000})
    assert response.status_code == 400
    assert response.json() == {"detail": "Request header too large."}
