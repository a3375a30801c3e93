"""What the CloudFormation templates must guarantee, read from the templates themselves."""

import json
import re
from pathlib import Path

import pytest
from cfnlint.decode import decode_str

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = {path.stem: path for path in (ROOT / "infra" / "templates").glob("*.yaml")}
SERVICE_STACKS = ("auth", "resource", "gateway")
SECRET_LOOKING = re.compile(r"SECRET|PASSWORD|PRIVATE|TOKEN|CREDENTIAL", re.IGNORECASE)
# Settings whose names look secret but are not.
NOT_SECRET = {"ACCESS_TOKEN_LIFETIME", "REFRESH_TOKEN_LIFETIME"}


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
    r"EmailPasswordSecretArn|\$\{EnvironmentName\}-(\w+)"
)


def test_every_template_is_here():
    assert set(TEMPLATES) == {"network", "data", "platform", "auth", "resource", "gateway"}


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


def test_every_service_rolls_back_failed_deployments_and_allows_ecs_exec():
    for stack in SERVICE_STACKS:
        for service in resources(stack, "AWS::ECS::Service").values():
            properties = service["Properties"]
            assert properties["DeploymentConfiguration"]["DeploymentCircuitBreaker"] == {
                "Enable": True,
                "Rollback": True,
            }
            assert properties["EnableExecuteCommand"] is True
            assert properties["HealthCheckGracePeriodSeconds"] > 0
            assert properties["LaunchType"] == "FARGATE"
            assert properties["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] == "DISABLED"


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
            assert role_id != task["Properties"]["TaskRoleArn"]["Fn::GetAtt"][0], task_id
            for container in task["Properties"]["ContainerDefinitions"]:
                for secret in secrets_of(container):
                    match = SOURCE.search(refs_in(secret["ValueFrom"]))
                    assert match, (stack, task_id, secret["Name"])
                    needed_by_role.setdefault(role_id, set()).add(match.group(0))
        for role_id, role in roles.items():
            granted = {m.group(0) for m in SOURCE.finditer(refs_in(role["Properties"].get("Policies", [])))}
            # Keys that decrypt secrets are not secrets; everything else granted must be needed, and vice versa.
            granted = {name for name in granted if not name.endswith(("DataKeyArn", "LogKeyArn", "ExportBucketArn"))}
            assert granted == needed_by_role.get(role_id, set()), (stack, role_id)


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
    assert "resolve:secretsmanager" in refs_in(redis["Properties"]["AuthToken"])
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
    assert {"AUTH_UPSTREAM", "RESOURCE_UPSTREAM", "GATEWAY_PORT", "GATEWAY_TRUSTED_PROXIES"} <= names
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
        if task != "MigrateTask":
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
        if task == "MigrateTask":
            # Migrations run from their own tag first, so that the schema is ready before the services roll.
            assert "MigrationImageTag" in refs_in(container["Image"])
        else:
            assert container["Image"] == {"Fn::Sub": "${ImageRepository}:${ImageTag}"}
