"""What the production checks and the rotation drill use besides the gateway: the stack's containers
(PROD_COMPOSE, the docker compose command run.sh made) and moto (PROD_MOTO_URL). The mails sent through moto's
SES are read by tests/conftest.py's mails_to (BLACKBOX_SES_URL)."""

import json
import os
import shlex
import subprocess

import boto3
from seed import EXPORT_BUCKET


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check, timeout=60)


def compose(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return docker(*shlex.split(os.environ["PROD_COMPOSE"])[1:], *args, check=check)


def psql(database: str, sql: str, *, user: str = "postgres", check: bool = True) -> subprocess.CompletedProcess:
    """A statement run in the PostgreSQL container, over its local socket, as the user; the rows as text."""
    return compose(
        "exec",
        "-T",
        "postgres",
        "psql",
        "-X",
        "-qAt",
        "-v",
        "ON_ERROR_STOP=1",
        "-U",
        user,
        "-d",
        database,
        "-c",
        sql,
        check=check,
    )


def pooler(command: str) -> list[list[str]]:
    """The rows of a command of PgBouncer's console (SHOW CLIENTS, KILL db, ...), each as its fields."""
    result = compose(
        "exec",
        "-T",
        "pgbouncer",
        "psql",
        "-h",
        "127.0.0.1",
        "-p",
        "5432",
        "-U",
        "postgres",
        "-d",
        "pgbouncer",
        "-X",
        "-qAt",
        "-F",
        "\t",
        "-c",
        command,
    )
    return [line.split("\t") for line in result.stdout.splitlines()]


def object_versions(key: str) -> list[str]:
    """The version ids of the key in the export bucket, delete markers included."""
    listed = boto3.client("s3", endpoint_url=os.environ["PROD_MOTO_URL"]).list_object_versions(
        Bucket=EXPORT_BUCKET, Prefix=key
    )
    return [
        entry["VersionId"]
        for entry in listed.get("Versions", []) + listed.get("DeleteMarkers", [])
        if entry["Key"] == key
    ]


def secrets_manager():
    return boto3.client("secretsmanager", endpoint_url=os.environ["PROD_MOTO_URL"])


def secret(name: str) -> dict:
    return json.loads(secrets_manager().get_secret_value(SecretId=name)["SecretString"])
