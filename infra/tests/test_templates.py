"""What the CloudFormation templates must guarantee, read from the templates themselves."""

import json
import re
from pathlib import Path

import pytest
import yaml
from cfnlint.decode import decode_str

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = {path.stem: path for path in (ROOT / "infra" / "templates").glob("*.yaml")}
SERVICE_STACKS = ("auth", "resource", "gateway")
SECRET_LOOKING = re.compile(r"SECRET|PASSWORD|PRIVATE|TOKEN|CREDENTIAL", re.IGNORECASE)
# Settings whose names look secret but are not (DATABASE_SECRET_ARN names a secret; it holds none).
NOT_SECRET = {"ACCESS_TOKEN_LIFETIME", "REFRESH_TOKEN_LIFETIME", "DATABASE_SECRET_ARN"}
# Task definitions run once by an operator or the deploy, not as services: no health check is needed.
ONE_OFF_TASKS = {"MigrateTask", "DatabaseRolesTask"}


def load(name: str) -> dict:
    template, errors = decode_str(TEMPLATES[name].read_text())
    assert not errors, errors
    return template


def resources(name: str, kind: str) -> dict[str, dict]:
    return {key: value for key, value in load(name)["Resources"].items() if value["Type"] == kind}


def containers(name: str) -> list[tuple[str, dict]]:
    return [
        (task, container)
        for task, definition in resources(name, "AWS::ECS::TaskDefinition").items()
        for container in definition["Properties"]["ContainerDefinitions"]
    ]


def refs_in(node) -> str:
    return json.dumps(node, default=str)


def expand(items: list) -> list[dict]:
    """List items, with both branches of an Fn::If taken (AWS::NoValue dropped)."""
    expanded = []
    for item in items:
        branches = item["Fn::If"][1:] if isinstance(item, dict) and "Fn::If" in item else [item]
        expanded += [branch for branch in branches if branch != {"Ref": "AWS::NoValue"}]
    return expanded


def secrets_of(container: dict) -> list[dict]:
    return expand(container.get("Secrets", []))


# Where a secret comes from: a parameter of the stack, or an export of the data stack.
SOURCE = re.compile(
    r"JwtPrivateKeySecretArn|JwtPublicKeysParameter|JwtPreviousPublicKeysParameter|"
    r"\$\{EnvironmentName\}-(\w+)"
)


def test_every_template_is_here():
    assert set(TEMPLATES) == {
        *("bootstrap", "registry", "network", "data", "platform", "auth", "resource", "gateway", "monitoring")
    }


def test_the_seven_services_exist_and_each_but_the_beats_scales_on_its_own():
    services = {}
    for stack in SERVICE_STACKS:
        for logical_id, service in resources(stack, "AWS::ECS::Service").items():
            services[service["Properties"]["ServiceName"]] = (stack, logical_id)
    assert set(services) == {
        "gateway",
        "auth",
        "resource",
        "auth-worker",
        "resource-worker",
        "auth-beat",
        "resource-beat",
    }

    for name, (stack, logical_id) in services.items():
        targets = [
            target
            for target in resources(stack, "AWS::ApplicationAutoScaling::ScalableTarget").values()
            if f"{logical_id}.Name" in refs_in(target["Properties"]["ResourceId"])
        ]
        if name.endswith("-beat"):
            assert targets == []
        else:
            assert len(targets) == 1, name
            policies = [
                policy
                for policy in resources(stack, "AWS::ApplicationAutoScaling::ScalingPolicy").values()
                if policy["Properties"]["PolicyType"] == "TargetTrackingScaling"
            ]
            assert policies, name


@pytest.mark.parametrize("stack", ["auth", "resource"])
def test_each_services_beat_is_pinned_to_exactly_one_task_sending_that_services_schedule(stack):
    (beat,) = [
        s for s in resources(stack, "AWS::ECS::Service").values() if s["Properties"]["ServiceName"] == f"{stack}-beat"
    ]
    assert beat["Properties"]["DesiredCount"] == 1
    assert beat["Properties"]["DeploymentConfiguration"]["MaximumPercent"] == 100
    task = resources(stack, "AWS::ECS::TaskDefinition")[beat["Properties"]["TaskDefinition"]["Ref"]]
    assert task["Properties"]["ContainerDefinitions"][0]["Command"][:4] == [
        "celery",
        "-A",
        f"{stack}_service",
        "--quiet",
    ]


EXEC_AGENT_PATHS = {"/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm"}


def test_every_service_rolls_back_failed_deployments_and_allows_ecs_exec_but_the_one_holding_the_key():
    for stack in SERVICE_STACKS:
        tasks = resources(stack, "AWS::ECS::TaskDefinition")
        for service in resources(stack, "AWS::ECS::Service").values():
            properties = service["Properties"]
            assert properties["DeploymentConfiguration"]["DeploymentCircuitBreaker"] == {
                "Enable": True,
                "Rollback": True,
            }
            task = tasks[properties["TaskDefinition"]["Ref"]]["Properties"]
            holds_key = "JwtPrivateKeySecretArn" in refs_in(task)
            assert properties["EnableExecuteCommand"] is not holds_key, properties["ServiceName"]
            if properties["EnableExecuteCommand"]:
                # The agent needs these writable on a read-only root.
                volumes = {volume["Name"] for volume in task["Volumes"]}
                for container in task["ContainerDefinitions"]:
                    mounts = {m["ContainerPath"]: m["SourceVolume"] for m in container["MountPoints"]}
                    assert set(mounts) >= EXEC_AGENT_PATHS, properties["ServiceName"]
                    assert {mounts[path] for path in EXEC_AGENT_PATHS} <= volumes
            assert properties["HealthCheckGracePeriodSeconds"] > 0
            assert properties["LaunchType"] == "FARGATE"
            assert properties["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] == "DISABLED"


WEB_SERVICES = {"auth": "auth", "resource": "resource", "gateway": "gateway"}


def release_alarm(stack: str) -> dict:
    """The alarm the stack's web service's deployments watch, checked to be rolled back on."""
    (web,) = [
        s["Properties"]
        for s in resources(stack, "AWS::ECS::Service").values()
        if s["Properties"]["ServiceName"] == WEB_SERVICES[stack]
    ]
    alarms = web["DeploymentConfiguration"]["Alarms"]
    assert alarms["Enable"] is True
    assert alarms["Rollback"] is True
    (name,) = alarms["AlarmNames"]
    return resources(stack, "AWS::CloudWatch::Alarm")[name["Ref"]]["Properties"]


def metric_stats(alarm: dict) -> dict[str, dict]:
    return {query["Id"]: query["MetricStat"]["Metric"] for query in alarm["Metrics"] if "MetricStat" in query}


def test_a_release_whose_requests_fail_is_rolled_back_where_a_quiet_minute_judges_nothing():
    for stack in WEB_SERVICES:
        alarm = release_alarm(stack)
        (expression,) = [query for query in alarm["Metrics"] if "Expression" in query]
        assert expression["Expression"]["Fn::Sub"].startswith("IF(requests >= ${ReleaseMinimumRequests}, 100 * "), stack
        assert set(metric_stats(alarm)) == {"errors", "requests"}
        assert alarm["TreatMissingData"] == "notBreaching"
        assert alarm["Threshold"] == {"Ref": "ReleaseErrorRatePercent"}
        assert alarm["DatapointsToAlarm"] == alarm["EvaluationPeriods"] == 2
    gateway = metric_stats(release_alarm("gateway"))
    assert (gateway["errors"]["MetricName"], gateway["requests"]["MetricName"]) == (
        "HTTPCode_Target_5XX_Count",
        "RequestCount",
    )
    assert {d["Name"] for d in gateway["errors"]["Dimensions"]} == {"LoadBalancer", "TargetGroup"}


@pytest.mark.parametrize("stack", ["auth", "resource"])
def test_a_services_release_alarm_counts_that_services_own_request_log_lines(stack):
    """The metric filters match the service's request log line: its logger's name, which the JSON formatter writes as
    "logger", and its "status" (lib/requests.py, base_settings.py)."""
    package = ROOT / f"{stack}_service" / f"{stack}_service"
    requests_module = (package / "lib" / "requests.py").read_text()
    assert f'logger = logging.getLogger("{stack}_service.requests")' in requests_module
    assert '"status": response.status_code' in requests_module
    assert (
        '"rename_fields": {"asctime": "time", "levelname": "level", "name": "logger", '
        in (package / "base_settings.py").read_text()
    )
    filters = {
        f["Properties"]["MetricTransformations"][0]["MetricName"]: f["Properties"]
        for f in resources(stack, "AWS::Logs::MetricFilter").values()
    }
    capitalized = stack.capitalize()
    logger = f'$.logger = "{stack}_service.requests"'
    assert filters[f"{capitalized}Requests"]["FilterPattern"] == f"{{ {logger} }}"
    assert filters[f"{capitalized}ServerErrors"]["FilterPattern"] == f"{{ {logger} && $.status >= 500 }}"
    for metric_filter in filters.values():
        assert metric_filter["LogGroupName"] == {"Ref": "LogGroup"}
    metrics = metric_stats(release_alarm(stack))
    assert metrics["requests"]["MetricName"] == f"{capitalized}Requests"
    assert metrics["errors"]["MetricName"] == f"{capitalized}ServerErrors"
    namespaces = {t["MetricNamespace"]["Fn::Sub"] for f in filters.values() for t in f["MetricTransformations"]}
    assert namespaces == {m["Namespace"]["Fn::Sub"] for m in metrics.values()} == {"JwtServices/${EnvironmentName}"}


def test_the_private_key_is_given_to_the_auth_web_task_only():
    holders = []
    for stack in TEMPLATES:
        for task, container in containers(stack) if stack in SERVICE_STACKS else []:
            for secret in secrets_of(container):
                if "JwtPrivateKeySecretArn" in refs_in(secret):
                    holders.append((stack, task, secret["Name"]))
    assert holders == [("auth", "WebTask", "JWT_PRIVATE_KEY")]
    # No other template mentions the key at all.
    for stack, path in TEMPLATES.items():
        if stack != "auth":
            assert "JwtPrivateKey" not in path.read_text(), stack


def test_the_resource_service_gets_public_keys_only():
    text = TEMPLATES["resource"].read_text()
    assert "PRIVATE" not in text.upper().replace("PRIVATESUBNETS", "")
    names = {secret["Name"] for _, container in containers("resource") for secret in secrets_of(container)}
    assert "JWT_PUBLIC_KEY" in names


def test_no_secret_is_a_plain_environment_value():
    for stack in SERVICE_STACKS:
        for task, container in containers(stack):
            for variable in container.get("Environment", []):
                name = variable["Name"]
                assert name in NOT_SECRET or not SECRET_LOOKING.search(name), (stack, task, name)
            for secret in secrets_of(container):
                assert "ValueFrom" in secret


def test_each_execution_role_reads_exactly_the_secrets_of_its_tasks():
    for stack in SERVICE_STACKS:
        roles = resources(stack, "AWS::IAM::Role")
        tasks = resources(stack, "AWS::ECS::TaskDefinition")
        needed_by_role: dict[str, set[str]] = {}
        for task_id, task in tasks.items():
            role_id = task["Properties"]["ExecutionRoleArn"]["Fn::GetAtt"][0]
            task_role_id = task["Properties"]["TaskRoleArn"]["Fn::GetAtt"][0]
            assert role_id != task_role_id, task_id
            for container in task["Properties"]["ContainerDefinitions"]:
                for secret in secrets_of(container):
                    match = SOURCE.search(refs_in(secret["ValueFrom"]))
                    assert match, (stack, task_id, secret["Name"])
                    needed_by_role.setdefault(role_id, set()).add(match.group(0))
                # The task itself reads the secret its database password came from again, after a rotation.
                for variable in container.get("Environment", []):
                    if variable["Name"] == "DATABASE_SECRET_ARN":
                        match = SOURCE.search(refs_in(variable["Value"]))
                        assert match, (stack, task_id)
                        needed_by_role.setdefault(task_role_id, set()).add(match.group(0))
        for role_id, role in roles.items():
            granted = {m.group(0) for m in SOURCE.finditer(refs_in(policy_documents(stack, role)))}
            # Keys that decrypt secrets are not secrets; everything else granted must be needed, and vice versa.
            granted = {name for name in granted if not name.endswith(("DataKeyArn", "LogKeyArn", "ExportBucketArn"))}
            assert granted == needed_by_role.get(role_id, set()), (stack, role_id)


# The actions that read a secret or a parameter, and a pattern any of them could be granted with.
SECRET_READS = re.compile(r"^(secretsmanager|ssm):(\*|Get\w*|Batch\w*|Describe\w*|\w*\*)$|^\*$", re.IGNORECASE)


def policy_documents(stack: str, role: dict) -> list[dict]:
    """The role's inline policies and the managed policies of its stack it is given."""
    managed = resources(stack, "AWS::IAM::ManagedPolicy")
    attached = [managed[arn["Ref"]] for arn in role["Properties"].get("ManagedPolicyArns", []) if "Ref" in arn]
    return [policy["PolicyDocument"] for policy in role["Properties"].get("Policies", [])] + [
        policy["Properties"]["PolicyDocument"] for policy in attached
    ]


def statements(role: dict, stack: str) -> list[dict]:
    return [statement for document in policy_documents(stack, role) for statement in expand(document["Statement"])]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_every_grant_to_read_secrets_names_each_one_without_a_wildcard():
    """The test above compares the secrets a role names; a wildcard ARN, or an action that reads secrets granted
    on "*", names none and would pass it while granting them all. (The bootstrap stack's role is CloudFormation's:
    it creates the secrets, whose names it generates; test_bootstrap.py holds what it may do.)"""
    for stack in set(TEMPLATES) - {"bootstrap"}:
        for role_id, role in resources(stack, "AWS::IAM::Role").items():
            for statement in statements(role, stack):
                if statement["Effect"] != "Allow" or not any(
                    SECRET_READS.match(action) for action in as_list(statement["Action"])
                ):
                    continue
                assert "NotResource" not in statement, (stack, role_id)
                for resource in as_list(statement["Resource"]):
                    assert "*" not in refs_in(resource), (stack, role_id, resource)


def test_a_deploy_leaves_the_running_count_of_a_scaled_service_to_its_scaler():
    """A DesiredCount is sent with every update of the service: on a scaled service it would reset the count the
    scaler reached to the template's at each deploy (aws-cdk #13130). Only the unscaled beats set one: exactly 1."""
    scaled_services = 0
    for stack in SERVICE_STACKS:
        targets = refs_in(resources(stack, "AWS::ApplicationAutoScaling::ScalableTarget"))
        for service_id, service in resources(stack, "AWS::ECS::Service").items():
            if f"{service_id}.Name" in targets:
                scaled_services += 1
                assert "DesiredCount" not in service["Properties"], (stack, service_id)
            else:
                assert service["Properties"]["DesiredCount"] == 1, (stack, service_id)
    assert scaled_services == 5


def test_a_worker_or_a_beat_is_alive_while_its_heartbeat_is_fresh_whatever_redis_does():
    """Their health checks read the heartbeat file their main process keeps (lib/worker.py): a check that pinged
    the broker marked every worker and beat unhealthy at once in a Redis failover, and ECS replaced them all."""
    checked = 0
    for stack in ("auth", "resource"):
        for _, container in containers(stack):
            command = container.get("Command", [])
            if "worker" in command or "beat" in command:
                checked += 1
                test = " ".join(container["HealthCheck"]["Command"])
                assert "stat -c %Y /tmp/heartbeat" in test, (stack, command)
                assert not re.search(r"celery|redis|python|ping", test), (stack, test)
    assert checked == 4


def test_a_stopped_worker_has_the_longest_wait_fargate_gives_to_finish_its_tasks():
    workers = [(stack, container) for stack in ("auth", "resource") for _, container in containers(stack)]
    workers = [(stack, container) for stack, container in workers if "worker" in container.get("Command", [])]
    assert len(workers) == 2
    for stack, container in workers:
        assert container["StopTimeout"] == 120, stack


def test_the_resource_task_uses_the_data_key_through_s3_only():
    """The task role may encrypt and decrypt with the data key for its export files; not, say, read another
    secret's ciphertext it came across."""
    grants = [
        (role_id, statement)
        for role_id, role in resources("resource", "AWS::IAM::Role").items()
        for statement in statements(role, "resource")
        if "kms:GenerateDataKey" in as_list(statement["Action"])
    ]
    assert [role_id for role_id, _ in grants] == ["TaskRole"]
    (_, statement) = grants[0]
    assert statement["Condition"] == {
        "StringEquals": {"kms:ViaService": {"Fn::Sub": "s3.${AWS::Region}.amazonaws.com"}}
    }


def test_every_log_group_keeps_logs_for_a_while_encrypted():
    groups = [(stack, group) for stack in TEMPLATES for group in resources(stack, "AWS::Logs::LogGroup").values()]
    assert len(groups) >= 5
    for stack, group in groups:
        assert group["Properties"]["RetentionInDays"], stack
        assert group["Properties"]["KmsKeyId"], stack


def test_every_container_logs_to_its_stacks_log_group():
    for stack in SERVICE_STACKS:
        for task, container in containers(stack):
            options = container["LogConfiguration"]["Options"]
            assert container["LogConfiguration"]["LogDriver"] == "awslogs"
            assert options["awslogs-group"] == {"Ref": "LogGroup"}, (stack, task)


def test_data_stores_are_encrypted_private_and_kept():
    databases = resources("data", "AWS::RDS::DBInstance")
    assert {db["Properties"]["DBName"] for db in databases.values()} == {"auth", "resource"}
    for database in databases.values():
        properties = database["Properties"]
        assert properties["StorageEncrypted"] is True
        assert properties["PubliclyAccessible"] is False
        assert properties["MultiAZ"] is True
        assert properties["DeletionProtection"] is True
        assert properties["ManageMasterUserPassword"] is True
        assert database["DeletionPolicy"] == database["UpdateReplacePolicy"] == "Snapshot"
        assert "PrivateSubnets" in refs_in(load("data")["Resources"]["DatabaseSubnets"])
    (redis,) = resources("data", "AWS::ElastiCache::ReplicationGroup").values()
    assert redis["Properties"]["AtRestEncryptionEnabled"] is True
    assert redis["Properties"]["TransitEncryptionEnabled"] is True
    assert "AuthToken" not in redis["Properties"]
    assert redis["Properties"]["UserGroupIds"] == [{"Ref": "RedisUsers"}]
    for bucket in resources("data", "AWS::S3::Bucket").values():
        assert all(bucket["Properties"]["PublicAccessBlockConfiguration"].values())
        assert bucket["Properties"]["BucketEncryption"]


def test_every_security_group_rule_is_described():
    network = load("network")["Resources"]
    for logical_id, resource in network.items():
        if resource["Type"] in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
            assert resource["Properties"]["Description"], logical_id
        if resource["Type"] == "AWS::EC2::SecurityGroup":
            for rule in resource["Properties"].get("SecurityGroupIngress", []):
                assert rule["Description"], logical_id


def test_only_the_load_balancer_is_open_to_the_internet():
    network = load("network")["Resources"]
    open_ingress = [
        logical_id
        for logical_id, resource in network.items()
        if resource["Type"] == "AWS::EC2::SecurityGroup"
        and any(rule.get("CidrIp") == "0.0.0.0/0" for rule in resource["Properties"].get("SecurityGroupIngress", []))
    ]
    assert open_ingress == ["LoadBalancerSecurityGroup"]
    assert not [
        logical_id
        for logical_id, resource in network.items()
        if resource["Type"] == "AWS::EC2::SecurityGroupIngress" and "CidrIp" in resource["Properties"]
    ]


def test_the_load_balancer_speaks_tls_and_forwards_everything_to_the_gateway():
    platform = load("platform")["Resources"]
    listeners = {
        r["Properties"]["Port"]: r["Properties"] for r in platform.values() if r["Type"].endswith("::Listener")
    }
    assert listeners[443]["Protocol"] == "HTTPS"
    assert listeners[443]["SslPolicy"].startswith("ELBSecurityPolicy-TLS13-1-2")
    assert listeners[443]["DefaultActions"] == [{"Type": "forward", "TargetGroupArn": {"Ref": "GatewayTargets"}}]
    assert listeners[80]["DefaultActions"][0]["RedirectConfig"]["Protocol"] == "HTTPS"
    assert not [r for r in platform.values() if r["Type"] == "AWS::ElasticLoadBalancingV2::ListenerRule"]
    attributes = {a["Key"]: a["Value"] for a in platform["LoadBalancer"]["Properties"]["LoadBalancerAttributes"]}
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["access_logs.s3.enabled"] == "true"
    assert platform["GatewayTargets"]["Properties"]["HealthCheckPath"] == "/healthz"
    assert platform["Cluster"]["Properties"]["ClusterSettings"] == [{"Name": "containerInsights", "Value": "enabled"}]


def test_the_gateway_reaches_the_services_by_their_service_connect_names():
    ((_, gateway),) = containers("gateway")
    environment = {variable["Name"]: variable["Value"] for variable in gateway["Environment"]}
    aliases = {}
    for stack in ("auth", "resource"):
        for service in resources(stack, "AWS::ECS::Service").values():
            for entry in service["Properties"].get("ServiceConnectConfiguration", {}).get("Services", []):
                for alias in entry["ClientAliases"]:
                    aliases[stack] = f"{alias['DnsName']}:{alias['Port']}"
    assert environment["AUTH_UPSTREAM"] == aliases["auth"] == "auth:8000"
    assert environment["RESOURCE_UPSTREAM"] == aliases["resource"] == "resource:8000"


def test_the_gateway_task_sets_what_the_gateway_configuration_needs():
    run_sh = (ROOT / "gateway" / "run.sh").read_text()
    ((_, gateway),) = containers("gateway")
    names = {variable["Name"] for variable in gateway["Environment"]}
    assert {
        "AUTH_UPSTREAM",
        "RESOURCE_UPSTREAM",
        "GATEWAY_PORT",
        "GATEWAY_TRUSTED_PROXIES",
        "GATEWAY_ADMIN_RATE",
        "GATEWAY_ADMIN_ALLOW",
    } <= names
    assert all(name in run_sh for name in names)
    assert gateway["PortMappings"][0]["ContainerPort"] == 8080


def test_the_gateway_routes_of_the_contract_are_in_its_configuration():
    template = (ROOT / "gateway" / "nginx.conf.template").read_text()
    for route in ("location ^~ /auth/", "location ^~ /api/", "location = /healthz", "location / {"):
        assert route in template
    assert "proxy_pass http://auth_service;" in template
    assert "proxy_pass http://resource_service;" in template
    assert "metrics" not in template


@pytest.mark.parametrize("stack", SERVICE_STACKS)
def test_containers_run_with_a_read_only_root_and_health_checks(stack):
    for task, container in containers(stack):
        assert container["ReadonlyRootFilesystem"] is True, task
        if task not in ONE_OFF_TASKS:
            assert container["HealthCheck"]["Command"], task


@pytest.mark.parametrize("stack", ["auth", "resource"])
def test_a_migration_task_exists_for_each_service(stack):
    migrate = load(stack)["Resources"]["MigrateTask"]["Properties"]["ContainerDefinitions"][0]
    assert migrate["Command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert "MigrateTaskDefinition" in load(stack)["Outputs"]


@pytest.mark.parametrize("stack", SERVICE_STACKS)
def test_each_service_deploys_its_own_image_tag(stack):
    template = load(stack)
    assert "ImageTag" in template["Parameters"]
    for task, container in containers(stack):
        if task in ONE_OFF_TASKS:
            # Migrations run from their own tag first, so that the schema is ready before the services roll.
            assert "MigrationImageTag" in refs_in(container["Image"])
        else:
            assert container["Image"] == {"Fn::Sub": "${ImageRepository}:${ImageTag}"}


def deploy_order() -> list[str]:
    """The templates in the order of infra/README.md's stack table, which is the deploy order."""
    readme = (ROOT / "infra" / "README.md").read_text()
    return re.findall(r"^\| `<env>-jwt-[a-z]+` \| `([a-z]+)\.yaml` \|", readme, re.M)


def walk(node):
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        yield from walk(child)


def exported_name(name_node) -> str:
    """An export or import name, `${EnvironmentName}-Name`, as `Name`."""
    name = name_node["Fn::Sub"]
    assert name.startswith("${EnvironmentName}-"), name
    return name.removeprefix("${EnvironmentName}-")


def exports_of(stack: str) -> list[str]:
    return [exported_name(output["Export"]["Name"]) for output in load(stack)["Outputs"].values() if "Export" in output]


def imports_of(stack: str) -> set[str]:
    return {
        exported_name(node["Fn::ImportValue"])
        for node in walk(load(stack))
        if isinstance(node, dict) and "Fn::ImportValue" in node
    }


def test_the_documented_deploy_order_names_every_template_once():
    order = deploy_order()
    assert sorted(order) == sorted(set(TEMPLATES) - {"bootstrap"})  # an administrator deploys that one first
    assert len(order) == len(set(order))


def test_every_import_names_an_export_of_a_stack_earlier_in_the_deploy_order():
    order = deploy_order()
    exported_by = {}
    for stack in order:
        for name in exports_of(stack):
            assert name not in exported_by, f"{name} is exported by {exported_by.get(name)} and {stack}"
            exported_by[name] = stack
    for position, stack in enumerate(order):
        for name in sorted(imports_of(stack)):
            assert name in exported_by, f"{stack} imports {name}, which no stack exports"
            assert exported_by[name] in order[:position], f"{stack} imports {name} of the later {exported_by[name]}"


def test_each_image_has_a_repository_scanned_on_push_with_immutable_tags_and_kept_to_the_newest():
    repositories = resources("registry", "AWS::ECR::Repository")
    assert sorted(r["Properties"]["RepositoryName"]["Fn::Sub"] for r in repositories.values()) == [
        f"jwt-services/${{EnvironmentName}}/{image}" for image in ("auth", "gateway", "resource")
    ]
    for repository in repositories.values():
        properties = repository["Properties"]
        assert properties["ImageTagMutability"] == "IMMUTABLE"
        assert properties["ImageScanningConfiguration"] == {"ScanOnPush": True}
        assert properties["EncryptionConfiguration"]["EncryptionType"] == "KMS"
        policy = json.loads(
            properties["LifecyclePolicy"]["LifecyclePolicyText"]["Fn::Sub"].replace("${KeepImages}", "30")
        )
        (rule,) = policy["rules"]
        assert rule["selection"] == {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30}
        assert rule["action"] == {"type": "expire"}
        assert repository["DeletionPolicy"] == "Retain"


def test_the_deploy_role_is_assumed_through_oidc_by_one_repositorys_environment_only():
    role = load("registry")["Resources"]["DeployRole"]
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert list(statement["Principal"]) == ["Federated"]
    assert statement["Condition"]["StringEquals"] == {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": {
            "Fn::Sub": "repo:${GitHubRepository}:environment:${EnvironmentName}"
        },
    }
    assert not resources("registry", "AWS::IAM::AccessKey")
    assert not resources("registry", "AWS::IAM::User")
    for policy_statement in statements(role, "registry"):
        if "iam:PassRole" in policy_statement["Action"]:
            assert "iam:PassedToService" in refs_in(policy_statement["Condition"])


ALARMS = resources("monitoring", "AWS::CloudWatch::Alarm")


def alarmed_metrics(alarm: dict) -> list[tuple[str, str, str]]:
    """(namespace, metric, dimensions) of an alarm, of each metric of a metric-math alarm too."""
    properties = alarm["Properties"]
    metrics = [m["MetricStat"]["Metric"] for m in properties.get("Metrics", []) if "MetricStat" in m] or [properties]
    # The services' own metrics are in the namespace of their environment.
    namespaces = [m["Namespace"] if isinstance(m["Namespace"], str) else m["Namespace"]["Fn::Sub"] for m in metrics]
    return [
        (namespace, m["MetricName"], refs_in(m.get("Dimensions", [])))
        for namespace, m in zip(namespaces, metrics, strict=True)
    ]


PAGE = [{"Ref": "AlarmTopicArn"}]
TICKET = [{"Fn::If": ["HasTicketTopic", {"Ref": "TicketTopicArn"}, {"Ref": "AlarmTopicArn"}]}]


def test_every_alarm_notifies_the_paging_or_the_ticket_topic_when_it_fires_and_when_it_clears():
    assert {"AlarmTopicArn", "TicketTopicArn"} <= set(load("monitoring")["Parameters"])
    for name, alarm in ALARMS.items():
        assert alarm["Properties"]["AlarmActions"] in (PAGE, TICKET), name
        assert alarm["Properties"]["OKActions"] == alarm["Properties"]["AlarmActions"], name


# Each Prometheus alert of infra/prometheus/alerts.yml and the CloudWatch alarms that stand for it on AWS.
COUNTERPARTS = {
    "ServiceDown": ["AuthTasks", "ResourceTasks"],
    "WorkerDown": ["AuthWorkerTasks", "ResourceWorkerTasks"],
    "DependencyUnreachable": ["AuthUnavailable", "ResourceUnavailable"],
    "HighErrorRate": ["AuthErrorRate", "ResourceErrorRate"],
    "HighLatency": ["LatencyP99"],
    "RevocationStoreErrors": ["AuthRevocationStoreErrors", "ResourceRevocationStoreErrors"],
    "RefreshTokenReuse": ["AuthRefreshReuse"],
    "LoginAttack": ["AuthLoginAttack"],
    "SecondFactorAttack": ["AuthSecondFactorAttack"],
    "TaskFailures": ["AuthTaskFailures", "ResourceTaskFailures"],
}


def test_each_prometheus_alert_has_a_cloudwatch_alarm_of_its_severity():
    rules = yaml.safe_load((ROOT / "infra" / "prometheus" / "alerts.yml").read_text())["groups"][0]["rules"]
    assert {rule["alert"] for rule in rules} == set(COUNTERPARTS)
    for rule in rules:
        topic = PAGE if rule["labels"]["severity"] == "page" else TICKET
        for name in COUNTERPARTS[rule["alert"]]:
            assert ALARMS[name]["Properties"]["AlarmActions"] == topic, (rule["alert"], name)


@pytest.mark.parametrize("stack", ["auth", "resource"])
def test_the_log_lines_the_metric_filters_count_are_written_by_the_service(stack):
    """A filter on a message counts a line the service's code logs (or Celery's, on its logger)."""
    code = "\n".join(path.read_text() for path in (ROOT / f"{stack}_service" / f"{stack}_service").rglob("*.py"))
    for metric_filter in resources(stack, "AWS::Logs::MetricFilter").values():
        pattern = metric_filter["Properties"]["FilterPattern"]
        for message in re.findall(r'\$\.message = "([^"]+)"', pattern):
            assert re.search(r'logger\.\w+\(\s*"' + re.escape(message.rstrip("*")), code), message
        for logger in re.findall(r'\$\.logger = "([^"]+)"', pattern):
            assert logger == "celery.app.trace" or f'logging.getLogger("{logger}")' in code, logger


def test_the_alarms_cover_the_load_balancer_every_ecs_service_the_databases_and_redis():
    alarmed = {(namespace, metric): [] for alarm in ALARMS.values() for namespace, metric, _ in alarmed_metrics(alarm)}
    for alarm in ALARMS.values():
        for namespace, metric, dimensions in alarmed_metrics(alarm):
            alarmed[(namespace, metric)].append(dimensions)
    assert {
        ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"),
        ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count"),
        ("AWS/ApplicationELB", "RequestCount"),
        ("AWS/ApplicationELB", "TargetResponseTime"),
        ("AWS/ApplicationELB", "UnHealthyHostCount"),
        ("AWS/ECS", "CPUUtilization"),
        ("AWS/ECS", "MemoryUtilization"),
        ("AWS/RDS", "CPUUtilization"),
        ("AWS/RDS", "FreeStorageSpace"),
        ("AWS/RDS", "DatabaseConnections"),
        ("AWS/ElastiCache", "DatabaseMemoryUsagePercentage"),
        ("AWS/ElastiCache", "Evictions"),
        ("ECS/ContainerInsights", "RunningTaskCount"),
        ("ECS/ContainerInsights", "DesiredTaskCount"),
        ("JwtServices/${EnvironmentName}", "QueueDepth"),
        *(
            ("JwtServices/${EnvironmentName}", f"{service}{metric}")
            for service in ("Auth", "Resource")
            for metric in ("Unavailable", "ServerErrors", "Requests", "TaskFailures", "RevocationStoreErrors")
        ),
        ("JwtServices/${EnvironmentName}", "AuthRefreshReuse"),
        ("JwtServices/${EnvironmentName}", "AuthRateLimited"),
        ("JwtServices/${EnvironmentName}", "AuthSecondFactorRefused"),
    } == set(alarmed)
    services = sorted(
        service["Properties"]["ServiceName"]
        for stack in SERVICE_STACKS
        for service in resources(stack, "AWS::ECS::Service").values()
    )
    for namespace, metric in (
        ("AWS/ECS", "CPUUtilization"),
        ("AWS/ECS", "MemoryUtilization"),
        ("ECS/ContainerInsights", "RunningTaskCount"),
        ("ECS/ContainerInsights", "DesiredTaskCount"),
    ):
        assert sorted(json.loads(d)[1]["Value"] for d in alarmed[(namespace, metric)]) == services
    for metric in ("CPUUtilization", "FreeStorageSpace", "DatabaseConnections"):
        assert sorted(alarmed[("AWS/RDS", metric)]) == sorted(
            refs_in(
                [
                    {
                        "Name": "DBInstanceIdentifier",
                        "Value": {"Fn::ImportValue": {"Fn::Sub": f"${{EnvironmentName}}-{db}DatabaseId"}},
                    }
                ]
            )
            for db in ("Auth", "Resource")
        )
    for metric in ("DatabaseMemoryUsagePercentage", "Evictions"):
        nodes = [json.loads(d)[0]["Value"]["Fn::Sub"][0] for d in alarmed[("AWS/ElastiCache", metric)]]
        assert sorted(nodes) == ["${Group}-001", "${Group}-002"]


def test_a_service_short_of_tasks_or_at_none_or_not_reporting_alarms():
    """Absence pages: each service's running tasks below its desired count, or below one (a beat at zero, or any
    service scaled to nothing), or no count at all (TreatMissingData: breaching)."""
    task_alarms = [alarm["Properties"] for alarm in ALARMS.values() if "RunningTaskCount" in refs_in(alarm)]
    assert len(task_alarms) == 7
    for alarm in task_alarms:
        (expression,) = [metric["Expression"] for metric in alarm["Metrics"] if "Expression" in metric]
        assert expression == "IF(running < desired OR running < 1, 1, 0)"
        assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanOrEqualToThreshold", 1)
        assert alarm["TreatMissingData"] == "breaching"


def test_a_failed_deployment_of_any_service_notifies_the_alarm_topic():
    (rule,) = resources("monitoring", "AWS::Events::Rule").values()
    pattern = rule["Properties"]["EventPattern"]
    assert (pattern["source"], pattern["detail"]) == (["aws.ecs"], {"eventName": ["SERVICE_DEPLOYMENT_FAILED"]})
    assert "ClusterName" in refs_in(pattern["resources"])
    assert [target["Arn"] for target in rule["Properties"]["Targets"]] == [{"Ref": "AlarmTopicArn"}]


def metric_lines(lines: list[list[str]]) -> list[list[str]]:
    """A widget's metrics with CloudWatch's shorthand spelled out: "." repeats the item above, and "..." all
    the items of the line above but as many as follow it."""
    expanded: list[list[str]] = []
    for line in lines:
        previous = expanded[-1] if expanded else []
        if line[0] == "...":
            line = previous[: len(previous) - len(line) + 1] + line[1:]
        else:
            line = [previous[i] if item == "." else item for i, item in enumerate(line)]
        expanded.append(line)
    return expanded


def test_the_dashboard_is_json_and_shows_every_alarmed_metric():
    body, variables = load("monitoring")["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    assert set(re.findall(r"\$\{([A-Za-z]+)\}", body)) == set(variables)
    # The services' own namespace is a variable of the body; every other variable stands for a dimension's value.
    body = body.replace("${Namespace}", variables["Namespace"]["Fn::Sub"].replace("${", "<"))
    widgets = json.loads(re.sub(r"\$\{[A-Za-z:]+\}", "x", body))["widgets"]
    shown = {
        (line[0].replace("<", "${"), line[1])
        for widget in widgets
        for line in metric_lines(widget["properties"]["metrics"])
    }
    alarmed = {(namespace, metric) for alarm in ALARMS.values() for namespace, metric, _ in alarmed_metrics(alarm)}
    assert alarmed <= shown


def database_secret(container: dict, prefix: str = "DATABASE") -> str:
    """Which secret of the data stack a container's database user comes from (AppSecret, OwnerSecret, Secret)."""
    (user,) = [secret for secret in secrets_of(container) if secret["Name"] == f"{prefix}_USER"]
    return re.search(r"Database(\w*)Arn", refs_in(user["ValueFrom"])).group(1)


@pytest.mark.parametrize("stack", ["auth", "resource"])
def test_services_connect_as_the_application_user_migrations_as_the_owner_and_no_task_as_master_but_one(stack):
    used = {task: database_secret(container) for task, container in containers(stack) if "Beat" not in task}
    assert used == {
        "WebTask": "AppSecret",
        "WorkerTask": "AppSecret",
        "MigrateTask": "OwnerSecret",
        "DatabaseRolesTask": "Secret",
    }
    (roles,) = [container for task, container in containers(stack) if task == "DatabaseRolesTask"]
    assert roles["Command"] == ["python", "manage.py", "create_database_roles"]
    assert database_secret(roles, "DATABASE_OWNER") == "OwnerSecret"
    assert database_secret(roles, "DATABASE_APP") == "AppSecret"
    for task, container in containers(stack):
        names = {variable["Name"]: variable["Value"] for variable in container.get("Environment", [])}
        if task in ("WebTask", "WorkerTask"):
            assert "DatabaseAppSecretArn" in refs_in(names["DATABASE_SECRET_ARN"]), task
        else:
            assert "DATABASE_SECRET_ARN" not in names, task


def test_every_database_is_reached_through_a_proxy_that_requires_tls_and_knows_its_three_users():
    data = load("data")
    proxies = resources("data", "AWS::RDS::DBProxy")
    assert set(proxies) == {"AuthDatabaseProxy", "ResourceDatabaseProxy"}
    for name, proxy in proxies.items():
        service = name.removesuffix("DatabaseProxy")
        assert proxy["Properties"]["RequireTLS"] is True
        secrets = refs_in([auth["SecretArn"] for auth in proxy["Properties"]["Auth"]])
        for secret in (
            f"{service}DatabaseAppSecret",
            f"{service}DatabaseOwnerSecret",
            f'["{service}Database", "MasterUserSecret.SecretArn"]',
        ):
            assert secret in secrets, (name, secret)
        assert data["Outputs"][f"{service}DatabaseHost"]["Value"] == {"Fn::GetAtt": [name, "Endpoint"]}
    targets = resources("data", "AWS::RDS::DBProxyTargetGroup")
    assert {refs_in(target["Properties"]["DBInstanceIdentifiers"]) for target in targets.values()} == {
        '[{"Ref": "AuthDatabase"}]',
        '[{"Ref": "ResourceDatabase"}]',
    }


def test_the_application_users_passwords_rotate_on_a_schedule():
    schedules = resources("data", "AWS::SecretsManager::RotationSchedule").values()
    rotated = {schedule["Properties"]["SecretId"]["Ref"] for schedule in schedules}
    assert rotated == {"AuthDatabaseAppSecret", "ResourceDatabaseAppSecret"}
    for schedule in schedules:
        assert schedule["Properties"]["HostedRotationLambda"]["RotationType"] == "PostgreSQLSingleUser"


def test_redis_never_evicts_on_aws_nor_in_compose():
    (group_id, group), *_ = resources("data", "AWS::ElastiCache::ParameterGroup").items()
    assert group["Properties"]["Properties"] == {"maxmemory-policy": "noeviction"}
    (redis,) = resources("data", "AWS::ElastiCache::ReplicationGroup").values()
    assert redis["Properties"]["CacheParameterGroupName"] == {"Ref": group_id}
    command = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["redis"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"


def test_each_service_is_a_redis_user_of_its_own_with_the_same_rules_on_aws_and_in_compose():
    rules = {
        line.split()[1]: line.split(" ", 2)[2]
        for line in (ROOT / "infra" / "redis-users.acl").read_text().splitlines()
        if line.startswith("user ")
    }
    users = resources("data", "AWS::ElastiCache::User")
    assert {user["Properties"]["UserName"]: user["Properties"]["AccessString"] for user in users.values()} == rules
    assert rules["default"].startswith("off ")
    (group,) = resources("data", "AWS::ElastiCache::UserGroup").values()
    assert sorted(ref["Ref"] for ref in group["Properties"]["UserIds"]) == sorted(users)
    for name in ("auth", "resource"):
        secret = f"Redis{name.title()}UserSecret"
        assert name in refs_in(load("data")["Resources"][secret]["Properties"]["GenerateSecretString"])
        assert secret in refs_in(users[f"Redis{name.title()}User"]["Properties"]["AuthenticationMode"])
        # Each service's tasks read their own Redis user's secret, never the other's.
        other = "Resource" if name == "auth" else "Auth"
        assert f"Redis{name.title()}UserSecretArn" in refs_in(load(name))
        assert f"Redis{other}UserSecretArn" not in refs_in(load(name))
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert "--aclfile" in compose["services"]["redis"]["command"]
    assert compose["configs"]["redis-users"]["file"] == "./infra/redis-users.acl"


def test_compose_and_ci_run_the_postgresql_major_version_rds_runs():
    majors = {
        db["Properties"]["EngineVersion"].split(".")[0] for db in resources("data", "AWS::RDS::DBInstance").values()
    }
    assert majors == {"17"}
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["postgres"]["image"]
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    images = {compose} | {
        service["image"]
        for job in ci["jobs"].values()
        for service in job.get("services", {}).values()
        if service["image"].startswith("postgres:")
    }
    assert {image.split(":")[1].split("-")[0].split(".")[0] for image in images} == majors


def test_the_error_rate_alarm_judges_no_minute_quieter_than_its_minimum():
    (expression,) = [query for query in ALARMS["ErrorRate"]["Properties"]["Metrics"] if "Expression" in query]
    assert expression["Expression"]["Fn::Sub"].startswith("IF(requests >= ${ErrorRateMinimumRequests}, 100 * (")


@pytest.mark.parametrize("stack", ["auth", "resource"])
def test_workers_scale_on_the_backlog_per_task_of_the_queue_their_beat_measures(stack):
    template = load(stack)["Resources"]
    (beat,) = [c for task, c in containers(stack) if task == "BeatTask"]
    environment = {variable["Name"]: variable["Value"] for variable in beat["Environment"]}
    assert environment["QUEUE_METRICS_NAMESPACE"] == {"Fn::Sub": "JwtServices/${EnvironmentName}"}
    policy = template["WorkerBacklogPolicy"]["Properties"]
    assert policy["ScalingTargetId"] == {"Ref": "WorkerScaling"}
    configuration = policy["TargetTrackingScalingPolicyConfiguration"]
    assert configuration["TargetValue"] == {"Ref": "WorkerBacklogPerTask"}
    queries = {query["Id"]: query for query in configuration["CustomizedMetricSpecification"]["Metrics"]}
    assert queries["backlog"]["Expression"] == "IF(workers > 0, depth / workers, depth)"
    assert [query["Id"] for query in queries.values() if query["ReturnData"]] == ["backlog"]
    depth = queries["depth"]["MetricStat"]["Metric"]
    assert (depth["Namespace"], depth["MetricName"]) == (environment["QUEUE_METRICS_NAMESPACE"], "QueueDepth")
    # The beat names its queue by the service (CELERY_TASK_DEFAULT_QUEUE is the service's name).
    assert depth["Dimensions"] == [{"Name": "Queue", "Value": stack}]
    workers = queries["workers"]["MetricStat"]["Metric"]
    assert (workers["Namespace"], workers["MetricName"]) == ("ECS/ContainerInsights", "RunningTaskCount")
    assert {"Name": "ServiceName", "Value": {"Fn::GetAtt": ["WorkerService", "Name"]}} in workers["Dimensions"]
    policies = [p["Properties"] for p in resources(stack, "AWS::ApplicationAutoScaling::ScalingPolicy").values()]
    assert sum(p["ScalingTargetId"] == {"Ref": "WorkerScaling"} for p in policies) == 2  # and CPU


def test_a_queue_backing_up_or_no_longer_measured_alarms():
    backlog = [a["Properties"] for a in ALARMS.values() if "QueueDepth" in refs_in(a)]
    assert sorted(a["Dimensions"][0]["Value"] for a in backlog) == ["auth", "resource"]
    for alarm in backlog:
        assert alarm["Threshold"] == {"Ref": "QueueBacklogMax"}
        assert alarm["TreatMissingData"] == "breaching"


def web_acl_blocks(node) -> list[dict]:
    """Every Block action of the web ACL, in its rules and nested statements."""
    found = []
    for item in walk(node):
        if isinstance(item, dict) and "Block" in item:
            found.append(item["Block"])
    return found


def test_the_load_balancer_is_behind_a_waf_limiting_auth_per_client_and_refusing_in_json():
    (association,) = resources("platform", "AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"] == {
        "ResourceArn": {"Ref": "LoadBalancer"},
        "WebACLArn": {"Fn::GetAtt": ["WebAcl", "Arn"]},
    }
    acl = load("platform")["Resources"]["WebAcl"]["Properties"]
    assert acl["DefaultAction"] == {"Allow": {}}
    rules = {rule["Name"]: rule for rule in acl["Rules"]}
    assert sorted(rule["Priority"] for rule in acl["Rules"]) == list(range(len(rules)))
    rate = rules["auth-rate"]["Statement"]["RateBasedStatement"]
    assert (rate["AggregateKeyType"], rate["Limit"]) == ("IP", {"Ref": "AuthRateLimit"})
    scope = rate["ScopeDownStatement"]["ByteMatchStatement"]
    assert (scope["FieldToMatch"], scope["PositionalConstraint"], scope["SearchString"]) == (
        {"UriPath": {}},
        "STARTS_WITH",
        "/auth/",
    )
    throttled = rules["auth-rate"]["Action"]["Block"]["CustomResponse"]
    assert throttled["ResponseCode"] == 429
    assert {"Name": "Retry-After", "Value": "60"} in throttled["ResponseHeaders"]
    # The managed groups count and label; the rule after them blocks what they labelled.
    managed = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]: r
        for r in acl["Rules"]
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert set(managed) == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}
    assert all(rule["OverrideAction"] == {"Count": {}} for rule in managed.values())
    labelled = rules["block-labelled"]
    assert all(rule["Priority"] < labelled["Priority"] for rule in managed.values())
    namespaces = {
        s["Key"] for s in walk(labelled["Statement"]) if isinstance(s, dict) and s.get("Scope") == "NAMESPACE"
    }
    assert namespaces == {"awswaf:managed:aws:core-rule-set:", "awswaf:managed:aws:known-bad-inputs:"}
    # Every refusal is JSON in the contract's shape, as the gateway's own errors are.
    blocks = web_acl_blocks(acl["Rules"])
    assert len(blocks) == 2
    for block in blocks:
        body = acl["CustomResponseBodies"][block["CustomResponse"]["CustomResponseBodyKey"]]
        assert body["ContentType"] == "APPLICATION_JSON"
        assert list(json.loads(body["Content"])) == ["detail"]


def test_the_waf_log_holds_no_token_nor_session():
    logging_configuration = load("platform")["Resources"]["WafLogging"]["Properties"]
    assert logging_configuration["ResourceArn"] == {"Fn::GetAtt": ["WebAcl", "Arn"]}
    redacted = logging_configuration["RedactedFields"]
    assert {"SingleHeader": {"Name": "authorization"}} in redacted
    assert {"SingleHeader": {"Name": "cookie"}} in redacted
    assert {"QueryString": {}} in redacted


def vpc_endpoints() -> dict[str, dict]:
    prefix = "com.amazonaws.${AWS::Region}."
    return {
        endpoint["Properties"]["ServiceName"]["Fn::Sub"].removeprefix(prefix): endpoint["Properties"]
        for endpoint in resources("network", "AWS::EC2::VPCEndpoint").values()
    }


def test_starting_a_task_and_its_ordinary_work_need_no_nat():
    """Each AWS service the task definitions use has a VPC endpoint: images (ECR and S3), logs, secrets and
    parameters, ECS Exec, the export bucket. (SES's API has no endpoint: mail goes out through NAT.)"""
    needed = {"ecr.api", "ecr.dkr", "s3"}
    for stack in SERVICE_STACKS:
        template = refs_in(load(stack))
        for _, container in containers(stack):
            needed |= {"logs"} if container["LogConfiguration"]["LogDriver"] == "awslogs" else set()
            for secret in secrets_of(container):
                value_from = refs_in(secret["ValueFrom"])
                needed |= {"ssm"} if ":parameter" in value_from else {"secretsmanager"}
        if '"EnableExecuteCommand": true' in template:
            needed |= {"ssmmessages", "kms"}
    endpoints = vpc_endpoints()
    assert needed <= set(endpoints)
    assert endpoints["s3"]["VpcEndpointType"] == "Gateway"
    assert endpoints["s3"]["RouteTableIds"] == [{"Ref": "PrivateRouteTableA"}, {"Ref": "PrivateRouteTableB"}]
    for service, endpoint in endpoints.items():
        if service != "s3":
            assert endpoint["VpcEndpointType"] == "Interface", service
            assert endpoint["PrivateDnsEnabled"] is True, service
            assert endpoint["SubnetIds"] == [{"Ref": "PrivateSubnetA"}, {"Ref": "PrivateSubnetB"}], service
            assert endpoint["SecurityGroupIds"] == [{"Ref": "EndpointSecurityGroup"}], service
    group = load("network")["Resources"]["EndpointSecurityGroup"]["Properties"]
    https = [rule for rule in group["SecurityGroupIngress"] if rule["FromPort"] == 443]
    assert [rule["CidrIp"] for rule in https] == [{"Ref": "VpcCidr"}]


def test_every_action_of_the_workflows_is_pinned_by_commit_and_no_checkout_keeps_the_token():
    for path in [*(ROOT / ".github").rglob("*.yml")]:
        document = yaml.safe_load(path.read_text())
        steps = [step for job in document.get("jobs", {}).values() for step in job.get("steps", [])]
        steps += document.get("runs", {}).get("steps", [])
        for step in steps:
            action = step.get("uses", "")
            if action and not action.startswith("./"):
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), (path.name, action)
                assert re.search(re.escape(action) + r" # v\d+\.\d+\.\d+\n", path.read_text()), (path.name, action)
            if action.startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, path.name


def test_a_deploy_runs_only_once_the_checks_passed_on_its_commit():
    deploy = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())
    assert deploy["jobs"]["ci"]["uses"] == "./.github/workflows/ci.yml"
    assert deploy["jobs"]["deploy"]["needs"] == "ci"
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    assert "workflow_call" in ci[True]  # YAML 1.1 reads the key "on" as true


def test_the_deploy_workflow_gives_the_deploy_every_stack_parameter_it_reads():
    """A parameter deploy.sh takes from the environment but the workflow does not pass is never set on GitHub."""
    deploy = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())
    (run,) = [step for step in deploy["jobs"]["deploy"]["steps"] if "infra/deploy.sh" in step.get("run", "")]
    passed = set(run["env"]) | set(deploy["jobs"]["deploy"].get("env", {}))
    script = (ROOT / "infra" / "deploy.sh").read_text()
    read = set(re.findall(r'"\w+=\$\{([A-Z_]+):-\}"', script))
    assert {"CERTIFICATE_ARN", "MAIL_IDENTITY_ARN", "TICKET_TOPIC_ARN"} <= read
    assert read <= passed


def test_the_auth_worker_alone_may_send_mail_and_only_from_the_senders_ses_identity():
    """No SMTP password: the worker's task role sends through SES's API, from the bootstrap stack's identity."""
    senders = {}
    for stack in TEMPLATES:
        for role_id, role in resources(stack, "AWS::IAM::Role").items():
            for statement in statements(role, stack):
                if any(action.startswith("ses:") for action in as_list(statement["Action"])):
                    senders[(stack, role_id)] = statement
    assert list(senders) == [("auth", "WorkerTaskRole")]
    statement = senders[("auth", "WorkerTaskRole")]
    assert (statement["Action"], statement["Resource"]) == ("ses:SendEmail", {"Ref": "MailIdentityArn"})
    tasks = resources("auth", "AWS::ECS::TaskDefinition")
    mailing = [task_id for task_id, task in tasks.items() if "django_ses" in refs_in(task)]
    assert mailing == ["WorkerTask"]
    assert tasks["WorkerTask"]["Properties"]["TaskRoleArn"] == {"Fn::GetAtt": ["WorkerTaskRole", "Arn"]}
    assert "EMAIL_HOST" not in refs_in(load("auth"))
