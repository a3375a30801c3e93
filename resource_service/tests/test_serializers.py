"""The output serializers build their responses directly; DRF's declared fields, which the schema shows, must
give the same output for every field, or the schema and the responses have drifted apart."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework import serializers

from resource_service.projects import selectors
from resource_service.projects.models import Task
from resource_service.projects.serializers import ProjectSerializer, TaskSerializer
from tests.conftest import ALICE

pytestmark = pytest.mark.django_db


def through_declared_fields(serializer_class, instance) -> dict:
    return serializers.Serializer.to_representation(serializer_class(), instance)


def test_project_output_is_that_of_its_declared_fields(alice_project):
    Task.objects.create(project=alice_project, title="a", status=Task.Status.DONE)
    project = selectors.project_get(owner_id=ALICE, project_id=alice_project.pk)

    output = ProjectSerializer(project).data

    assert output == through_declared_fields(ProjectSerializer, project)
    assert output["task_counts"] == {"todo": 0, "in_progress": 0, "done": 1}


@pytest.mark.parametrize("due_date", [None, datetime.date(2026, 3, 1)])
def test_task_output_is_that_of_its_declared_fields(alice_project, due_date):
    created = Task.objects.create(project=alice_project, title="Dig", priority=Task.Priority.HIGH, due_date=due_date)
    read_back = Task.objects.get(pk=created.pk)

    for task in (created, read_back):
        assert TaskSerializer(task).data == through_declared_fields(TaskSerializer, task)
    assert set(TaskSerializer(read_back).data) == set(TaskSerializer().fields)


def test_a_timestamp_in_another_zone_comes_out_in_utc_as_drf_writes_it(alice_project):
    task = Task.objects.create(project=alice_project, title="Dig")
    task.updated_at = datetime.datetime(2026, 1, 1, 13, 0, 0, 120, tzinfo=ZoneInfo("Europe/Paris"))

    output = TaskSerializer(task).data

    assert output["updated_at"] == "2026-01-01T12:00:00.000120Z"
    assert output == through_declared_fields(TaskSerializer, task)
