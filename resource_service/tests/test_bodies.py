"""One body policy on every endpoint: a body that is not UTF-8 JSON of a sane size and depth, with each name once,
is a 400 with the usual error shape; any JSON in any field is a 2xx or a 4xx, never a 5xx."""

import json

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from resource_service.projects.models import Project, Task
from tests.conftest import ALICE
from tests.strategies import bodies, holds_every_field, strict_json_values

pytestmark = pytest.mark.django_db

PROJECT = {"name": "Garden", "description": "Beds", "archived": False}
TASK = {"title": "Dig", "description": "", "status": "todo", "priority": "high", "due_date": "2026-03-01"}
# Every endpoint that reads a body: method, path ({project} and {task} are filled in with fresh ones of
# alice's) and its fields with a valid value each.
ENDPOINTS = {
    "project-create": ("POST", "/api/projects/", PROJECT),
    "project-put": ("PUT", "/api/projects/{project}/", PROJECT),
    "project-patch": ("PATCH", "/api/projects/{project}/", PROJECT),
    "task-create": ("POST", "/api/projects/{project}/tasks/", TASK),
    "task-put": ("PUT", "/api/projects/{project}/tasks/{task}/", TASK),
    "task-patch": ("PATCH", "/api/projects/{project}/tasks/{task}/", TASK),
    "export-create": ("POST", "/api/projects/{project}/exports/", {"format": "csv"}),
}


def send(alice_api, name: str, body: bytes) -> tuple[int, dict]:
    method, path, _fields = ENDPOINTS[name]
    project = Project.objects.create(owner_id=ALICE, name="Garden")
    task = Task.objects.create(project=project, title="Dig")
    response = alice_api.generic(
        method, path.format(project=project.pk, task=task.pk), body, content_type="application/json"
    )
    return response.status_code, response.json()


BAD_BODIES = {
    "malformed": b'{"name": ',
    "nested-lists": b"[" * 100_000 + b"]" * 100_000,
    "nested-objects": b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,
    "too-large": b'{"name": "x", "description": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}',
    "not-utf-8": b'{"name": "\xff\xfe", "title": "\xff\xfe"}',
    "duplicate-names": b'{"name": "a", "title": "a", "format": "csv", "name": "b", "title": "b"}',
    "nan": b'{"name": "a", "archived": NaN}',
}


@pytest.mark.parametrize("name", ENDPOINTS)
@pytest.mark.parametrize("case", BAD_BODIES)
def test_a_body_outside_the_policy_is_a_400_with_the_parse_error(alice_api, name, case):
    status, answer = send(alice_api, name, BAD_BODIES[case])
    assert status == 400
    assert answer["detail"].startswith("JSON parse error - ")


def test_a_body_within_the_policy_is_read(alice_api):
    status, answer = send(alice_api, "project-create", b'{"name": "\\u00e9t\\u00e9 \xc3\xa9t\xc3\xa9"}')
    assert (status, answer["name"]) == (201, "\u00e9t\u00e9 \u00e9t\u00e9")


@given(name=st.sampled_from(sorted(ENDPOINTS)), data=st.data())
def test_any_json_in_any_field_of_any_endpoint_is_a_2xx_or_a_4xx(alice_api, name, data):
    body = data.draw(bodies(ENDPOINTS[name][2]))
    status, _answer = send(alice_api, name, json.dumps(body).encode())
    assert status // 100 == 2 if holds_every_field(body, ENDPOINTS[name][2]) else status // 100 in (2, 4)


@given(
    name=st.sampled_from(sorted(ENDPOINTS)), extra=st.dictionaries(st.text(max_size=12), strict_json_values, max_size=3)
)
def test_valid_fields_are_accepted_beside_any_fields_the_endpoint_does_not_read(alice_api, name, extra):
    body = {**extra, **ENDPOINTS[name][2]}
    status, answer = send(alice_api, name, json.dumps(body).encode())
    assert status // 100 == 2, answer
