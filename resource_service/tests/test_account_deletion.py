"""Once a user's data is purged, none of it remains, whatever ran alongside: a write with the user's still-valid
token afterwards is refused like a revoked token, a write in progress is purged with the rest, and an export
that finishes after the purge leaves no file."""

import threading
import time
import uuid

import pytest
from django.db import connection

from resource_service.exports import services as exports
from resource_service.exports.models import Export
from resource_service.owners.models import DeletedOwner
from resource_service.owners.services import owner_write_begin
from resource_service.projects import services
from resource_service.projects.models import Project, Task
from tests.conftest import ALICE, BOB

UNIFORM = {"detail": "Authentication credentials were not provided or are not valid."}


def wait_for(condition, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.mark.django_db
def test_after_the_purge_every_write_of_the_user_is_refused_like_a_revoked_token(alice_api, bob_api, alice_project):
    task_url = f"/api/projects/{alice_project.pk}/tasks/"
    services.user_data_delete(owner_id=ALICE)
    # A project of alice's that is there all the same, so that task and export writes reach their own check.
    project = Project.objects.create(owner_id=ALICE, name="Left over")

    for path, body in [
        ("/api/projects/", {"name": "After"}),
        (f"/api/projects/{project.pk}/tasks/", {"title": "After"}),
        (f"/api/projects/{project.pk}/exports/", {"format": "csv"}),
    ]:
        response = alice_api.post(path, body, format="json")
        assert response.status_code == 401, path
        assert response.json() == UNIFORM
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Task.objects.exists()
    assert not Export.objects.exists()
    assert alice_api.post(task_url, {"title": "x"}, format="json").status_code == 404  # the project is gone
    assert bob_api.post("/api/projects/", {"name": "Bob's"}, format="json").status_code == 201
    assert DeletedOwner.objects.filter(owner_id=ALICE).exists()


@pytest.mark.django_db
def test_a_purge_of_a_user_twice_keeps_one_tombstone():
    services.user_data_delete(owner_id=ALICE)
    services.user_data_delete(owner_id=ALICE)
    assert list(DeletedOwner.objects.values_list("owner_id", flat=True)) == [uuid.UUID(ALICE)]


@pytest.mark.django_db
@pytest.mark.parametrize("owner", ["ffffffff-ffff-4fff-bfff-ffffffffffff", "80000000-0000-4000-8000-000000000000"])
def test_an_owner_whose_id_starts_with_a_high_bit_writes_and_is_purged(owner):
    """The lock's key is the id's first half as PostgreSQL's signed bigint: a key read unsigned would not fit."""
    project = services.project_create(owner_id=owner, name="Garden")
    services.user_data_delete(owner_id=owner)
    assert not Project.objects.filter(pk=project.pk).exists()


@pytest.mark.django_db(transaction=True)  # no test transaction around it: the call is outside any
def test_the_owners_lock_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError) as refused:
        owner_write_begin(owner_id=ALICE)
    assert str(refused.value) == "the owner's lock belongs inside the write's or the purge's transaction"


def _purge_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_write_in_progress_when_the_purge_starts_is_purged_with_the_rest(monkeypatch):
    """The write has taken the owner's lock and inserted its row, but not committed, when the purge begins: the
    purge waits for it and then deletes its row too."""
    inserted, go_on = threading.Event(), threading.Event()
    create = Project.objects.create

    def create_then_pause(**fields):
        project = create(**fields)
        inserted.set()
        assert go_on.wait(10)
        return project

    monkeypatch.setattr(Project.objects, "create", create_then_pause)

    def write() -> None:
        try:
            services.project_create(owner_id=ALICE, name="Written during the deletion")
        finally:
            connection.close()

    def purge() -> None:
        try:
            services.user_data_delete(owner_id=ALICE)
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    assert inserted.wait(10)
    purger = threading.Thread(target=purge)
    purger.start()
    try:
        assert wait_for(_purge_waits_on_a_lock), "the purge did not wait for the write in progress"
    finally:
        go_on.set()
        writer.join(10)
        purger.join(10)
    assert not Project.objects.filter(owner_id=ALICE).exists()


@pytest.mark.django_db(transaction=True)
def test_an_export_that_finishes_after_the_purge_leaves_no_file(media, monkeypatch):
    project = Project.objects.create(owner_id=ALICE, name="Garden")
    Task.objects.create(project=project, title="Dig")
    bobs = Project.objects.create(owner_id=BOB, name="Workshop")
    export = Export.objects.create(owner_id=ALICE, project=project, format="csv")
    render = exports.render_tasks

    def render_then_purged(**kwargs):
        content = render(**kwargs)
        services.user_data_delete(owner_id=ALICE)  # the deletion runs while the file is being written
        return content

    monkeypatch.setattr(exports, "render_tasks", render_then_purged)
    exports.export_run(export_id=export.pk)

    assert not Export.objects.exists()
    assert not (media / "exports").exists() or list((media / "exports").iterdir()) == []
    assert Project.objects.get() == bobs


@pytest.mark.django_db
def test_a_redelivered_export_of_a_deleted_export_removes_the_file_its_lost_run_wrote(media):
    project = Project.objects.create(owner_id=ALICE, name="Garden")
    export = Export.objects.create(owner_id=ALICE, project=project, format="json")
    (media / "exports").mkdir(parents=True)
    leftover = media / "exports" / f"{export.pk}.json"
    leftover.write_text("[]")
    Export.objects.filter(pk=export.pk).delete()

    exports.export_run(export_id=export.pk)

    assert not leftover.exists()
