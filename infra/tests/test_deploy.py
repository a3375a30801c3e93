"""infra/deploy.sh, run against stand-ins of the aws and docker commands that record each call: the order of
infra/README.md, images pushed once per commit, and no service rolled past a migration that failed."""

import json
import os
import re
import subprocess
import sys

import pytest
from test_templates import ROOT, deploy_order

FAKE_AWS = r"""
import json, os, re, sys
args = sys.argv[1:]
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps(["aws", *args]) + "\n")
command = " ".join(args)
def value(flag):
    return args[args.index(flag) + 1]
if "cloudformation describe-stacks" in command:
    stack = value("--stack-name")
    if "--query" not in args:  # does the stack exist? (once deployed, its outputs are asked for)
        sys.exit(255 if stack in os.environ.get("FAKE_NEW_STACKS", "").split() else 0)
    key = re.search(r"OutputKey=='(\w+)'", value("--query"))[1]
    if key.endswith("RepositoryUri"):
        print(f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/{key}")
    else:  # MigrateTaskDefinition or DatabaseRolesTaskDefinition
        environment, _, service = stack.split("-")
        kind = "migrate" if key == "MigrateTaskDefinition" else "db-roles"
        print(f"arn:aws:ecs:eu-west-1:123456789012:task-definition/{environment}-{service}-{kind}:7")
elif "cloudformation list-exports" in command:
    print(re.search(r"Name=='([\w-]+)'", value("--query"))[1] + "-value")
elif "ecr describe-images" in command:
    sys.exit(0 if value("--repository-name") in os.environ.get("FAKE_PUSHED", "").split() else 254)
elif "ecr get-login-password" in command:
    print("password")
elif "ecs run-task" in command:
    service, kind = re.search(r"-(\w+)-(migrate|db-roles):", value("--task-definition")).groups()
    print(f"arn:aws:ecs:eu-west-1:123456789012:task/staging-jwt-services/{service}-{kind}")
elif "ecs list-tasks" in command:
    running = os.environ.get("FAKE_RUNNING_FAMILY")
    print(f"arn:aws:ecs:eu-west-1:123456789012:task/{running}-1" if value("--family") == running else "None")
elif "ecs describe-tasks" in command and "lastStatus" in value("--query"):
    task = value("--tasks").rsplit("/", 1)[1]
    if task == os.environ.get("FAKE_FAILING_WAIT"):
        sys.exit(255)
    # RUNNING for as many polls as FAKE_POLLS_RUNNING says, for the task it names, then STOPPED.
    polls = os.environ["FAKE_LOG"] + "." + task
    seen = int(open(polls).read()) if os.path.exists(polls) else 0
    open(polls, "w").write(str(seen + 1))
    slow, _, count = os.environ.get("FAKE_POLLS_RUNNING", "").partition("=")
    print("RUNNING" if task == slow and (count == "forever" or seen < int(count)) else "STOPPED")
elif "ecs describe-tasks" in command:
    # The exit code as `--output text` prints it: "None" for a container that never ran.
    failing = os.environ.get("FAKE_FAILING_TASK")
    print(os.environ.get("FAKE_EXIT_CODE", "1") if failing and value("--tasks").endswith(f"/{failing}") else 0)
"""

FAKE_DOCKER = r"""
import json, os, sys
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps(["docker", *sys.argv[1:]]) + "\n")
sys.stdin.read() if sys.argv[1:2] == ["login"] else None
"""


@pytest.fixture
def deploy(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, source in (("aws", FAKE_AWS), ("docker", FAKE_DOCKER)):
        (bin_dir / name).write_text(f"#!{sys.executable}\n{source}")
        (bin_dir / name).chmod(0o755)
    log = tmp_path / "calls.jsonl"

    def run(*args: str, **env: str) -> tuple[subprocess.CompletedProcess, list[list[str]]]:
        environment = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "FAKE_LOG": str(log)}
        environment |= {"IMAGE_TAG": "abc123", **env}
        result = subprocess.run(  # noqa: S603 (the script of this repository)
            [str(ROOT / "infra" / "deploy.sh"), *args], env=environment, capture_output=True, text=True, timeout=60
        )
        calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        return result, calls

    return run


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
    result, calls = deploy("staging", FAKE_POLLS_RUNNING="resource-migrate=3", DEPLOY_POLL_SECONDS="0")
    assert result.returncode == 0, result.stderr
    polls = [call for call in calls if "lastStatus" in " ".join(call) and call[-5].endswith("/resource-migrate")]
    assert len(polls) == 4
    assert [overrides.get("ImageTag") for stack, overrides in deployed(calls) if stack == "staging-jwt-resource"] == [
        None,
        "abc123",
    ]


def test_a_migration_still_running_at_the_deadline_stops_the_deploy_and_is_left_to_run(deploy):
    result, calls = deploy(
        "staging", FAKE_POLLS_RUNNING="resource-migrate=forever", DEPLOY_POLL_SECONDS="0", DEPLOY_TASK_TIMEOUT="1"
    )
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
