"""The resource service's side of what crosses from the auth service agrees with docs/cross-service.toml."""

import inspect
import tomllib
from pathlib import Path

from django.conf import settings

from resource_service.projects.tasks import delete_user_data
from resource_service.tokens import jwk, revocation, verification

# The repository's copy, found upward from here (make mutate runs the tests from a copy one folder deeper).
CONTRACT_FILE = next(
    folder / "docs" / "cross-service.toml"
    for folder in Path(__file__).resolve().parents
    if (folder / "docs" / "cross-service.toml").exists()
)
CONTRACT = tomllib.loads(CONTRACT_FILE.read_text())


def test_the_deletion_message_is_run_here_under_the_contracts_name_and_arguments():
    (message,) = [m for m in CONTRACT["messages"] if m["run_by"] == "resource_service"]
    assert delete_user_data.name == message["task"]
    assert list(inspect.signature(delete_user_data.run).parameters) == message["args"]
    assert message["queue"] == settings.CELERY_TASK_DEFAULT_QUEUE
    prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"]
    assert prefix == message["key_prefix"] == CONTRACT["key_prefixes"]["resource_service"]


def test_the_revocation_keys_are_the_contracts():
    user_key, session_key = CONTRACT["redis_keys"]
    assert revocation.KEY.format("{user_id}") == user_key["key"]
    assert revocation.SESSION_KEY.format("{session_id}") == session_key["key"]
    assert "resource_service" in user_key["read_by"]
    assert "resource_service" in session_key["read_by"]


def test_the_verifier_requires_the_contracts_claims_and_takes_access_tokens_only():
    assert sorted(verification.REQUIRED_CLAIMS) == CONTRACT["token"]["required_by_verifiers"]
    assert CONTRACT["token"]["algorithm"] == jwk.ALGORITHM
    assert CONTRACT["token"]["bearer_token_type"] == verification.ACCESS


def test_the_service_uses_its_own_queue_and_schedules_only_its_own_tasks():
    assert "resource" in CONTRACT["queues"]
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"].startswith("resource.")
        assert entry["options"]["queue"] == "resource"
