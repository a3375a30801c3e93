import pytest

from resource_service.exports import services as exports
from resource_service.exports.models import Export
from resource_service.projects.models import Project, Task
from resource_service.projects.tasks import delete_user_data
from tests.conftest import ALICE, BOB

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
        delete_user_data(ALICE)
    delete_user_data(ALICE)

    assert list(Project.objects.values_list("name", flat=True)) == ["b1"]
    assert not Task.objects.exists()
    assert list(Export.objects.values_list("pk", flat=True)) == [bob_export.pk]
    assert [path.name for path in (media / "exports").iterdir()] == [f"{bob_export.pk}.csv"]
