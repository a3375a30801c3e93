import pytest

from resource_service.projects.models import Project
from resource_service.projects.tasks import delete_user_data
from tests.conftest import ALICE, BOB

pytestmark = pytest.mark.django_db


def test_deleting_a_users_data_removes_only_theirs_and_can_run_twice():
    Project.objects.create(owner_id=ALICE, name="a1")
    Project.objects.create(owner_id=ALICE, name="a2")
    Project.objects.create(owner_id=BOB, name="b1")

    delete_user_data(ALICE)
    delete_user_data(ALICE)

    assert list(Project.objects.values_list("name", flat=True)) == ["b1"]
