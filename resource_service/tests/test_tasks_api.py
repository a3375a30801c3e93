import datetime
import uuid

import pytest

from resource_service.projects.models import Task
from resource_service.projects.views import TaskDetailView, TaskListView

pytestmark = pytest.mark.django_db


def tasks_url(project) -> str:
    return f"/api/projects/{project.pk}/tasks/"


def task_url(task) -> str:
    return f"/api/projects/{task.project_id}/tasks/{task.pk}/"


@pytest.fixture
def alice_tasks(alice_project):
    specs = [
        ("Dig beds", "todo", "high", datetime.date(2026, 3, 1)),
        ("Buy seeds", "done", "low", datetime.date(2026, 1, 15)),
        ("Lay paths", "in_progress", "medium", None),
        ("Water seedlings", "todo", "medium", datetime.date(2026, 2, 10)),
    ]
    return [
        Task.objects.create(project=alice_project, title=title, status=status, priority=priority, due_date=due)
        for title, status, priority, due in specs
    ]


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [task["title"] for task in response.json()["results"]]


def test_create_a_task_with_defaults(alice_api, alice_project):
    response = alice_api.post(tasks_url(alice_project), {"title": "Dig"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "project",
        "title",
        "description",
        "status",
        "priority",
        "due_date",
        "created_at",
        "updated_at",
    }
    assert (body["project"], body["status"], body["priority"], body["due_date"]) == (
        str(alice_project.pk),
        "todo",
        "medium",
        None,
    )


def test_create_a_task_with_every_field(alice_api, alice_project):
    body = {
        "title": "Dig",
        "description": "deep",
        "status": "in_progress",
        "priority": "high",
        "due_date": "2026-05-01",
    }
    response = alice_api.post(tasks_url(alice_project), body)
    assert response.status_code == 201
    task = Task.objects.get(pk=response.json()["id"])
    assert (task.status, task.priority, task.due_date) == ("in_progress", "high", datetime.date(2026, 5, 1))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "ok", "status": "blocked"}, "status"),
        ({"title": "ok", "priority": "urgent"}, "priority"),
        ({"title": "ok", "due_date": "2026-02-30"}, "due_date"),
        ({"title": "ok", "due_date": "tomorrow"}, "due_date"),
        ({"title": "ok", "description": "x" * 10_001}, "description"),
        ({"title": ["a list"]}, "title"),
        ({"title": "nul \u0000 byte"}, "title"),
    ],
)
def test_invalid_tasks_get_field_errors(alice_api, alice_project, body, field):
    response = alice_api.post(tasks_url(alice_project), body)
    assert response.status_code == 400
    assert field in response.json()
    assert not Task.objects.exists()


def test_project_ids_owner_and_timestamps_in_a_task_body_are_ignored(alice_api, alice_project, bob_project):
    response = alice_api.post(
        tasks_url(alice_project),
        {"title": "Mine", "project": str(bob_project.pk), "created_at": "2001-01-01T00:00:00Z"},
    )
    assert response.status_code == 201
    task = Task.objects.get(pk=response.json()["id"])
    assert task.project_id == alice_project.pk
    assert task.created_at.year != 2001


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=todo", {"Dig beds", "Water seedlings"}),
        ("priority=medium", {"Lay paths", "Water seedlings"}),
        ("due_before=2026-02-10", {"Buy seeds", "Water seedlings"}),
        ("due_after=2026-02-11", {"Dig beds"}),
        ("due_after=2026-01-01&due_before=2026-02-28", {"Buy seeds", "Water seedlings"}),
        ("search=seed", {"Buy seeds", "Water seedlings"}),
        ("status=todo&priority=high", {"Dig beds"}),
    ],
)
def test_task_filters(alice_api, alice_project, alice_tasks, query, expected):
    response = alice_api.get(f"{tasks_url(alice_project)}?{query}")
    assert set(titles(response)) == expected
    assert response.json()["count"] == len(expected)


def test_the_count_is_of_the_filtered_rows_on_every_page(alice_api, alice_project, alice_tasks):
    body = alice_api.get(f"{tasks_url(alice_project)}?status=todo&limit=1&offset=1").json()
    assert len(body["results"]) == 1
    assert body["count"] == 2
    assert body["next"] is None


@pytest.mark.parametrize("query", ["status=blocked", "priority=urgent", "due_before=soon", "due_after=2026-13-01"])
def test_invalid_filter_values_are_a_400(alice_api, alice_project, alice_tasks, query):
    response = alice_api.get(f"{tasks_url(alice_project)}?{query}")
    assert response.status_code == 400


def test_priority_orders_by_meaning_not_alphabet(alice_api, alice_project, alice_tasks):
    ranked = titles(alice_api.get(f"{tasks_url(alice_project)}?ordering=priority"))
    assert ranked[0] == "Buy seeds"
    assert ranked[-1] == "Dig beds"
    assert titles(alice_api.get(f"{tasks_url(alice_project)}?ordering=-priority"))[0] == "Dig beds"


def test_due_date_ordering(alice_api, alice_project, alice_tasks):
    assert titles(alice_api.get(f"{tasks_url(alice_project)}?ordering=due_date"))[:3] == [
        "Buy seeds",
        "Water seedlings",
        "Dig beds",
    ]


def test_an_unknown_ordering_falls_back_to_the_default(alice_api, alice_project, alice_tasks):
    assert titles(alice_api.get(f"{tasks_url(alice_project)}?ordering=secret_field"))[0] == "Water seedlings"


def test_project_task_counts_follow_the_tasks(alice_api, alice_project, alice_tasks):
    counts = alice_api.get(f"/api/projects/{alice_project.pk}/").json()["task_counts"]
    assert counts == {"todo": 2, "in_progress": 1, "done": 1}
    listed = alice_api.get("/api/projects/").json()["results"][0]["task_counts"]
    assert listed == counts


def test_get_put_patch_delete_a_task(alice_api, alice_tasks):
    task = alice_tasks[0]
    assert alice_api.get(task_url(task)).json()["title"] == "Dig beds"
    put = alice_api.put(task_url(task), {"title": "Dig deeper", "status": "done"})
    assert put.status_code == 200
    assert (put.json()["title"], put.json()["status"], put.json()["priority"]) == ("Dig deeper", "done", "high")
    assert alice_api.put(task_url(task), {"status": "done"}).status_code == 400
    patch = alice_api.patch(task_url(task), {"due_date": None})
    assert patch.status_code == 200
    assert patch.json()["due_date"] is None
    assert alice_api.delete(task_url(task)).status_code == 204
    assert not Task.objects.filter(pk=task.pk).exists()


def test_an_update_moves_updated_at_only(alice_api, alice_tasks):
    task = alice_tasks[0]
    before = alice_api.get(task_url(task)).json()

    patched = alice_api.patch(task_url(task), {"priority": "low"}).json()

    stored = alice_api.get(task_url(task)).json()
    assert stored == patched
    moment = datetime.datetime.fromisoformat
    assert moment(stored["updated_at"]) > moment(before["updated_at"])
    assert (stored["created_at"], stored["title"], stored["priority"]) == (before["created_at"], "Dig beds", "low")
    low_first = titles(alice_api.get(tasks_url(task.project) + "?ordering=priority"))
    assert low_first.index("Dig beds") < low_first.index("Lay paths")  # the stored rank follows the priority


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_task_deleted_meanwhile_is_a_404_for_an_update(alice_api, alice_tasks, deleted_meanwhile, method):
    task = alice_tasks[0]
    deleted_meanwhile(TaskDetailView, "get_object")
    response = getattr(alice_api, method)(task_url(task), {"title": "Too late"})

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert not Task.objects.filter(pk=task.pk).exists()


@pytest.mark.django_db(transaction=True)  # the foreign key is checked when the request's transaction commits
def test_a_task_posted_to_a_project_deleted_meanwhile_is_a_404(alice_api, alice_project, deleted_meanwhile):
    deleted_meanwhile(TaskListView, "owned_project")
    response = alice_api.post(tasks_url(alice_project), {"title": "Too late"})

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert not Task.objects.exists()


def test_another_users_tasks_are_indistinguishable_from_missing_ones(bob_api, alice_project, alice_tasks, bob_project):
    task = alice_tasks[0]
    gone = uuid.uuid4()
    pairs = [
        (tasks_url(alice_project), f"/api/projects/{gone}/tasks/"),
        (task_url(task), f"/api/projects/{alice_project.pk}/tasks/{gone}/"),
        # Alice's task reached through Bob's own project
        (f"/api/projects/{bob_project.pk}/tasks/{task.pk}/", f"/api/projects/{bob_project.pk}/tasks/{gone}/"),
    ]
    for url, missing_url in pairs:
        for method in ("get", "head", "options", "put", "patch", "delete", "post"):
            response = getattr(bob_api, method)(url, {"title": "Taken"})
            missing = getattr(bob_api, method)(missing_url, {"title": "Taken"})
            assert response.status_code == missing.status_code, (method, url)
            assert response.status_code in (404, 405), (method, url)
            assert response.content == missing.content, (method, url)
    for url in (task_url(task), tasks_url(alice_project)):
        assert bob_api.get(url).status_code == 404
    task.refresh_from_db()
    assert task.title == "Dig beds"


def test_another_users_project_is_404_for_head_and_options(bob_api, alice_project):
    assert bob_api.head(f"/api/projects/{alice_project.pk}/").status_code == 404
    assert bob_api.options(f"/api/projects/{alice_project.pk}/").status_code == 404


def test_deleting_a_project_deletes_its_tasks(alice_api, alice_project, alice_tasks):
    assert alice_api.delete(f"/api/projects/{alice_project.pk}/").status_code == 204
    assert not Task.objects.exists()


def test_a_project_without_matching_tasks_is_an_empty_page_for_its_owner_only(alice_api, bob_api, alice_project):
    empty = {"count": 0, "next": None, "previous": None, "results": []}
    assert alice_api.get(tasks_url(alice_project)).json() == empty
    assert alice_api.get(f"{tasks_url(alice_project)}?status=done&offset=40").json() == empty
    assert bob_api.get(tasks_url(alice_project)).status_code == 404
    assert bob_api.get(f"{tasks_url(alice_project)}?status=done").status_code == 404


def test_pages_of_an_ordering_by_a_repeated_value_neither_overlap_nor_skip(alice_api, alice_project):
    tasks = [Task.objects.create(project=alice_project, title=f"t{n}", priority="medium") for n in range(12)]
    seen = []
    for offset in range(0, 12, 5):
        seen += [
            t["id"]
            for t in alice_api.get(f"{tasks_url(alice_project)}?ordering=priority&limit=5&offset={offset}").json()[
                "results"
            ]
        ]
    # Ties in priority are broken by the default ordering: newest first.
    assert seen == [str(task.pk) for task in reversed(tasks)]
