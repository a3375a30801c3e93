import os
import uuid

import jwt
import pytest
import redis
from django.conf import settings as django_settings
from hypothesis import HealthCheck, settings
from prometheus_client import REGISTRY
from rest_framework.test import APIClient

from auth_service.accounts import services as accounts
from auth_service.accounts.models import User

PASSWORD = "correct horse battery staple"

# The property tests run in the test's database transaction and share its fixtures; each example builds what it
# needs. HYPOTHESIS_PROFILE=long searches much further (make fuzz).
settings.register_profile(
    "default", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile("long", settings.get_profile("default"), max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def redis_db():
    """The tests' Redis database (broker, throttles, lockouts, revocations), empty for each test."""
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def broker(redis_db):
    """The Redis database Celery publishes to."""
    return redis_db


@pytest.fixture
def eager_tasks():
    """Celery tasks run in the process, as they are queued."""
    from auth_service.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def rates(monkeypatch):
    """Set the per-address limits for one test."""
    from rest_framework.throttling import SimpleRateThrottle

    def set_rates(**overrides):
        current = dict(django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**current, **overrides})

    return set_rates


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def alice(db):
    return User.objects.create_user(
        email="alice@example.com", password=PASSWORD, display_name="Alice", email_verified=True
    )


@pytest.fixture
def bob(db):
    return User.objects.create_user(email="bob@example.com", password=PASSWORD, display_name="Bob", email_verified=True)


def login(api: APIClient, email: str, password: str = PASSWORD) -> dict:
    response = api.post("/auth/token/", {"email": email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def alice_tokens(api, alice):
    return login(api, alice.email)


@pytest.fixture
def alice_api(alice_tokens):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {alice_tokens['access']}")
    return client


# What the tests both services keep alike (test_errors.py, test_http_metrics.py, test_plain_views.py,
# test_task_limits.py) need of this
# service: its URL prefix, its views outside DRF, a client, a request whose answer comes from a call to the database
# (DATABASE_CALL), and a few requests of its own endpoints.
PREFIX = "/auth"
# The settings that bound a task's run time, each checked against the broker's visibility timeout at start
# (test_task_limits.py).
TIME_LIMIT_SETTINGS = ["CELERY_TASK_SOFT_TIME_LIMIT"]
PLAIN_VIEW_PATHS = [
    "/auth/healthz",
    "/auth/readyz",
    "/auth/.well-known/jwks.json",
    "/auth/.well-known/openid-configuration",
    "/auth/.well-known/oauth-authorization-server",
]
DATABASE_CALL = (accounts, "user_register")


def new_client() -> APIClient:
    return APIClient()


def database_request(api: APIClient):
    return api.post("/auth/register/", {"email": "x@example.com", "password": "a long passphrase"}, format="json")


def endpoint_requests(api: APIClient) -> None:
    """A registration with a new address each time (so that both runs answer alike), a refused one, a 401."""
    api.post("/auth/register/", {"email": f"{uuid.uuid4().hex}@example.com", "password": "a long passphrase"})
    api.post("/auth/register/", {"email": "not an address", "password": "a long passphrase"})
    api.get("/auth/me/")


def route_caller(bearer: bool) -> tuple[APIClient, dict[str, str]]:
    """For test_route_walk.py: a client (a new account's, with its access token, or an anonymous one) and a
    value for each parameter of the routes (the session of that token)."""
    user = User.objects.create_user(email=f"{uuid.uuid4().hex}@example.com", password=PASSWORD, email_verified=True)
    api = APIClient()
    tokens = login(api, user.email)
    session = jwt.decode(tokens["access"], options={"verify_signature": False})["sid"]
    if bearer:
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    return api, {"session_id": session}


def counted(name: str, **labels) -> float:
    """A counter's value in this process, 0 before its first count."""
    return REGISTRY.get_sample_value(name, labels) or 0.0
