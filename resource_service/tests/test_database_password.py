"""The database password rotated under the running process: the backend reads its secret again and connects."""

import json

import boto3
import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError, connection
from moto import mock_aws

from resource_service.lib.postgres import base

REFUSED_USER = "no_such_user_since_the_rotation"


def credentials(user: str) -> str:
    # The test database trusts local connections: the user decides whether PostgreSQL refuses.
    return json.dumps({"username": user, "password": ""})


@pytest.fixture
def secret(monkeypatch, settings):
    """The secret the password came from, holding the credentials that work; the process has read none yet."""
    for name, value in (
        ("AWS_DEFAULT_REGION", "eu-west-1"),
        ("AWS_ACCESS_KEY_ID", "x"),
        ("AWS_SECRET_ACCESS_KEY", "x"),
    ):
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(base, "_rotated", {})
    monkeypatch.setattr(base, "_last_read", float("-inf"))
    with mock_aws():
        client = boto3.client("secretsmanager")
        arn = client.create_secret(Name="database", SecretString=credentials(connection.settings_dict["USER"]))["ARN"]
        settings.DATABASE_SECRET_ARN = arn
        yield client, arn


def connected_as(user: str) -> str:
    """The user a new connection with the test database's settings, but this user, ends up as."""
    database = base.DatabaseWrapper({**connection.settings_dict, "USER": user}, alias="rotation")
    try:
        with database.cursor() as cursor:
            cursor.execute("SELECT current_user")
            return cursor.fetchone()[0]
    finally:
        database.close()


def test_a_refused_connection_is_made_again_with_the_secrets_credentials(secret, db):
    assert connected_as(REFUSED_USER) == connection.settings_dict["USER"]
    # The process's later connections use them from the start.
    later = base.DatabaseWrapper({**connection.settings_dict, "USER": REFUSED_USER}, alias="rotation")
    assert later.get_connection_params()["user"] == connection.settings_dict["USER"]


def test_the_pending_version_is_tried_when_the_current_one_is_refused(secret, db):
    client, arn = secret
    client.put_secret_value(SecretId=arn, SecretString=credentials(REFUSED_USER))
    client.put_secret_value(
        SecretId=arn, SecretString=credentials(connection.settings_dict["USER"]), VersionStages=["AWSPENDING"]
    )
    assert connected_as(REFUSED_USER) == connection.settings_dict["USER"]


def test_the_secret_is_read_at_most_once_a_second(secret, db, monkeypatch):
    client, arn = secret
    client.put_secret_value(SecretId=arn, SecretString=credentials(REFUSED_USER))
    with pytest.raises(OperationalError):
        connected_as(REFUSED_USER)
    client.put_secret_value(SecretId=arn, SecretString=credentials(connection.settings_dict["USER"]))
    with pytest.raises(OperationalError):
        connected_as(REFUSED_USER)
    monkeypatch.setattr(base, "SECRET_READ_INTERVAL", 0)
    assert connected_as(REFUSED_USER) == connection.settings_dict["USER"]


def test_without_a_secret_or_with_one_that_cannot_be_read_the_refusal_stands(secret, db, settings):
    settings.DATABASE_SECRET_ARN = ""
    with pytest.raises(OperationalError):
        connected_as(REFUSED_USER)
    settings.DATABASE_SECRET_ARN = secret[1] + "-deleted"
    with pytest.raises(OperationalError):
        connected_as(REFUSED_USER)


def test_querysets_iterate_without_server_side_cursors(db, monkeypatch):
    """A transaction-mode pooler (PgBouncer, RDS Proxy) cannot keep a cursor open past its transaction."""

    def server_side_cursor():
        raise AssertionError("a server-side cursor was asked for")

    monkeypatch.setattr(connection, "chunked_cursor", server_side_cursor)
    assert list(Group.objects.iterator()) == []
