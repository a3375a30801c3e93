"""A 503 means a dependency cannot be reached; any other database error is a bug, answered as a 500 with the
usual body and logged with its traceback, never passed off as an outage."""

import json

import psycopg2
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError, DatabaseErrorWrapper
from django.urls import get_resolver
from psycopg2 import errors as pg

from resource_service.lib import errors
from tests.conftest import DATABASE_CALL, database_request, new_client

pytestmark = pytest.mark.django_db


def _side_connection():
    database = settings.DATABASES["default"]
    return psycopg2.connect(
        host=database["HOST"], port=database["PORT"], user=database["USER"], dbname="postgres", connect_timeout=2
    )


def refused() -> psycopg2.Error:
    try:
        psycopg2.connect(host="127.0.0.1", port=1, dbname="x", connect_timeout=1)
    except psycopg2.Error as exc:
        return exc
    raise AssertionError("port 1 accepted a connection")


def terminated() -> psycopg2.Error:
    victim, killer = _side_connection(), _side_connection()
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [victim.get_backend_pid()])
    killer.close()
    try:
        with victim.cursor() as cursor:
            cursor.execute("SELECT 1")
    except psycopg2.Error as exc:
        return exc
    finally:
        victim.close()
    raise AssertionError("a terminated connection still answered")


def _error_running(*statements: str) -> psycopg2.Error:
    side = _side_connection()
    try:
        with side.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    except psycopg2.Error as exc:
        return exc
    finally:
        side.close()
    raise AssertionError(f"{statements} ran without an error")


def timed_out() -> psycopg2.Error:
    return _error_running("SET statement_timeout = 1", "SELECT pg_sleep(1)")


def redis_out_of_memory() -> redis.RedisError:
    return redis.exceptions.OutOfMemoryError("command not allowed when used memory > 'maxmemory'.")


def redis_timed_out() -> redis.RedisError:
    return redis.TimeoutError("Timeout reading from socket")


def redis_wrong_type() -> redis.RedisError:
    return redis.ResponseError("WRONGTYPE Operation against a key holding the wrong kind of value")


def division_by_zero() -> psycopg2.Error:
    return _error_running("SELECT 1 / 0")


def failing_with(monkeypatch, cause: BaseException) -> None:
    """The service's call to the database (conftest.DATABASE_CALL) fails with what Django raises for this error of
    the driver (or this error itself)."""

    def fail(**kwargs):
        if not isinstance(cause, psycopg2.Error):
            raise cause
        with DatabaseErrorWrapper(connection):
            raise cause

    monkeypatch.setattr(*DATABASE_CALL, fail)


@pytest.mark.parametrize(
    "cause",
    [
        refused,
        terminated,
        timed_out,
        lambda: pg.TooManyConnections("too many clients"),
        lambda: pg.CannotConnectNow(),
        redis_out_of_memory,
        redis_timed_out,
    ],
    ids=[
        "refused",
        "terminated",
        "statement-timeout",
        "too-many-connections",
        "starting-up",
        "redis-out-of-memory",
        "redis-timeout",
    ],
)
def test_a_database_that_cannot_be_reached_is_a_json_503(monkeypatch, caplog, cause):
    error = cause()
    failing_with(monkeypatch, error)
    response = database_request(new_client())
    assert response.status_code == 503
    assert response.json() == {"detail": "Service temporarily unavailable."}
    assert response["Retry-After"] == "5"
    # One line for the operator, naming the error, without a traceback: an outage, not a bug.
    (line,) = [record for record in caplog.records if record.name == errors.__name__]
    assert (line.levelname, line.getMessage(), line.exc_info) == ("ERROR", "dependency unavailable", None)
    # Django raises its OperationalError for each of the driver's; Redis's errors are raised as they are.
    assert line.error.startswith(
        "OperationalError: " if isinstance(error, psycopg2.Error) else f"{type(error).__name__}: "
    )


@pytest.mark.parametrize(
    "cause",
    [
        division_by_zero,
        lambda: pg.DeadlockDetected("deadlock detected"),
        lambda: pg.UniqueViolation("duplicate key value"),
        lambda: pg.SerializationFailure("could not serialize access"),
        lambda: DatabaseError("Save with update_fields did not affect any rows."),
        redis_wrong_type,
    ],
    ids=["division-by-zero", "deadlock", "unique-violation", "serialization-failure", "django-own", "redis-wrong-type"],
)
def test_any_other_database_error_is_a_500_with_its_traceback_logged(monkeypatch, caplog, cause):
    failing_with(monkeypatch, cause())
    api = new_client()
    api.raise_request_exception = False
    response = database_request(api)
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error."}
    assert [record.exc_info is not None for record in caplog.records if record.levelname == "ERROR"] == [True]


def test_an_error_that_is_not_the_databases_is_no_outage_whatever_its_cause():
    """Only a database error is read for its driver's cause: any other exception raised from a lost connection is
    a bug of the code that caught and re-raised it."""
    wrapped = ValueError("bad value")
    wrapped.__cause__ = refused()
    assert not errors.dependency_unreachable(wrapped)
    as_database_error = DatabaseError("lost")
    as_database_error.__cause__ = refused()
    assert errors.dependency_unreachable(as_database_error)
    assert not errors.dependency_unreachable(DatabaseError("no cause"))


@pytest.mark.parametrize(
    ("status", "detail"),
    [
        (400, "Bad request."),
        (403, "You do not have permission to perform this action."),
        (404, "Not found."),
        (500, "Internal server error."),
    ],
)
def test_djangos_error_views_answer_json(rf, status, detail):
    handler = get_resolver().resolve_error_handler(status)
    request = rf.get("/")
    response = handler(request) if status == 500 else handler(request, exception=Exception())
    assert (response.status_code, json.loads(response.content)) == (status, {"detail": detail})
