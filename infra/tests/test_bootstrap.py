"""What a fork's administrator deploys once (bootstrap.yaml) must let the deploy create every stack, and nothing
else: read from the templates and infra/deploy.sh."""

import re

from test_templates import ROOT, TEMPLATES, as_list, load, resources, statements

# The IAM service prefix of each kind of resource the deployed templates declare.
SERVICE_OF = {
    "ApplicationAutoScaling": "application-autoscaling",
    "CloudWatch": "cloudwatch",
    "EC2": "ec2",
    "ECR": "ecr",
    "ECS": "ecs",
    "ElastiCache": "elasticache",
    "ElasticLoadBalancingV2": "elasticloadbalancing",
    "Events": "events",
    "IAM": "iam",
    "KMS": "kms",
    "Lambda": "lambda",
    "Logs": "logs",
    "RDS": "rds",
    "Route53": "route53",
    "S3": "s3",
    "SecretsManager": "secretsmanager",
    "ServiceDiscovery": "servicediscovery",
    "SSM": "ssm",
    "WAFv2": "wafv2",
}


def execution_role_statements() -> list[dict]:
    (role,) = resources("bootstrap", "AWS::IAM::Role").values()
    return statements(role, "bootstrap")


def allowed_actions() -> set[str]:
    return {action for statement in execution_role_statements() for action in as_list(statement["Action"])}


def deployed_templates() -> list[str]:
    return [stack for stack in TEMPLATES if stack != "bootstrap"]


def test_cloudformation_may_create_every_kind_of_resource_the_deployed_templates_declare():
    actions = allowed_actions()
    services = {action.split(":")[0] for action in actions}
    kinds = {value["Type"] for stack in deployed_templates() for value in load(stack)["Resources"].values()}
    assert len(kinds) > 40
    for kind in kinds:
        if kind.startswith("Custom::"):  # a custom resource is a call of the stack's own function
            assert "lambda:*" in actions
            continue
        service = SERVICE_OF[kind.split("::")[1]]  # a new kind of resource: add its service here and to the role
        assert service in services, kind
    assert {"route53:ChangeResourceRecordSets", "route53:GetChange"} <= actions
    transforms = {load(stack).get("Transform") for stack in deployed_templates()} - {None}
    assert transforms == {"AWS::SecretsManager-2024-09-16"}
    assert {"serverlessrepo:CreateCloudFormationTemplate", "serverlessrepo:GetCloudFormationTemplate"} <= actions


def test_cloudformation_changes_only_the_roles_and_stacks_of_this_environment():
    (role,) = resources("bootstrap", "AWS::IAM::Role").values()
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "cloudformation.amazonaws.com"}
    for statement in execution_role_statements():
        actions = as_list(statement["Action"])
        resource = str(statement["Resource"])
        if any(action.startswith("iam:") for action in actions):
            assert "iam:*" not in actions
            if actions == ["iam:CreateServiceLinkedRole"]:
                assert statement["Condition"]["StringEquals"]["iam:AWSServiceName"]
            else:
                assert re.search(r":role/\$\{EnvironmentName\}-jwt-\*|:oidc-provider/token\.actions", resource), (
                    resource
                )
        if any(action.startswith("cloudformation:") for action in actions):
            for arn in as_list(statement["Resource"]):
                assert re.search(r":stack/\$\{EnvironmentName\}-jwt-\*$|:aws:transform/\*$", arn["Fn::Sub"]), arn
    # Every stack's roles are named after the stack (CloudFormation's generated names), none by the template.
    for stack in deployed_templates():
        for role in resources(stack, "AWS::IAM::Role").values():
            assert "RoleName" not in role["Properties"], stack


def test_the_certificate_and_the_senders_dkim_are_validated_in_the_hosted_zone_and_the_host_points_at_the_balancer():
    (certificate,) = resources("bootstrap", "AWS::CertificateManager::Certificate").values()
    assert certificate["Properties"]["ValidationMethod"] == "DNS"
    assert certificate["Properties"]["DomainValidationOptions"] == [
        {"DomainName": {"Ref": "PublicHostName"}, "HostedZoneId": {"Ref": "HostedZoneId"}}
    ]
    (dkim,) = resources("bootstrap", "AWS::Route53::RecordSetGroup").values()
    names = [record["Name"]["Fn::GetAtt"] for record in dkim["Properties"]["RecordSets"]]
    assert names == [["MailIdentity", f"DkimDNSTokenName{n}"] for n in (1, 2, 3)]
    (record,) = resources("platform", "AWS::Route53::RecordSet").values()
    assert record["Properties"]["Name"] == {"Ref": "PublicHostName"}
    assert record["Properties"]["AliasTarget"]["DNSName"] == {"Fn::GetAtt": ["LoadBalancer", "DNSName"]}


def test_the_alarms_and_the_deployment_failure_rule_may_publish_to_the_topics():
    (policy,) = resources("bootstrap", "AWS::SNS::TopicPolicy").values()
    by_principal = {s["Principal"]["Service"]: s for s in policy["Properties"]["PolicyDocument"]["Statement"]}
    assert by_principal["cloudwatch.amazonaws.com"]["Resource"] == [{"Ref": "PagingTopic"}, {"Ref": "TicketTopic"}]
    events = by_principal["events.amazonaws.com"]
    (rule,) = resources("monitoring", "AWS::Events::Rule").values()
    rule_name = rule["Properties"]["Name"]["Fn::Sub"]
    assert events["Condition"]["ArnEquals"]["aws:SourceArn"]["Fn::Sub"].endswith(f":rule/{rule_name}")
    (key,) = resources("bootstrap", "AWS::KMS::Key").values()
    (use,) = [s for s in key["Properties"]["KeyPolicy"]["Statement"] if "Service" in s["Principal"]]
    assert sorted(use["Principal"]["Service"]) == ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    for topic in resources("bootstrap", "AWS::SNS::Topic").values():
        assert topic["Properties"]["KmsMasterKeyId"] == {"Ref": "TopicKey"}


def test_each_output_is_a_setting_the_deploy_reads_or_a_parameter_of_a_stack():
    deploy = (ROOT / "infra" / "deploy.sh").read_text()
    parameters = {name for stack in deployed_templates() for name in load(stack).get("Parameters", {})}
    for name, output in load("bootstrap")["Outputs"].items():
        settings = re.findall(r"\b[A-Z][A-Z_]+[A-Z]\b", output["Description"])
        assert any(setting in deploy for setting in settings) or name in parameters, name
