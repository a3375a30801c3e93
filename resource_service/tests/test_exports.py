import csv
import io
import json
import threading
import uuid
from datetime import timedelta

import pytest
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from resource_service.celery import app as celery_app
from resource_service.exports import services, tasks
from resource_service.exports.models import Export
from resource_service.exports.views import ExportCreateView
from resource_service.projects.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def garden_tasks(alice_project):
    Task.objects.create(project=alice_project, title="Dig beds", priority="high", due_date="2026-03-01")
    Task.objects.create(project=alice_project, title='=HYPERLINK("http://evil")', description="+1")


def request_export(client, project, fmt="csv"):
    return client.post(f"/api/projects/{project.pk}/exports/", {"format": fmt})


def test_requesting_an_export_queues_it_on_commit(
    alice_api, alice_project, media, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = request_export(alice_api, alice_project)
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"id", "status", "format", "created_at"}
    assert (body["status"], body["format"]) == ("pending", "csv")
    message = json.loads(broker.lpop("resource:resource"))
    assert message["headers"]["task"] == "resource.run_export"
    assert body["id"] in message["headers"]["argsrepr"]


@pytest.mark.django_db(transaction=True)  # the request's own commit queues the run, as in production
def test_an_export_the_broker_cannot_take_is_a_503_and_leaves_no_export_behind(
    alice_api, alice_project, media, broker, monkeypatch
):
    send_task = celery_app.send_task

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(celery_app, "send_task", broker_down)
    assert request_export(alice_api, alice_project).status_code == 503
    assert not Export.objects.exists()

    monkeypatch.setattr(celery_app, "send_task", send_task)
    asked_again = request_export(alice_api, alice_project)
    assert asked_again.status_code == 202
    assert list(Export.objects.values_list("id", "status")) == [(uuid.UUID(asked_again.json()["id"]), "pending")]
    assert asked_again.json()["id"] in json.loads(broker.lpop("resource:resource"))["headers"]["argsrepr"]


def test_a_done_csv_export_is_downloadable(alice_api, alice_project, garden_tasks, media):
    export_id = request_export(alice_api, alice_project).json()["id"]

    pending = alice_api.get(f"/api/exports/{export_id}/")
    assert pending.json()["status"] == "pending"
    assert pending.json()["download_url"] is None
    assert alice_api.get(f"/api/exports/{export_id}/download/").status_code == 409

    services.export_run(export_id=export_id)

    done = alice_api.get(f"/api/exports/{export_id}/").json()
    assert (done["status"], done["error"]) == ("done", "")
    assert done["finished_at"]
    assert done["download_url"] == f"http://localhost:8080/api/exports/{export_id}/download/"
    download = alice_api.get(f"/api/exports/{export_id}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv"
    assert "attachment" in download["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert {row["title"] for row in rows} == {"Dig beds", '\'=HYPERLINK("http://evil")'}
    assert {row["description"] for row in rows} == {"", "'+1"}


def test_a_done_export_whose_file_is_gone_is_a_410(alice_api, alice_project, garden_tasks, media):
    export_id = request_export(alice_api, alice_project).json()["id"]
    services.export_run(export_id=export_id)
    Export.objects.get(pk=export_id).file.delete(save=False)
    response = alice_api.get(f"/api/exports/{export_id}/download/")
    assert response.status_code == 410
    assert response.json() == {"detail": "The export's file is no longer available; request a new export."}


def test_a_json_export_holds_the_tasks(alice_api, alice_project, garden_tasks, media):
    export_id = request_export(alice_api, alice_project, "json").json()["id"]
    services.export_run(export_id=export_id)
    download = alice_api.get(f"/api/exports/{export_id}/download/")
    assert download["Content-Type"] == "application/json"
    tasks = json.loads(b"".join(download.streaming_content))
    assert sorted(task["title"] for task in tasks) == ['=HYPERLINK("http://evil")', "Dig beds"]
    assert {task["priority"] for task in tasks} == {"high", "medium"}


@pytest.mark.django_db(transaction=True)  # the foreign key is checked when the request's transaction commits
def test_an_export_of_a_project_deleted_meanwhile_is_a_404(alice_api, alice_project, deleted_meanwhile):
    deleted_meanwhile(ExportCreateView, "owned_project")
    response = request_export(alice_api, alice_project)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert not Export.objects.exists()


@pytest.mark.parametrize("body", [{}, {"format": "xml"}, {"format": None}])
def test_an_unknown_format_is_a_400(alice_api, alice_project, body):
    response = alice_api.post(f"/api/projects/{alice_project.pk}/exports/", body)
    assert response.status_code == 400
    assert "format" in response.json()
    assert not Export.objects.exists()


def test_another_users_exports_are_404(alice_api, bob_api, alice_project, media):
    export_id = request_export(alice_api, alice_project).json()["id"]
    services.export_run(export_id=export_id)
    missing = bob_api.get(f"/api/exports/{uuid.uuid4()}/")
    for url in (f"/api/exports/{export_id}/", f"/api/exports/{export_id}/download/"):
        response = bob_api.get(url)
        assert response.status_code == 404
        assert response.json() == missing.json()
    assert bob_api.post(f"/api/projects/{alice_project.pk}/exports/", {"format": "csv"}).status_code == 404


def test_running_an_export_twice_writes_one_file(alice_project, garden_tasks, media):
    export = services.export_request(project=alice_project, format="csv")
    services.export_run(export_id=export.pk)
    services.export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == "done"
    assert export.attempts == 1
    assert [path.name for path in (media / "exports").iterdir()] == [f"{export.pk}.csv"]


@pytest.mark.django_db(transaction=True)
def test_a_second_delivery_while_the_first_runs_leaves_the_export_to_it(
    alice_project, garden_tasks, media, monkeypatch
):
    """Two workers given one export at once (a redelivery, a duplicate message): one writes it, the other leaves it
    alone rather than rendering it a second time and counting an attempt that was not lost."""
    export = Export.objects.create(owner_id=alice_project.owner_id, project=alice_project, format="csv")
    rendering, go_on = threading.Event(), threading.Event()
    renders = []
    render = services.render_tasks

    def paused_render(**kwargs):
        renders.append(threading.get_ident())
        rendering.set()
        assert go_on.wait(10)
        return render(**kwargs)

    monkeypatch.setattr(services, "render_tasks", paused_render)

    def first() -> None:
        try:
            services.export_run(export_id=export.pk)
        finally:
            connection.close()

    worker = threading.Thread(target=first)
    worker.start()
    assert rendering.wait(10)
    with pytest.raises(services.ExportInProgress) as busy:  # the second delivery, while the first renders
        services.export_run(export_id=export.pk)
    assert 0 < busy.value.seconds_left <= services.run_time_limit()
    go_on.set()
    worker.join(10)

    export.refresh_from_db()
    assert (export.status, export.attempts, len(renders)) == ("done", 1, 1)
    assert [path.name for path in (media / "exports").iterdir()] == [f"{export.pk}.csv"]


def test_a_run_that_reached_its_time_limit_is_over_and_one_half_a_second_short_is_not(
    alice_project, media, monkeypatch
):
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    export = services.export_request(project=alice_project, format="csv")
    almost = moment - timedelta(seconds=services.run_time_limit() - 0.5)
    Export.objects.filter(pk=export.pk).update(status="running", attempts=1, started_at=almost)
    with pytest.raises(services.ExportInProgress) as busy:
        services.export_run(export_id=export.pk)
    assert busy.value.seconds_left == 1
    Export.objects.filter(pk=export.pk).update(started_at=moment - timedelta(seconds=services.run_time_limit()))
    services.export_run(export_id=export.pk)
    assert Export.objects.get(pk=export.pk).status == "done"


def test_the_run_time_limit_is_the_soft_limit_and_its_grace(settings):
    settings.EXPORT_TIME_LIMIT = 300
    assert services.run_time_limit() == 300 + settings.TASK_TIME_LIMIT_GRACE


@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_quoted(alice_project, media, first):
    Task.objects.create(project=alice_project, title=f"{first}1", description="x", due_date=None)
    content = services.render_tasks(project=alice_project, format="csv").decode()
    (row,) = list(csv.DictReader(io.StringIO(content)))
    assert (row["title"], row["description"], row["due_date"]) == (f"'{first}1", "x", "")


def test_an_export_lists_the_tasks_in_the_order_they_were_made_ties_by_id(alice_project, media):
    made = timezone.now()
    # Ids in the opposite order to the times: ordered by id alone, the rows would come out reversed.
    ids = [uuid.UUID(int=n) for n in (4, 3, 2, 1)]
    for n, task_id in enumerate(ids):
        Task.objects.create(id=task_id, project=alice_project, title=f"Task {n}")
    Task.objects.filter(pk__in=ids[:2]).update(created_at=made)
    Task.objects.filter(pk__in=ids[2:]).update(created_at=made + timedelta(minutes=1))
    expected = [str(task_id) for task_id in (ids[1], ids[0], ids[3], ids[2])]
    csv_rows = csv.DictReader(io.StringIO(services.render_tasks(project=alice_project, format="csv").decode()))
    assert [row["id"] for row in csv_rows] == expected
    document = services.render_tasks(project=alice_project, format="json").decode()
    assert [task["id"] for task in json.loads(document)] == expected
    assert document.startswith('[\n  {\n    "id": ')  # indented for a reader, two spaces a level


def test_an_export_whose_worker_was_lost_is_run_again_to_completion(alice_project, garden_tasks, media):
    export = services.export_request(project=alice_project, format="csv")
    (media / "exports").mkdir(parents=True)
    (media / "exports" / f"{export.pk}.csv").write_text("partial")
    Export.objects.filter(pk=export.pk).update(status="running", attempts=1)

    services.export_run(export_id=export.pk)

    export.refresh_from_db()
    assert (export.status, export.attempts) == ("done", 2)
    assert export.file.read().decode().startswith("id,title")
    assert len(list((media / "exports").iterdir())) == 1


def test_a_run_started_longer_ago_than_the_time_limit_was_lost_and_runs_again(alice_project, media):
    export = services.export_request(project=alice_project, format="csv")
    started = timezone.now() - timedelta(seconds=services.run_time_limit() + 1)
    Export.objects.filter(pk=export.pk).update(status="running", attempts=1, started_at=started)
    services.export_run(export_id=export.pk)
    export.refresh_from_db()
    assert (export.status, export.attempts) == ("done", 2)
    assert export.started_at > started


def test_a_delivery_that_finds_the_export_running_is_tried_again_once_that_run_must_be_over(
    alice_project, media, monkeypatch
):
    export = services.export_request(project=alice_project, format="csv")
    Export.objects.filter(pk=export.pk).update(status="running", attempts=1, started_at=timezone.now())
    retried = {}

    def retry(**kwargs):
        retried.update(kwargs)
        return Retry()

    monkeypatch.setattr(tasks.run_export, "retry", retry)
    with pytest.raises(Retry):
        tasks.run_export(str(export.pk))
    assert services.run_time_limit() - 2 <= retried["countdown"] <= services.run_time_limit()
    # The worker's retry line says why.
    assert str(retried["exc"]) == f"another worker runs the export for at most {retried['countdown']} s more"
    assert Export.objects.get(pk=export.pk).attempts == 1


def test_a_run_past_the_time_limit_ends_failed_with_the_reason(alice_project, media, monkeypatch):
    def too_long(**kwargs):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(services, "render_tasks", too_long)
    export = services.export_request(project=alice_project, format="csv")
    services.export_run(export_id=export.pk)
    export.refresh_from_db()
    assert (export.status, export.error) == ("failed", "The export could not be written (SoftTimeLimitExceeded).")


def test_the_run_is_stopped_then_killed_before_the_broker_would_deliver_it_again(settings):
    assert (tasks.run_export.soft_time_limit, tasks.run_export.time_limit) == (
        settings.EXPORT_TIME_LIMIT,
        settings.EXPORT_TIME_LIMIT + settings.TASK_TIME_LIMIT_GRACE,
    )
    assert tasks.run_export.time_limit < settings.CELERY_VISIBILITY_TIMEOUT


def test_an_export_lost_too_often_fails_instead_of_looping(alice_project, media):
    export = services.export_request(project=alice_project, format="csv")
    Export.objects.filter(pk=export.pk).update(status="running", attempts=services.MAX_ATTEMPTS)
    services.export_run(export_id=export.pk)
    export.refresh_from_db()
    assert (export.status, export.error) == ("failed", "The export was interrupted too many times.")


def test_a_failing_export_ends_failed_with_a_reason(alice_api, alice_project, media, monkeypatch):
    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services, "render_tasks", broken)
    export_id = request_export(alice_api, alice_project).json()["id"]
    services.export_run(export_id=export_id)
    body = alice_api.get(f"/api/exports/{export_id}/").json()
    assert body["status"] == "failed"
    assert body["error"] == "The export could not be written (OSError)."
    assert alice_api.get(f"/api/exports/{export_id}/download/").status_code == 409
    assert Export.objects.get(pk=export_id).file.name == ""


def test_a_finished_export_is_logged_with_its_id_and_size(alice_project, garden_tasks, media, caplog):
    export = services.export_request(project=alice_project, format="csv")
    services.export_run(export_id=export.pk)
    (line,) = [record for record in caplog.records if record.name == services.__name__]
    assert (line.levelname, line.getMessage(), line.export_id) == ("INFO", "export done", str(export.pk))
    export.refresh_from_db()
    assert line.bytes == export.file.size


def test_a_failing_export_is_logged_with_its_traceback_and_id(alice_project, media, monkeypatch, caplog):
    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services, "render_tasks", broken)
    export = services.export_request(project=alice_project, format="csv")
    services.export_run(export_id=export.pk)
    (line,) = [record for record in caplog.records if record.name == services.__name__]
    assert (line.levelname, line.getMessage(), line.export_id) == ("ERROR", "export failed", str(export.pk))
    assert line.exc_info[0] is OSError


def test_cleanup_removes_old_exports_and_fails_stuck_ones(
    alice_project, media, settings, django_capture_on_commit_callbacks
):
    old = services.export_request(project=alice_project, format="csv")
    services.export_run(export_id=old.pk)
    fresh = services.export_request(project=alice_project, format="csv")
    services.export_run(export_id=fresh.pk)
    stuck = services.export_request(project=alice_project, format="json")
    long_ago = timezone.now() - timedelta(hours=settings.EXPORT_RETENTION_HOURS + 1)
    Export.objects.filter(pk=old.pk).update(finished_at=long_ago)
    Export.objects.filter(pk=stuck.pk).update(created_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        services.export_cleanup()

    assert not Export.objects.filter(pk=old.pk).exists()
    assert not (media / "exports" / f"{old.pk}.csv").exists()
    assert (media / "exports" / f"{fresh.pk}.csv").exists()
    stuck.refresh_from_db()
    assert (stuck.status, stuck.error) == ("failed", "The export did not finish in time.")
    assert stuck.finished_at is not None


def test_cleanup_fails_only_unfinished_exports_older_than_the_limit_and_logs_its_count(
    alice_project, media, settings, caplog, django_capture_on_commit_callbacks
):
    done = services.export_request(project=alice_project, format="csv")
    services.export_run(export_id=done.pk)
    recent = services.export_request(project=alice_project, format="csv")
    old_pending = services.export_request(project=alice_project, format="csv")
    old_running = services.export_request(project=alice_project, format="json")
    long_ago = timezone.now() - timedelta(minutes=settings.EXPORT_STALE_MINUTES + 1)
    Export.objects.filter(pk__in=[done.pk, old_pending.pk, old_running.pk]).update(created_at=long_ago)
    Export.objects.filter(pk=old_running.pk).update(status="running")

    with django_capture_on_commit_callbacks(execute=True):
        assert services.export_cleanup() == 0

    statuses = dict(Export.objects.values_list("pk", "status"))
    assert statuses == {done.pk: "done", recent.pk: "pending", old_pending.pk: "failed", old_running.pk: "failed"}
    (line,) = [record for record in caplog.records if record.getMessage() == "exports cleaned up"]
    assert line.deleted == 0


def test_deleting_a_project_deletes_its_export_files(
    alice_api, alice_project, media, django_capture_on_commit_callbacks
):
    export = services.export_request(project=alice_project, format="csv")
    services.export_run(export_id=export.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert alice_api.delete(f"/api/projects/{alice_project.pk}/").status_code == 204
    assert not Export.objects.exists()
    assert list((media / "exports").iterdir()) == []


def test_an_exports_file_goes_with_its_row_whoever_deletes_it_and_only_once_that_commits(
    alice_project, media, django_capture_on_commit_callbacks
):
    export = services.export_request(project=alice_project, format="csv")
    services.export_run(export_id=export.pk)
    (written,) = (media / "exports").iterdir()
    with transaction.atomic():
        Export.objects.filter(pk=export.pk).delete()
        transaction.set_rollback(True)
    assert written.exists()
    with django_capture_on_commit_callbacks(execute=True):
        Export.objects.filter(pk=export.pk).delete()
    assert not written.exists()
