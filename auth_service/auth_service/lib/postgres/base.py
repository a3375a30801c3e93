"""PostgreSQL, counted by django-prometheus, with a password that may rotate under the running process.

ECS gives a task its database password once, when the task starts; a rotation changes it under the running
task. When DATABASE_SECRET_ARN names the Secrets Manager secret the password came from and the database refuses
a new connection, the backend reads the secret's current version (then its pending one: a single-user rotation
changes the password before it makes the new version current) and, given credentials other than those refused,
connects again with them; the process's later connections use them too. The secret is read at most once a
second per process, so a database that is down costs no more than that.
"""

import json
import logging
import threading
import time

import boto3
import psycopg2
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django_prometheus.db.backends.postgresql import base

logger = logging.getLogger(__name__)

SECRET_READ_INTERVAL = 1.0

_lock = threading.Lock()
# The credentials read from the secret, which replace the settings' in every connection of the process.
_rotated: dict[str, str] = {}
_last_read = float("-inf")


def _secret_credentials(secret_id: str, stage: str) -> dict[str, str] | None:
    client = boto3.client("secretsmanager")
    try:
        value = client.get_secret_value(SecretId=secret_id, VersionStage=stage)
    except client.exceptions.ResourceNotFoundException:
        return None
    secret = json.loads(value["SecretString"])
    return {"user": secret["username"], "password": secret["password"]}


def rotated_credentials(refused: dict[str, str]) -> dict[str, str] | None:
    """Credentials from the secret other than the refused ones, or None: no secret is named, it holds no others,
    or it was read less than SECRET_READ_INTERVAL ago."""
    global _last_read
    secret_id = settings.DATABASE_SECRET_ARN
    if not secret_id:
        return None
    with _lock:
        if _rotated and _rotated != refused:  # another thread of the process read them first
            return dict(_rotated)
        if time.monotonic() - _last_read < SECRET_READ_INTERVAL:
            return None
        _last_read = time.monotonic()
        try:
            for stage in ("AWSCURRENT", "AWSPENDING"):
                credentials = _secret_credentials(secret_id, stage)
                if credentials is not None and credentials != refused:
                    _rotated.update(credentials)
                    return credentials
        except (BotoCoreError, ClientError, ValueError, KeyError) as exc:
            logger.warning("database secret unreadable", extra={"error": f"{type(exc).__name__}: {exc}"})
    return None


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        return {**super().get_connection_params(), **_rotated}

    def get_new_connection(self, conn_params):
        try:
            return super().get_new_connection(conn_params)
        except psycopg2.OperationalError:
            refused = {"user": conn_params.get("user", ""), "password": conn_params.get("password", "")}
            credentials = rotated_credentials(refused)
            if credentials is None:
                raise
            logger.warning("database password rotated, the secret's used", extra={"user": credentials["user"]})
            return super().get_new_connection({**conn_params, **credentials})
