"""Each project's task counts are kept by PostgreSQL (migration 0006): after any write of tasks, one by one or in
bulk, by the API or the ORM, moved between projects, deleted with their project, concurrent ones included, the
stored counts are what counting the tasks gives."""

import threading

import pytest
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from resource_service.projects.models import Project, Task, TaskCounts
from tests.conftest import ALICE

STATUSES = Task.Status.values


def recounted() -> dict[str, dict[str, int]]:
    counts = {f"n_{status}": Count("tasks", filter=Q(tasks__status=status)) for status in STATUSES}
    return {
        str(project.pk): {status: getattr(project, f"n_{status}") for status in STATUSES}
        for project in Project.objects.annotate(**counts)
    }


def stored() -> dict[str, dict[str, int]]:
    return {
        str(row.project_id): {status: getattr(row, status) for status in STATUSES} for row in TaskCounts.objects.all()
    }


statuses = st.sampled_from(STATUSES)
writes = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 1), statuses),
    st.tuples(st.just("bulk create"), st.integers(0, 1), st.lists(statuses, max_size=5)),
    st.tuples(st.just("save"), st.integers(0, 20), statuses),
    st.tuples(st.just("update where"), statuses, statuses),
    st.tuples(st.just("move"), st.integers(0, 20), st.integers(0, 1)),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("delete where"), statuses),
    st.tuples(st.just("delete project"), st.integers(0, 1)),
)


def apply(write: tuple, projects: list[Project]) -> None:
    kind, *args = write
    tasks = list(Task.objects.filter(project__in=projects).order_by("created_at", "id"))
    if kind == "create":
        Task.objects.create(project=projects[args[0]], title="t", status=args[1])
    elif kind == "bulk create":
        Task.objects.bulk_create([Task(project=projects[args[0]], title="t", status=s) for s in args[1]])
    elif kind == "save" and tasks:
        task = tasks[args[0] % len(tasks)]
        task.status = args[1]
        task.save()
    elif kind == "update where":
        Task.objects.filter(project__in=projects, status=args[0]).update(status=args[1])
    elif kind == "move" and tasks:
        Task.objects.filter(pk=tasks[args[0] % len(tasks)].pk).update(project=projects[args[1]])
    elif kind == "delete" and tasks:
        tasks[args[0] % len(tasks)].delete()
    elif kind == "delete where":
        Task.objects.filter(project__in=projects, status=args[0]).delete()
    elif kind == "delete project":
        projects[args[0]].delete()
        projects[args[0]] = Project.objects.create(owner_id=ALICE, name="Another")


@pytest.mark.django_db
@given(st.lists(writes, max_size=12))
def test_the_stored_counts_are_a_recount_after_any_writes(sequence):
    projects = [Project.objects.create(owner_id=ALICE, name=name) for name in ("One", "Two")]
    for write in sequence:
        apply(write, projects)
        assert stored() == recounted(), write


def test_a_new_project_has_its_counts_at_zero(db):
    project = Project.objects.create(owner_id=ALICE, name="Garden")
    assert stored()[str(project.pk)] == {"todo": 0, "in_progress": 0, "done": 0}


def test_the_lists_show_the_stored_counts(alice_api, alice_project):
    Task.objects.bulk_create([Task(project=alice_project, title="t", status=s) for s in ["todo", "done", "done"]])
    expected = {"todo": 1, "in_progress": 0, "done": 2}
    assert alice_api.get("/api/projects/").json()["results"][0]["task_counts"] == expected
    assert alice_api.get(f"/api/projects/{alice_project.pk}/").json()["task_counts"] == expected


@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_of_one_projects_tasks_leave_a_recount():
    project = Project.objects.create(owner_id=ALICE, name="Busy")
    tasks = Task.objects.bulk_create([Task(project=project, title=f"t{i}") for i in range(40)])
    start = threading.Barrier(4)

    def writer(number: int) -> None:
        try:
            start.wait(10)
            for i, task in enumerate(tasks[number::4]):
                with transaction.atomic():
                    Task.objects.create(project=project, title="new", status=STATUSES[i % 3])
                    Task.objects.filter(pk=task.pk).update(status=STATUSES[(i + number) % 3])
                    if i % 3 == 0:
                        Task.objects.filter(pk=task.pk).delete()
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)
    assert Task.objects.filter(project=project).count() == 40 + 40 - 16
    assert stored() == recounted()


def task_page(client, project: Project, query: str) -> tuple[dict, str]:
    """The page's body and its one SQL query."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(f"/api/projects/{project.pk}/tasks/?limit=5{query}")
    assert response.status_code == 200, response.content
    (sql,) = [captured["sql"] for captured in context.captured_queries]
    return response.json(), sql


@pytest.mark.parametrize(
    ("query", "counted"),
    [
        ("", False),
        ("&ordering=due_date", False),
        ("&status=done", False),
        ("&status=", False),
        ("&priority=high", True),
        ("&search=dig", True),
        ("&status=done&priority=high", True),
    ],
)
def test_a_task_page_takes_its_total_from_the_stored_counts_unless_a_filter_beside_the_status_applies(
    alice_api, alice_project, query, counted
):
    Task.objects.bulk_create(
        Task(project=alice_project, title="dig" if i % 2 else "t", status=STATUSES[i % 3], priority="high")
        for i in range(12)
    )
    body, sql = task_page(alice_api, alice_project, query)
    assert ("OVER ()" in sql) is counted
    expected = {"&status=done": 4, "&status=done&priority=high": 4, "&search=dig": 6}
    assert body["count"] == expected.get(query, 12)


@pytest.mark.django_db
@given(
    tasks=st.lists(
        st.tuples(statuses, st.sampled_from(Task.Priority.values), st.sampled_from([None, "2026-01-01", "2026-06-01"])),
        max_size=12,
    ),
    filters=st.dictionaries(
        st.sampled_from(["status", "priority", "due_after", "ordering"]),
        st.sampled_from(["todo", "done", "high", "low", "2026-03-01", "due_date", "-priority"]),
        max_size=3,
    ),
    offset=st.integers(0, 14),
)
def test_any_task_page_has_the_count_and_rows_a_recount_gives(alice_api, tasks, filters, offset):
    project = Project.objects.create(owner_id=ALICE, name="Any")
    Task.objects.bulk_create(Task(project=project, title="t", status=s, priority=p, due_date=d) for s, p, d in tasks)
    response = alice_api.get(f"/api/projects/{project.pk}/tasks/", {**filters, "limit": 5, "offset": offset})
    if response.status_code == 400:  # a value that is not one of the filter's: refused either way
        return
    expected = Task.objects.filter(project=project)
    lookups = {"status": "status", "priority": "priority", "due_after": "due_date__gte"}
    for name, lookup in lookups.items():
        if name in filters:
            expected = expected.filter(**{lookup: filters[name]})
    body = response.json()
    assert body["count"] == expected.count()
    assert len(body["results"]) == max(0, min(5, expected.count() - offset))
