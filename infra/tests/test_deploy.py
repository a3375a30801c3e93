"""infra/deploy.sh, run against stand-ins of the aws and docker commands that record each call (conftest.py): the
order of infra/README.md, images pushed once per commit, and no service rolled past a migration that failed."""

import re

import pytest
from test_templates import deploy_order


@pytest.fixture
def deploy(stand_ins):
    return lambda *args, **env: stand_ins("deploy.sh", *args, **env)


def deployed(calls: list[list[str]]) -> list[tuple[str, dict[str, str]]]:
    """Each `cloudformation deploy`: the stack and its parameter overrides."""
    stacks = []
    for call in calls:
        if call[:4] == ["aws", "--region", "eu-west-1", "cloudformation"] and call[4] == "deploy":
            overrides = call[call.index("--parameter-overrides") + 1 :]
            stacks.append((call[call.index("--stack-name") + 1], dict(o.split("=", 1) for o in overrides)))
    return stacks


def test_a_deploy_goes_in_the_documented_order_and_makes_users_and_migrates_before_it_rolls_each_service(deploy):
    result, calls = deploy("staging", "eu-west-1")
    assert result.returncode == 0, result.stderr
    stacks = [stack.removeprefix("staging-jwt-") for stack, _ in deployed(calls)]
    assert list(dict.fromkeys(stacks)) == deploy_order()
    flat = [" ".join(call) for call in calls]
    for service in ("auth", "resource"):
        first, second = [i for i, (stack, _) in enumerate(deployed(calls)) if stack == f"staging-jwt-{service}"]
        overrides = deployed(calls)
        assert overrides[first][1]["MigrationImageTag"] == "abc123"
        assert "ImageTag" not in overrides[first][1]  # the services keep running the image they have
        assert overrides[second][1]["ImageTag"] == "abc123"
        steps = []
        for kind in ("db-roles", "migrate"):
            run_task = next(i for i, c in enumerate(flat) if "ecs run-task" in c and f"{service}-{kind}:" in c)
            wait = next(i for i, c in enumerate(flat) if "lastStatus" in c and f"/{service}-{kind}" in c)
            steps += [run_task, wait]
            assert (
                f"subnets=[staging-PrivateSubnets-value],securityGroups=[staging-{service.capitalize()}SecurityGroup-value]"
                in flat[run_task]
            )
        roll = [i for i, c in enumerate(flat) if f"--stack-name staging-jwt-{service}" in c and "deploy" in c][1]
        assert [*steps, roll] == sorted([*steps, roll])
    pushes = [call[2] for call in calls if call[:2] == ["docker", "push"]]
    assert pushes == [
        f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/{image}RepositoryUri:abc123"
        for image in ("Auth", "Resource", "Gateway")
    ]
    assert flat.index(next(c for c in flat if c.startswith("docker push"))) < flat.index(
        next(c for c in flat if "--stack-name staging-jwt-auth" in c)
    )


def assert_resource_untouched_and_nothing_after(calls) -> None:
    resource = [overrides for stack, overrides in deployed(calls) if stack == "staging-jwt-resource"]
    assert len(resource) == 1
    assert "ImageTag" not in resource[0]
    assert not [stack for stack, _ in deployed(calls) if stack in ("staging-jwt-gateway", "staging-jwt-monitoring")]


@pytest.mark.parametrize(
    ("task", "named", "exit_code"),
    [
        ("migrate", "migration", "1"),
        ("migrate", "migration", "2"),
        ("migrate", "migration", "None"),  # the container never ran
        ("db-roles", "database users task", "1"),
    ],
)
def test_a_failed_one_off_task_stops_the_deploy_with_that_services_tasks_unchanged(deploy, task, named, exit_code):
    result, calls = deploy("staging", "eu-west-1", FAKE_FAILING_TASK=f"resource-{task}", FAKE_EXIT_CODE=exit_code)
    assert result.returncode == 1
    assert f"the resource {named}" in result.stderr
    assert f"exited with {exit_code}" in result.stderr
    assert_resource_untouched_and_nothing_after(calls)


def test_a_one_off_task_that_cannot_be_waited_for_stops_the_deploy_too(deploy):
    result, calls = deploy("staging", "eu-west-1", FAKE_FAILING_WAIT="resource-migrate")
    assert result.returncode != 0
    assert_resource_untouched_and_nothing_after(calls)


def test_a_migration_is_waited_for_as_long_as_it_runs_within_the_deadline(deploy):
    result, calls = deploy("staging", FAKE_POLLS_RUNNING="resource-migrate=3")
    assert result.returncode == 0, result.stderr
    polls = [call for call in calls if "lastStatus" in " ".join(call) and call[-5].endswith("/resource-migrate")]
    assert len(polls) == 4
    assert [overrides.get("ImageTag") for stack, overrides in deployed(calls) if stack == "staging-jwt-resource"] == [
        None,
        "abc123",
    ]


def test_a_migration_still_running_at_the_deadline_stops_the_deploy_and_is_left_to_run(deploy):
    result, calls = deploy("staging", FAKE_POLLS_RUNNING="resource-migrate=forever", DEPLOY_TASK_TIMEOUT="1")
    assert result.returncode == 1
    assert "the resource migration (arn:aws:ecs:" in result.stderr
    assert "has not stopped after 1 s" in result.stderr
    assert not [call for call in calls if "stop-task" in call]
    assert_resource_untouched_and_nothing_after(calls)


def test_a_deploy_refuses_to_start_a_migration_beside_one_that_still_runs(deploy):
    result, calls = deploy("staging", FAKE_RUNNING_FAMILY="staging-resource-migrate")
    assert result.returncode == 1
    assert "a resource migration still runs (arn:aws:ecs:" in result.stderr
    assert not [call for call in calls if "run-task" in call and "staging-resource-migrate:7" in " ".join(call)]
    assert_resource_untouched_and_nothing_after(calls)


def test_an_image_already_in_its_repository_is_not_built_again(deploy):
    result, calls = deploy("staging", FAKE_PUSHED="AuthRepositoryUri GatewayRepositoryUri")
    assert result.returncode == 0, result.stderr
    assert [call[3] for call in calls if call[:2] == ["docker", "build"]] == [
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ResourceRepositoryUri:abc123"
    ]


def test_a_new_service_stack_starts_with_the_new_image_and_its_first_parameters(deploy):
    result, calls = deploy(
        "staging",
        FAKE_NEW_STACKS="staging-jwt-auth",
        PUBLIC_HOST="api.example.com",
        JWT_PRIVATE_KEY_SECRET_ARN="arn:aws:secretsmanager:eu-west-1:123456789012:secret:key",
    )
    assert result.returncode == 0, result.stderr
    first = next(overrides for stack, overrides in deployed(calls) if stack == "staging-jwt-auth")
    assert first["ImageTag"] == first["MigrationImageTag"] == "abc123"
    assert first["PublicHostName"] == "api.example.com"
    assert first["JwtPrivateKeySecretArn"].endswith(":secret:key")


def test_a_plan_calls_nothing_and_prints_the_deploy_in_order(deploy):
    result, calls = deploy("--plan", "production", "us-east-1")
    assert result.returncode == 0, result.stderr
    assert calls == []
    stacks = re.findall(r"cloudformation deploy --stack-name production-jwt-(\w+)", result.stdout)
    assert list(dict.fromkeys(stacks)) == deploy_order()
    assert "ecs run-task --cluster production-jwt-services" in result.stdout
    assert 'docker push "<AuthRepositoryUri of production-jwt-registry>:abc123"' in result.stdout
