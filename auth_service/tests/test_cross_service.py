"""The auth service's side of what crosses to the resource service agrees with docs/cross-service.toml."""

import base64
import json
import tomllib
from pathlib import Path

import jwt
import pytest
from django.conf import settings

from auth_service.accounts import services as accounts
from auth_service.tokens import revocation, verification
from tests.conftest import PASSWORD, login

# The repository's copy, found upward from here (make mutate runs the tests from a copy one folder deeper).
CONTRACT_FILE = next(
    folder / "docs" / "cross-service.toml"
    for folder in Path(__file__).resolve().parents
    if (folder / "docs" / "cross-service.toml").exists()
)
CONTRACT = tomllib.loads(CONTRACT_FILE.read_text())


@pytest.mark.django_db
def test_the_deletion_message_is_the_one_the_contract_names(api, alice, broker):
    (message,) = [m for m in CONTRACT["messages"] if m["sent_by"] == "auth_service"]
    accounts.user_delete(user=alice, password=PASSWORD)
    assert accounts.RESOURCE_KEY_PREFIX == message["key_prefix"] == CONTRACT["key_prefixes"]["resource_service"]
    sent = json.loads(broker.lpop(message["key_prefix"] + message["queue"]))
    assert sent["headers"]["task"] == message["task"] == accounts.DELETE_USER_DATA_TASK
    args, kwargs, _ = json.loads(base64.b64decode(sent["body"]))
    assert kwargs == {}
    assert len(args) == len(message["args"]) == 2
    user_id, order = args
    assert user_id == str(alice.pk)
    # The order: signed with the tokens' key, for this user, of its own type; a verifier of the JWKS checks it.
    (jwk,) = api.get("/auth/.well-known/jwks.json").json()["keys"]
    assert jwt.get_unverified_header(order)["kid"] == jwk["kid"]
    claims = jwt.decode(
        order,
        jwt.PyJWK(jwk).key,
        algorithms=[CONTRACT["token"]["algorithm"]],
        audience=settings.JWT_AUDIENCE,
        issuer=settings.JWT_ISSUER,
    )
    assert claims["sub"] == user_id
    assert claims["token_type"] == message["order_token_type"]
    assert claims["exp"] - claims["iat"] == 7 * 24 * 3600
    # What the workers log of the message names the user, never the order.
    assert sent["headers"]["argsrepr"] == repr([user_id, "<order>"])
    assert order not in json.dumps(sent["headers"])
    # Never a bearer token.
    assert api.get("/auth/me/", HTTP_AUTHORIZATION=f"Bearer {order}").status_code == 401


def test_the_revocation_keys_are_the_contracts():
    user_key, session_key = CONTRACT["redis_keys"]
    assert revocation.KEY.format("{user_id}") == user_key["key"]
    assert revocation.SESSION_KEY.format("{session_id}") == session_key["key"]
    assert "auth_service" in user_key["read_by"]
    assert user_key["written_by"] == session_key["written_by"] == "auth_service"


@pytest.mark.django_db
def test_the_tokens_carry_the_contracts_header_and_claims(api, alice):
    pair = login(api, alice.email)
    for name in ("access", "refresh"):
        assert sorted(jwt.get_unverified_header(pair[name])) == CONTRACT["token"]["header"]
        assert sorted(jwt.decode(pair[name], options={"verify_signature": False})) == CONTRACT["token"]["claims"]
    assert jwt.get_unverified_header(pair["access"])["alg"] == CONTRACT["token"]["algorithm"]
    assert sorted(verification.REQUIRED_CLAIMS) == CONTRACT["token"]["required_by_verifiers"]


def test_the_service_uses_its_own_queue_and_schedules_only_its_own_tasks():
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "auth"
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] == CONTRACT["key_prefixes"]["auth_service"]
    assert "auth" in CONTRACT["queues"]
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"].startswith("auth.")
        assert entry["options"]["queue"] == "auth"
