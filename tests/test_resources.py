"""Projects, tasks and exports through the gateway, with the real resource worker."""

import csv
import io

from conftest import Gateway, wait_for


def test_tasks_filters_and_task_counts(alice):
    api = alice.api()
    project = api.post("/api/projects/", json={"name": "Garden"}).json()
    tasks = f"/api/projects/{project['id']}/tasks/"
    for title, status, priority, due in [
        ("Dig", "todo", "high", "2026-03-01"),
        ("Sow", "in_progress", "low", "2026-04-01"),
        ("Buy", "done", "medium", None),
    ]:
        created = api.post(tasks, json={"title": title, "status": status, "priority": priority, "due_date": due})
        assert created.status_code == 201, created.text

    assert [t["title"] for t in api.get(f"{tasks}?ordering=-priority").json()["results"]] == ["Dig", "Buy", "Sow"]
    assert [t["title"] for t in api.get(f"{tasks}?due_before=2026-03-15").json()["results"]] == ["Dig"]
    assert api.get(f"{tasks}?status=blocked").status_code == 400
    counts = api.get(f"/api/projects/{project['id']}/").json()["task_counts"]
    assert counts == {"todo": 1, "in_progress": 1, "done": 1}


def test_an_export_is_written_by_the_worker_and_downloaded(alice, bob):
    api = alice.api()
    project = api.post("/api/projects/", json={"name": "Garden"}).json()
    api.post(f"/api/projects/{project['id']}/tasks/", json={"title": "Dig beds"})

    requested = api.post(f"/api/projects/{project['id']}/exports/", json={"format": "csv"})
    assert requested.status_code == 202
    export_url = f"/api/exports/{requested.json()['id']}/"

    assert wait_for(lambda: api.get(export_url).json()["status"] in ("done", "failed"), timeout=30)
    export = api.get(export_url).json()
    assert export["status"] == "done", export
    assert export["download_url"].endswith(f"{export_url}download/")

    download = api.get(f"{export_url}download/")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    assert [row["title"] for row in csv.DictReader(io.StringIO(download.text))] == ["Dig beds"]

    assert bob.api().get(f"{export_url}download/").status_code == 404
    assert Gateway().get(export_url).status_code == 401
