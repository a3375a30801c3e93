"""The log groups AWS creates itself (RDS's exported logs, the rotation functions') get a retention: the data stack's
log-retention function is run here on stand-ins of boto3 and cfnresponse."""

import importlib.util
import sys
import types

import pytest
from test_templates import TEMPLATES, load, resources


def retention() -> dict:
    (properties,) = [value["Properties"] for value in resources("data", "Custom::LogRetention").values()]
    return properties


def test_every_log_group_rds_or_a_rotation_function_creates_is_given_a_retention():
    names = {name["Fn::Sub"] for name in retention()["LogGroupNames"]}
    expected = set()
    for name, database in resources("data", "AWS::RDS::DBInstance").items():
        expected |= {
            f"/aws/rds/instance/${{{name}}}/{kind}" for kind in database["Properties"]["EnableCloudwatchLogsExports"]
        }
    for rotation in resources("data", "AWS::SecretsManager::RotationSchedule").values():
        expected.add("/aws/lambda/" + rotation["Properties"]["HostedRotationLambda"]["RotationLambdaName"]["Fn::Sub"])
    assert len(expected) == 6
    assert names == expected
    assert retention()["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_no_template_leaves_a_function_writing_to_a_log_group_without_a_retention():
    declared = {
        group["Properties"]["LogGroupName"]["Fn::Sub"]
        for stack in TEMPLATES
        for group in resources(stack, "AWS::Logs::LogGroup").values()
    }
    for stack in TEMPLATES:
        for function in resources(stack, "AWS::Lambda::Function").values():
            name = function["Properties"]["FunctionName"]["Fn::Sub"]
            assert f"/aws/lambda/{name}" in declared
            assert function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]


class AlreadyExists(Exception):
    pass


class FakeLogs:
    exceptions = types.SimpleNamespace(ResourceAlreadyExistsException=AlreadyExists)

    def __init__(self, existing=(), failing=None):
        self.groups = {name: None for name in existing}
        self.failing = failing

    def create_log_group(self, logGroupName):
        if logGroupName in self.groups:
            raise AlreadyExists(logGroupName)
        self.groups[logGroupName] = None

    def put_retention_policy(self, logGroupName, retentionInDays):
        if logGroupName == self.failing:
            raise RuntimeError("AccessDenied")
        assert logGroupName in self.groups
        self.groups[logGroupName] = retentionInDays


@pytest.fixture
def function(monkeypatch, tmp_path):
    """The function's code as the template holds it, with the answers it sends to CloudFormation."""

    def run(event, logs):
        answers = []
        monkeypatch.setitem(sys.modules, "boto3", types.SimpleNamespace(client=lambda service: logs))
        monkeypatch.setitem(
            sys.modules,
            "cfnresponse",
            types.SimpleNamespace(
                SUCCESS="SUCCESS",
                FAILED="FAILED",
                send=lambda event, context, status, data, physicalResourceId: answers.append(status),
            ),
        )
        (code,) = [
            value["Properties"]["Code"]["ZipFile"]
            for value in load("data")["Resources"].values()
            if value["Type"] == "AWS::Lambda::Function"
        ]
        (tmp_path / "index.py").write_text(code)
        spec = importlib.util.spec_from_file_location("index", tmp_path / "index.py")
        index = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(index)
        index.handler(event, None)
        return answers

    return run


def event(kind, names=("/aws/rds/instance/db/postgresql", "/aws/lambda/x-auth-db-rotation"), days="90"):
    return {"RequestType": kind, "ResourceProperties": {"LogGroupNames": list(names), "RetentionInDays": days}}


@pytest.mark.parametrize("kind", ["Create", "Update"])
def test_groups_missing_or_there_get_the_retention(function, kind):
    logs = FakeLogs(existing=["/aws/rds/instance/db/postgresql"])
    assert function(event(kind, days="365"), logs) == ["SUCCESS"]
    assert logs.groups == {"/aws/rds/instance/db/postgresql": 365, "/aws/lambda/x-auth-db-rotation": 365}


def test_deleting_the_stack_keeps_the_groups_and_answers(function):
    logs = FakeLogs(existing=["/aws/rds/instance/db/postgresql"])
    assert function(event("Delete"), logs) == ["SUCCESS"]
    assert logs.groups == {"/aws/rds/instance/db/postgresql": None}


def test_a_failure_is_answered_so_that_the_stack_does_not_wait_an_hour(function):
    logs = FakeLogs(failing="/aws/lambda/x-auth-db-rotation")
    assert function(event("Create"), logs) == ["FAILED"]
