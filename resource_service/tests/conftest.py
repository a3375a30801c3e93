import os
import uuid

import pytest
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient

from resource_service.exports.models import Export
from resource_service.projects import selectors
from resource_service.projects.models import Project, Task
from tests.signing import token_for

# The property tests run in the test's database transaction and share its fixtures; each example builds what it
# needs. HYPOTHESIS_PROFILE=long searches much further (make fuzz).
settings.register_profile(
    "default", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile("long", settings.get_profile("default"), max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ALICE = str(uuid.uuid4())
BOB = str(uuid.uuid4())


def client_for(sub: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(sub)}")
    return client


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def alice_api():
    return client_for(ALICE)


@pytest.fixture
def bob_api():
    return client_for(BOB)


@pytest.fixture
def deleted_meanwhile(monkeypatch):
    """deleted_meanwhile(View, "lookup"): the view's lookup finds its object, which another request then deletes
    before the view goes on with it."""

    def patch(view_class, lookup_name: str) -> None:
        lookup = getattr(view_class, lookup_name)

        def lookup_then_deleted(view):
            found = lookup(view)
            type(found).objects.filter(pk=found.pk).delete()
            return found

        monkeypatch.setattr(view_class, lookup_name, lookup_then_deleted)

    return patch


@pytest.fixture
def media(settings, tmp_path):
    """Export files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def alice_project(db):
    from resource_service.projects.models import Project

    return Project.objects.create(owner_id=ALICE, name="Garden", description="Beds and paths")


@pytest.fixture
def bob_project(db):
    from resource_service.projects.models import Project

    return Project.objects.create(owner_id=BOB, name="Workshop")


@pytest.fixture
def broker(redis_db):
    """The Redis database Celery publishes to."""
    return redis_db


@pytest.fixture(autouse=True)
def redis_db():
    """The tests' Redis database (broker, revocations), empty for each test; nothing kept in process."""
    import redis
    from django.conf import settings

    from resource_service.tokens import revocation, token_cache

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    revocation.forget()
    token_cache.clear()
    yield client
    client.flushdb()
    revocation.forget()
    token_cache.clear()
    client.close()


# What the tests both services keep alike (test_errors.py, test_http_metrics.py, test_plain_views.py,
# test_task_limits.py) need of this
# service: its URL prefix, its views outside DRF, a client, a request whose answer comes from a call to the database
# (DATABASE_CALL), and a few requests of its own endpoints.
PREFIX = "/api"
# The settings that bound a task's run time, each checked against the broker's visibility timeout at start
# (test_task_limits.py).
TIME_LIMIT_SETTINGS = ["CELERY_TASK_SOFT_TIME_LIMIT", "EXPORT_TIME_LIMIT"]
PLAIN_VIEW_PATHS = ["/api/healthz", "/api/readyz"]
DATABASE_CALL = (selectors, "project_list")


def new_client() -> APIClient:
    """A new caller each time (so that both runs see the same rows)."""
    return client_for(str(uuid.uuid4()))


def database_request(api: APIClient):
    # Filtered: a page without a filter may run SQL compiled before (lib/compiled_pages.py) without the selector.
    return api.get("/api/projects/?archived=false")


def endpoint_requests(api: APIClient) -> None:
    """A write, a read and a refused filter."""
    api.post("/api/projects/", {"name": "Garden"}, format="json")
    api.get("/api/projects/")
    api.get("/api/projects/?archived=maybe")


def route_caller(bearer: bool) -> tuple[APIClient, dict[str, str]]:
    """For test_route_walk.py: a client (a new caller's, with a token, or an anonymous one) and a value for each
    parameter of the routes (the caller's project, task and export)."""
    owner = str(uuid.uuid4())
    project = Project.objects.create(owner_id=owner, name="Walk")
    task = Task.objects.create(project=project, title="Step")
    export = Export.objects.create(owner_id=owner, project=project, format=Export.Format.CSV)
    values = {"project_id": str(project.pk), "task_id": str(task.pk), "export_id": str(export.pk)}
    return (client_for(owner) if bearer else APIClient()), values
