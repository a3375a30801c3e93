"""infra/rotate.sh against the recording stand-ins (conftest.py): each rotation starts new tasks of exactly the
services whose task definitions read the rotated secret, waits for their deployments and stops on one that fails,
and the JWT key is published to every verifier before anything signs with it."""

import json

import pytest
from conftest import OLD_PUBLIC_KEY
from test_templates import SERVICE_STACKS, SOURCE, load, refs_in, secrets_of

NEW_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:/jwt-services/staging/jwt-private-key-2"
NEW_PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----\nNEW\n-----END PUBLIC KEY-----"


@pytest.fixture
def rotate(stand_ins):
    return lambda *args, **env: stand_ins("rotate.sh", *args, **env)


@pytest.fixture
def new_public_key(tmp_path):
    path = tmp_path / "public.pem"
    path.write_text(NEW_PUBLIC_KEY + "\n")
    return str(path)


def readers(source: str) -> set[str]:
    """The ECS services whose containers take a secret from SOURCE (a stack parameter or a data stack export)."""
    names = set()
    for stack in SERVICE_STACKS:
        template = load(stack)["Resources"]
        for service in (r["Properties"] for r in template.values() if r["Type"] == "AWS::ECS::Service"):
            task = template[service["TaskDefinition"]["Ref"]]["Properties"]
            for container in task["ContainerDefinitions"]:
                sources = {
                    match.group(1) or match.group(0)
                    for s in secrets_of(container)
                    for match in [SOURCE.search(refs_in(s))]
                }
                if source in sources:
                    names.add(service["ServiceName"])
    return names


def flat(calls) -> list[str]:
    return [" ".join(call) for call in calls]


def rolled(calls) -> list[str]:
    return [call[call.index("--service") + 1] for call in calls if "update-service" in call]


def waited(calls, service: str) -> list[int]:
    return [
        i for i, call in enumerate(calls) if "describe-services" in call and f"ecs-svc/{service}-new" in " ".join(call)
    ]


def stack_update(calls) -> dict[str, dict]:
    call = next(call for call in calls if "update-stack" in call)
    assert "--use-previous-template" in call  # the rotation changes the key, nothing else the template says
    return {p["ParameterKey"]: p for p in json.loads(call[call.index("--parameters") + 1])}


@pytest.mark.parametrize("service", ["auth", "resource"])
@pytest.mark.parametrize(
    ("what", "secret"),
    [("secret-key", "{}SecretKeyArn"), ("redis-password", "Redis{}UserSecretArn"), ("mfa-keys", "{}MfaKeysArn")],
)
def test_a_rotation_starts_new_tasks_of_exactly_the_services_that_read_the_secret_and_waits_for_each(
    rotate, what, secret, service
):
    result, calls = rotate("staging", what, service, FAKE_ROLL_POLLS=f"{service}=2")
    assert result.returncode == 0, result.stderr
    expected = readers(secret.format(service.capitalize()))
    assert expected  # the secret is read by some service of the templates
    assert set(rolled(calls)) == expected
    assert len(rolled(calls)) == len(expected)
    for name in expected:
        states = waited(calls, name)
        assert len(states) == (3 if name == service else 1)  # polled until its deployment completed
        assert states[0] > max(i for i, call in enumerate(calls) if "update-service" in call)  # all roll at once


def test_the_keys_of_the_totp_secrets_reencrypt_them_in_a_task_of_the_new_deployment(rotate):
    result, calls = rotate("staging", "mfa-keys", "resource")
    assert result.returncode == 0, result.stderr
    task = next(i for i, call in enumerate(calls) if "run-task" in call)
    assert task > max(waited(calls, "resource"))
    call = calls[task]
    assert call[call.index("--task-definition") + 1].endswith("task-definition/staging-resource-web:3")
    overrides = json.loads(call[call.index("--overrides") + 1])
    assert overrides == {
        "containerOverrides": [{"name": "resource", "command": ["python", "manage.py", "rotate_mfa_secrets"]}]
    }
    assert "securityGroups=[staging-ResourceSecurityGroup-value]" in " ".join(call)
    assert any("lastStatus" in c and "/resource-web" in c for c in flat(calls)[task:])


def test_a_reencryption_that_fails_fails_the_rotation(rotate):
    result, _ = rotate("staging", "mfa-keys", "auth", FAKE_FAILING_TASK="auth-web")
    assert result.returncode == 1
    assert "the auth rotate_mfa_secrets task" in result.stderr
    assert "exited with 1" in result.stderr


@pytest.mark.parametrize("state", ["FAILED", "None"])
def test_a_deployment_that_does_not_complete_stops_the_rotation(rotate, state):
    result, calls = rotate("staging", "mfa-keys", "auth", FAKE_ROLL_ENDS=f"auth={state}")
    assert result.returncode == 1
    assert "the new deployment of auth (ecs-svc/auth-new) did not complete" in result.stderr
    assert not [call for call in calls if "run-task" in call]


def test_a_deployment_still_rolling_at_the_deadline_stops_the_rotation(rotate):
    result, _ = rotate(
        "staging", "secret-key", "resource", FAKE_ROLL_POLLS="resource-beat=forever", DEPLOY_ROLL_TIMEOUT="1"
    )
    assert result.returncode == 1
    assert (
        "the new deployment of resource-beat (ecs-svc/resource-beat-new) has not completed after 1 s" in result.stderr
    )


def test_a_new_jwt_key_is_published_to_the_verifiers_before_the_auth_service_signs_with_it(rotate, new_public_key):
    result, calls = rotate("staging", "jwt-key", NEW_SECRET, new_public_key)
    assert result.returncode == 0, result.stderr
    puts = [(i, call) for i, call in enumerate(calls) if "put-parameter" in call]
    (publish, first), (previous, second) = puts
    assert first[first.index("--name") + 1] == "/jwt-services/staging/public-keys"
    assert first[-1] == f"--value={OLD_PUBLIC_KEY}\n{NEW_PUBLIC_KEY}"
    verifiers = readers("JwtPublicKeysParameter")
    assert set(rolled(calls)) == verifiers == {"resource", "resource-worker"}
    assert publish < calls.index(next(c for c in calls if "update-service" in c))
    update = calls.index(next(c for c in calls if "update-stack" in c))
    assert all(max(waited(calls, name)) < update for name in verifiers)
    # The auth service publishes the keys the verifiers had besides its new one, until they are retired.
    assert second[second.index("--name") + 1] == "/jwt-services/staging/previous-public-keys"
    assert second[-1] == f"--value={OLD_PUBLIC_KEY}"
    assert previous < update
    assert readers("JwtPrivateKeySecretArn") == {"auth"}
    parameters = stack_update(calls)
    assert parameters["JwtPrivateKeySecretArn"] == {
        "ParameterKey": "JwtPrivateKeySecretArn",
        "ParameterValue": NEW_SECRET,
    }
    assert (
        parameters["JwtPreviousPublicKeysParameter"]["ParameterValue"] == "/jwt-services/staging/previous-public-keys"
    )
    assert parameters["ImageTag"] == {"ParameterKey": "ImageTag", "UsePreviousValue": True}
    assert set(parameters) == set(load("auth")["Parameters"]) & set(parameters)
    assert any("wait stack-update-complete --stack-name staging-jwt-auth" in call for call in flat(calls)[update:])


def test_a_jwt_rotation_run_again_publishes_the_new_key_once(rotate, new_public_key):
    result, calls = rotate(
        "staging", "jwt-key", NEW_SECRET, new_public_key, FAKE_PUBLISHED=f"{OLD_PUBLIC_KEY}\n{NEW_PUBLIC_KEY}"
    )
    assert result.returncode == 0, result.stderr
    names = [call[call.index("--name") + 1] for call in calls if "put-parameter" in call]
    assert names == ["/jwt-services/staging/previous-public-keys"]


def test_nothing_signs_with_a_new_jwt_key_that_a_verifier_did_not_take(rotate, new_public_key):
    result, calls = rotate("staging", "jwt-key", NEW_SECRET, new_public_key, FAKE_ROLL_ENDS="resource-worker=FAILED")
    assert result.returncode == 1
    assert not [call for call in calls if "update-stack" in call]


def test_a_failed_auth_update_fails_the_jwt_rotation(rotate, new_public_key):
    result, _ = rotate("staging", "jwt-key", NEW_SECRET, new_public_key, FAKE_FAILING_UPDATE="staging-jwt-auth")
    assert result.returncode != 0


def test_retiring_the_earlier_jwt_keys_leaves_the_signing_key_alone_everywhere(rotate, new_public_key):
    result, calls = rotate("staging", "jwt-key-retire", new_public_key)
    assert result.returncode == 0, result.stderr
    assert stack_update(calls)["JwtPreviousPublicKeysParameter"]["ParameterValue"] == ""
    put = next(call for call in calls if "put-parameter" in call)
    assert put[put.index("--name") + 1] == "/jwt-services/staging/public-keys"
    assert put[-1] == f"--value={NEW_PUBLIC_KEY}"
    assert set(rolled(calls)) == readers("JwtPublicKeysParameter")


@pytest.mark.parametrize(
    "args",
    [
        ("staging",),
        ("staging", "secret-key"),
        ("staging", "secret-key", "gateway"),
        ("staging", "database-password", "auth"),
        ("staging", "jwt-key", "not-an-arn", "{key}"),
        ("staging", "jwt-key", NEW_SECRET),
        ("staging", "jwt-key", NEW_SECRET, "{not_a_key}"),
        ("staging", "jwt-key-retire", "{not_a_key}"),
    ],
)
def test_a_rotation_named_wrong_calls_nothing_and_says_how_to(rotate, new_public_key, tmp_path, args):
    not_a_key = tmp_path / "private.pem"
    not_a_key.write_text("-----BEGIN PRIVATE KEY-----\n")
    result, calls = rotate(*(arg.format(key=new_public_key, not_a_key=not_a_key) for arg in args))
    assert result.returncode == 2
    assert "usage: infra/rotate.sh" in result.stderr or "is not a PEM public key" in result.stderr
    assert calls == []


def test_a_plan_calls_nothing_and_prints_the_rotation_in_order(rotate, new_public_key):
    result, calls = rotate("--plan", "production", "jwt-key", NEW_SECRET, new_public_key)
    assert result.returncode == 0, result.stderr
    assert calls == []
    steps = [
        "put-parameter --name /jwt-services/production/public-keys",
        "update-service --cluster production-jwt-services --service resource ",
        "update-stack --stack-name production-jwt-auth",
    ]
    positions = [result.stdout.index(step) for step in steps]
    assert positions == sorted(positions)
