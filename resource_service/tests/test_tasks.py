import pytest

from resource_service.exports import services as exports
from resource_service.exports.models import Export
from resource_service.projects.models import Project, Task
from resource_service.projects.tasks import delete_user_data
from tests.conftest import ALICE, BOB
from tests.signing import order_for

pytestmark = pytest.mark.django_db


def test_deleting_a_users_data_removes_only_theirs_and_can_run_twice(media, django_capture_on_commit_callbacks):
    garden = Project.objects.create(owner_id=ALICE, name="a1")
    Task.objects.create(project=garden, title="t")
    Project.objects.create(owner_id=ALICE, name="a2")
    workshop = Project.objects.create(owner_id=BOB, name="b1")
    alice_export = exports.export_request(project=garden, format="csv")
    exports.export_run(export_id=alice_export.pk)
    bob_export = exports.export_request(project=workshop, format="csv")
    exports.export_run(export_id=bob_export.pk)

    with django_capture_on_commit_callbacks(execute=True):
        delete_user_data(ALICE, order_for(ALICE))
    delete_user_data(ALICE, order_for(ALICE))

    assert list(Project.objects.values_list("name", flat=True)) == ["b1"]
    assert not Task.objects.exists()
    assert list(Export.objects.values_list("pk", flat=True)) == [bob_export.pk]
    assert [path.name for path in (media / "exports").iterdir()] == [f"{bob_export.pk}.csv"]


def test_a_task_logs_with_the_request_id_of_the_request_that_queued_it(caplog):
    import logging
    from types import SimpleNamespace

    from resource_service.lib import worker
    from resource_service.lib.requests import request_id_var

    headers = {}
    token = request_id_var.set("req-42")
    worker._send_request_id(headers=headers)
    request_id_var.reset(token)
    assert headers == {"request_id": "req-42"}

    task = SimpleNamespace(name="resource.delete_user_data", request=SimpleNamespace(request_id=None, headers=headers))
    worker._start(task_id="t1", task=task)
    logging.getLogger("resource_service.projects.services").warning("inside the task")
    worker._finish(task_id="t1", task=task, state="SUCCESS")
    # The service's log handler stamps each record with the request id in force when it was logged.
    record = next(r for r in caplog.records if r.getMessage() == "inside the task")
    assert record.request_id == "req-42"
    assert request_id_var.get() == "-"
