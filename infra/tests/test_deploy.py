"""infra/deploy.sh, run against stand-ins of the aws, docker and curl commands that record each call (conftest.py):
the order of infra/README.md, images pushed once per commit, no service rolled past a migration that failed, a
smoke test after each roll that puts a failed release back, and a deploy role that may make every call."""

import fnmatch
import re

import pytest
from test_templates import as_list, deploy_order, load, statements


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
        f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/jwt-services/staging/{image}RepositoryUri:abc123"
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
    pushed = "jwt-services/staging/AuthRepositoryUri jwt-services/staging/GatewayRepositoryUri"
    result, calls = deploy("staging", FAKE_PUSHED=pushed)
    assert result.returncode == 0, result.stderr
    assert [call[3] for call in calls if call[:2] == ["docker", "build"]] == [
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/jwt-services/staging/ResourceRepositoryUri:abc123"
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


def curls(calls) -> list[list[str]]:
    return [call for call in calls if call[0] == "curl"]


def test_each_rolled_stack_is_smoke_tested_through_the_public_url_before_the_next_deploys(deploy):
    result, calls = deploy("staging")
    assert result.returncode == 0, result.stderr
    flat = [" ".join(call) for call in calls]
    readiness = [i for i, call in enumerate(flat) if call.startswith("curl") and call.endswith("/auth/readyz")]
    rolls = [i for i, (stack, overrides) in enumerate(deployed(calls)) if overrides.get("ImageTag") == "abc123"]
    assert [deployed(calls)[i][0] for i in rolls] == [f"staging-jwt-{s}" for s in ("auth", "resource", "gateway")]
    deploys = [i for i, call in enumerate(flat) if " cloudformation deploy " in call]
    roll_positions = [deploys[i] for i in rolls]
    assert len(readiness) == 3
    for roll, check, following in zip(roll_positions, readiness, [*roll_positions[1:], deploys[-1]], strict=True):
        assert roll < check < following
    urls = [call[-1] for call in curls(calls)]
    assert urls == [f"https://api.example.com/{prefix}/readyz" for _ in range(3) for prefix in ("auth", "api")]
    assert "no token round trip (SMOKE_TEST_SECRET_ARN is not set)" in result.stdout


def test_the_smoke_test_logs_in_lists_and_logs_out_with_no_secret_in_a_command_line(deploy):
    result, calls = deploy("staging", PUBLIC_HOST="api.example.org", SMOKE_TEST_SECRET_ARN="arn:aws:secretsmanager:x")
    assert result.returncode == 0, result.stderr
    round_trip = [call for call in curls(calls) if not call[-1].endswith("readyz")][:3]
    login, listing, logout = round_trip
    assert login[-2] == "https://api.example.org/auth/token/"
    assert login[-1] == '<stdin: {"email": "smoke@example.com", "password": "smoke password"}\n>'
    assert listing[-2] == "https://api.example.org/api/projects/"
    assert listing[-1] == "<header file: Authorization: Bearer ACCESS\n>"
    assert logout[-2] == "https://api.example.org/auth/logout/"
    assert logout[-1] == '<stdin: {"refresh": "REFRESH"}>'
    for call in calls:
        arguments = " ".join(part for part in call if not part.startswith("<"))
        assert "smoke password" not in arguments
        assert "ACCESS" not in arguments
        assert "REFRESH" not in arguments
    assert "smoke password" not in result.stdout + result.stderr
    assert "ACCESS" not in result.stdout + result.stderr


@pytest.mark.parametrize("failing", ["/api/readyz", "/auth/token/", "/api/projects/", "/auth/logout/"])
def test_a_failed_smoke_test_puts_the_stack_back_on_its_earlier_image_and_stops_the_deploy(deploy, failing):
    result, calls = deploy("staging", FAKE_FAILING_URLS=failing, SMOKE_TEST_SECRET_ARN="arn:aws:secretsmanager:x")
    assert result.returncode == 1
    assert "the smoke test failed after auth rolled to abc123; it runs before-auth again" in result.stderr
    tags = [overrides.get("ImageTag") for stack, overrides in deployed(calls) if stack == "staging-jwt-auth"]
    assert tags == [None, "abc123", "before-auth"]
    assert not [stack for stack, _ in deployed(calls) if stack.endswith(("resource", "gateway", "monitoring"))]


SMOKE_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:/jwt-services/staging/smoke-test-AbCdEf"
# The actions `aws cloudformation deploy` calls, and calls whose IAM action is not their name in CamelCase.
DEPLOY_ACTIONS = ["CreateChangeSet", "DescribeChangeSet", "ExecuteChangeSet", "DescribeStacks", "DescribeStackEvents"]
RENAMED = {("ecr", "get-login-password"): ["ecr:GetAuthorizationToken"]}


DOCKER_ACTIONS = {
    "pull": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    "push": ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"],
}


def needed(call: list[str]) -> list[tuple[str, str]]:
    """The IAM actions an aws or docker call of the stand-ins' log needs, each with the resource it acts on."""
    if call[0] == "docker":
        if call[1] not in DOCKER_ACTIONS:
            return []
        path = re.split(r"[@:]", call[2].split("/", 1)[1])[0]
        return [(action, f"arn:aws:ecr:eu-west-1:123456789012:repository/{path}") for action in DOCKER_ACTIONS[call[1]]]
    service, command, arguments = call[3], call[4], call[5:]

    def value(flag: str) -> str:
        return arguments[arguments.index(flag) + 1]

    resource = "*"
    if service == "cloudformation" and "--stack-name" in arguments:
        resource = f"arn:aws:cloudformation:eu-west-1:123456789012:stack/{value('--stack-name')}/id"
    elif command == "describe-images":
        resource = f"arn:aws:ecr:eu-west-1:123456789012:repository/{value('--repository-name')}"
    elif command == "run-task":
        resource = value("--task-definition")
    elif command == "describe-tasks":
        resource = value("--tasks")
    elif command == "get-secret-value":
        resource = value("--secret-id")
    if (service, command) in RENAMED:
        actions = RENAMED[service, command]
    elif (service, command) == ("cloudformation", "deploy"):
        actions = [f"cloudformation:{action}" for action in DEPLOY_ACTIONS]
    else:
        actions = [f"{service}:{command.title().replace('-', '')}"]
    return [(action, resource) for action in actions]


def granted_patterns(action: str, environment: str) -> list[str]:
    """The resources the deploy role may do ACTION on, as patterns, for the environment of account 123456789012 in
    eu-west-1, promoting from staging (an attribute of another resource, the environment's own repository, stands
    for its repositories)."""
    values = {"AWS::Partition": "aws", "AWS::Region": "eu-west-1", "AWS::AccountId": "123456789012"}
    values |= {"EnvironmentName": environment, "SmokeTestSecretArn": SMOKE_SECRET, "PromoteFromEnvironment": "staging"}
    patterns = []
    for statement in statements(load("registry")["Resources"]["DeployRole"], "registry"):
        if statement["Effect"] == "Allow" and action in as_list(statement["Action"]):
            for resource in as_list(statement["Resource"]):
                if isinstance(resource, str):
                    patterns.append(resource)
                elif "Fn::Sub" in resource:
                    patterns.append(re.sub(r"\$\{([\w:]+)\}", lambda m: values[m[1]], resource["Fn::Sub"]))
                elif "Ref" in resource:
                    patterns.append(values[resource["Ref"]])
                else:
                    patterns.append(f"arn:aws:ecr:eu-west-1:123456789012:repository/jwt-services/{environment}/*")
    return patterns


STAGING_IMAGES = " ".join(f"jwt-services/staging/{image}RepositoryUri" for image in ("Auth", "Resource", "Gateway"))


@pytest.mark.parametrize(
    ("environment", "settings"),
    [("staging", {}), ("production", {"PROMOTE_FROM": "staging", "FAKE_PUSHED": STAGING_IMAGES})],
)
def test_the_deploy_role_may_make_every_aws_call_of_a_deploy_and_its_smoke_test(deploy, environment, settings):
    result, calls = deploy(
        environment, FAKE_POLLS_RUNNING="auth-migrate=1", SMOKE_TEST_SECRET_ARN=SMOKE_SECRET, **settings
    )
    assert result.returncode == 0, result.stderr
    aws_calls = [call for call in calls if call[0] == "aws"]
    assert {call[4] for call in aws_calls} >= {"run-task", "list-tasks", "describe-tasks", "get-secret-value"}
    assert {call[1] for call in calls if call[0] == "docker"} >= {"push", "pull" if settings else "build"}
    for call in calls:
        if call[0] == "curl":
            continue
        for action, resource in needed(call):
            patterns = granted_patterns(action, environment)
            assert any(fnmatch.fnmatchcase(resource, pattern) for pattern in patterns), (action, resource, patterns)


def test_production_runs_the_images_staging_tested_pulled_by_digest_never_rebuilt(deploy):
    result, calls = deploy("production", PROMOTE_FROM="staging", FAKE_PUSHED=STAGING_IMAGES)
    assert result.returncode == 0, result.stderr
    docker = [call[1:] for call in calls if call[0] == "docker" and call[1] != "login"]
    host = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/jwt-services"
    expected = []
    for image in ("Auth", "Resource", "Gateway"):
        source = f"{host}/staging/{image}RepositoryUri@sha256:{image}RepositoryUri"
        target = f"{host}/production/{image}RepositoryUri:abc123"
        expected += [["pull", source], ["tag", source, target], ["push", target]]
    assert docker == expected
    assert [stack for stack, _ in deployed(calls)][-1] == "production-jwt-monitoring"


def test_an_image_staging_does_not_have_is_not_promoted_and_nothing_deploys(deploy):
    result, calls = deploy("production", PROMOTE_FROM="staging", FAKE_PUSHED=STAGING_IMAGES.rsplit(" ", 1)[0])
    assert result.returncode == 1
    assert "GatewayRepositoryUri has no image abc123: deploy it to staging first" in result.stderr
    assert not [stack for stack, _ in deployed(calls) if stack.endswith(("auth", "resource", "gateway"))]


@pytest.mark.parametrize("already_there", [False, True])
def test_an_image_whose_digest_is_not_stagings_stops_the_deploy(deploy, already_there):
    target = "jwt-services/production/ResourceRepositoryUri"
    pushed = f"{STAGING_IMAGES} {target}" if already_there else STAGING_IMAGES
    result, calls = deploy(
        "production", PROMOTE_FROM="staging", FAKE_PUSHED=pushed, FAKE_DIGESTS=f"{target}=sha256:rebuilt"
    )
    assert result.returncode == 1
    assert "ResourceRepositoryUri:abc123 is sha256:rebuilt, not staging's sha256:ResourceRepositoryUri" in result.stderr
    assert not [stack for stack, _ in deployed(calls) if stack.endswith(("auth", "resource", "gateway"))]
    assert bool([call for call in calls if call[:2] == ["docker", "push"] and target in call[2]]) is not already_there
