"""Writes the docker compose file that runs the production images the way their ECS task definitions say.

Read from infra/templates/{auth,resource,gateway}.yaml, for each container: its command, environment, secrets,
read-only root, writable paths, health check and ports. The values the earlier stacks export and the stacks'
parameters come from seed.py's JSON; each secret is read from Secrets Manager or Parameter Store (moto) as ECS
reads it when a task starts, and given to the container as an environment variable, as ECS gives it. So a
variable renamed in a template but not in the settings, or a secret that does not exist, fails the run.

Each container gets nothing else but PLATFORM: what ECS itself gives a task (its region; credentials through
the task role, here any moto takes) and where this machine's stand-ins are (moto's endpoint, the run's CA).
"""

import json
import os
import re
import sys
from pathlib import Path

import boto3
from cfnlint.decode import decode_str

ROOT = Path(__file__).resolve().parents[2]
STACKS = {"auth": "auth_service", "resource": "resource_service", "gateway": "gateway"}
REGION = "eu-west-1"
ACCOUNT = "123456789012"
CA_FILE = "/run/test-ca/ca.crt"
PLATFORM = {
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "task-role",
    "AWS_SECRET_ACCESS_KEY": "task-role",
    "AWS_ENDPOINT_URL": "http://moto:5000",
    # The run's CA instead of the system's, for Python (Redis) and for libpq (infra/README.md: a private CA).
    "SSL_CERT_FILE": CA_FILE,
    "DATABASE_SSLROOTCERT": CA_FILE,
}
NO_VALUE = object()
# What a container definition says that matters to a run on this machine (not its image's registry, its logs').
CONTAINER_FIELDS = {
    "Name",
    "Command",
    "Environment",
    "Secrets",
    "ReadonlyRootFilesystem",
    "MountPoints",
    "HealthCheck",
    "PortMappings",
}


class Stack:
    """One service stack's template, with its parameters and the exports of the stacks before it."""

    def __init__(self, name: str, parameters: dict, exports: dict):
        self.name = name
        self.template, errors = decode_str((ROOT / "infra" / "templates" / f"{name}.yaml").read_text())
        assert not errors, errors
        defaults = {key: str(value.get("Default", "")) for key, value in self.template["Parameters"].items()}
        pseudo = {"AWS::Region": REGION, "AWS::Partition": "aws", "AWS::AccountId": ACCOUNT}
        self.values = {**defaults, **parameters, **pseudo}
        self.exports = exports

    def resolve(self, node):
        """The node with its intrinsic functions evaluated (those the container definitions use)."""
        if isinstance(node, list):
            return [item for item in map(self.resolve, node) if item is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((function, argument),) = node.items()
            if function == "Ref":
                return NO_VALUE if argument == "AWS::NoValue" else self.values[argument]
            if function == "Fn::Sub":
                text, names = (argument, {}) if isinstance(argument, str) else argument
                names = {key: self.resolve(value) for key, value in names.items()}
                return re.sub(r"\$\{([^}]+)\}", lambda m: str(names.get(m[1], self.values.get(m[1]))), text)
            if function == "Fn::ImportValue":
                return self.exports[self.resolve(argument)]
            if function == "Fn::If":
                condition, if_true, if_false = argument
                return self.resolve(if_true if self.condition(condition) else if_false)
        return {key: self.resolve(value) for key, value in node.items()}

    def condition(self, name: str) -> bool:
        def evaluate(node) -> bool:
            ((function, argument),) = node.items()
            if function == "Fn::Not":
                return not evaluate(argument[0])
            if function == "Fn::Equals":
                return self.resolve(argument[0]) == self.resolve(argument[1])
            raise ValueError(f"{self.name}: condition function {function} is not evaluated here")

        return evaluate(self.template["Conditions"][name])

    def containers(self):
        """Each container definition, resolved, and whether an ECS service runs it (or it is a one-off task)."""
        resources = self.template["Resources"]
        served = {
            r["Properties"]["TaskDefinition"]["Ref"] for r in resources.values() if r["Type"] == "AWS::ECS::Service"
        }
        for task_id, resource in resources.items():
            if resource["Type"] == "AWS::ECS::TaskDefinition":
                for container in resource["Properties"]["ContainerDefinitions"]:
                    used = {key: value for key, value in container.items() if key in CONTAINER_FIELDS}
                    yield self.resolve(used), task_id in served


def secret_value(value_from: str) -> str:
    """What ECS puts in the environment for a secret: a parameter's value, a secret's or one of its JSON keys."""
    endpoint = os.environ["PROD_MOTO_URL"]
    if ":ssm:" in value_from:
        name = value_from.split(":parameter", 1)[1]
        ssm = boto3.client("ssm", endpoint_url=endpoint, region_name=REGION)
        return ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    # arn:aws:secretsmanager:region:account:secret:name[:json-key:version-stage:version-id]
    parts = value_from.split(":")
    arn, json_key = ":".join(parts[:7]), parts[7] if len(parts) > 7 else ""
    manager = boto3.client("secretsmanager", endpoint_url=endpoint, region_name=REGION)
    text = manager.get_secret_value(SecretId=arn)["SecretString"]
    return json.loads(text)[json_key] if json_key else text


def escaped(value):
    """Compose reads `$` as the start of a variable; the task definitions mean it literally."""
    if isinstance(value, str):
        return value.replace("$", "$$")
    if isinstance(value, list):
        return [escaped(item) for item in value]
    if isinstance(value, dict):
        return {key: escaped(item) for key, item in value.items()}
    return value


def service(stack: str, container: dict, served: bool, gateway_port: str) -> dict:
    environment = {variable["Name"]: str(variable["Value"]) for variable in container.get("Environment", [])}
    environment |= {secret["Name"]: secret_value(secret["ValueFrom"]) for secret in container.get("Secrets", [])}
    if stack != "gateway":
        environment |= PLATFORM
    definition: dict = {
        "image": f"jwt-services/{stack}:prod",
        "environment": environment,
        "read_only": container.get("ReadonlyRootFilesystem", False),
        # Fargate's task volumes: empty at start but for what the image has at that path, writable.
        "volumes": [{"type": "volume", "target": mount["ContainerPath"]} for mount in container.get("MountPoints", [])],
    }
    if stack != "gateway":
        definition["volumes"].append(
            {"type": "bind", "source": f"{os.environ['PROD_WORK']}/tls/ca.crt", "target": CA_FILE, "read_only": True}
        )
    if "Command" in container:
        definition["command"] = container["Command"]
    if "HealthCheck" in container:
        check = container["HealthCheck"]
        definition["healthcheck"] = {
            "test": check["Command"],
            "interval": f"{check['Interval']}s",
            "timeout": f"{check['Timeout']}s",
            "retries": check["Retries"],
            "start_period": f"{check['StartPeriod']}s",
        }
    if stack == "gateway":
        definition["ports"] = [
            f"127.0.0.1:{gateway_port}:{mapping['ContainerPort']}" for mapping in container["PortMappings"]
        ]
    if not served:
        definition["profiles"] = ["task"]  # run once with `docker compose run`, as the deploy runs them
    return escaped(definition)


def main(deployed_file: str, output_file: str) -> None:
    deployed = json.loads(Path(deployed_file).read_text())
    services = {}
    for stack, folder in STACKS.items():
        template = Stack(stack, deployed["parameters"][stack], deployed["exports"])
        for container, served in template.containers():
            name = container["Name"] if container["Name"].startswith(stack) else f"{stack}-{container['Name']}"
            services[name] = service(stack, container, served, os.environ["PROD_GATEWAY_PORT"])
        # One service of each image builds it.
        first = next(name for name in services if services[name]["image"] == f"jwt-services/{stack}:prod")
        services[first]["build"] = str(ROOT / folder)
    Path(output_file).write_text(json.dumps({"services": services}, indent=2))


if __name__ == "__main__":
    main(*sys.argv[1:])
