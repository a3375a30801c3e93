import pytest
import redis

from auth_service.lib import health


@pytest.mark.django_db
def test_healthz_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/auth/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_each_dependency(client):
    response = client.get("/auth/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


@pytest.mark.django_db
def test_readyz_names_a_failing_dependency(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/auth/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "failing"}


@pytest.mark.django_db
def test_a_flood_of_readiness_probes_checks_the_dependencies_once_a_second(client, settings, monkeypatch):
    settings.READINESS_CACHE_SECONDS = 60
    monkeypatch.setattr(health, "_readiness", (float("-inf"), {}))  # nothing kept from earlier tests
    pings = []
    original = redis.Redis.ping
    monkeypatch.setattr(redis.Redis, "ping", lambda self: pings.append(1) or original(self))
    answers = [client.get("/auth/readyz").status_code for _ in range(20)]
    assert answers == [200] * 20
    assert len(pings) == 1


def test_every_response_carries_a_request_id(client):
    generated = client.get("/auth/healthz")
    assert len(generated["X-Request-ID"]) == 32
    assert client.get("/auth/healthz", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    assert client.get("/auth/healthz", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != "bad id\n"


@pytest.mark.django_db
def test_docs_and_schema_are_served(client):
    assert client.get("/auth/docs/").status_code == 200
    schema = client.get("/auth/swagger.json")
    assert schema.status_code == 200
    assert schema.json()["basePath"] == "/auth"
    assert {"/register/", "/token/", "/token/refresh/", "/me/"} <= set(schema.json()["paths"])
    assert "Bearer" in schema.json()["securityDefinitions"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "documented"),
    [
        ("get", "/me/", {"200", "401", "429", "503"}),
        ("post", "/logout-all/", {"204", "401", "429", "503"}),
        ("post", "/register/", {"201", "400", "415", "429", "503"}),
        ("delete", "/sessions/{session_id}/", {"204", "400", "401", "404", "429", "503"}),
    ],
)
def test_each_operation_documents_the_errors_it_can_answer_and_no_other(client, method, path, documented):
    """400 where the operation reads a body, a query or a path (the gateway refuses some paths), 404 where its path
    names an object or it pages, 414 with a query (the gateway's request line limit), 415 with a body, 401 where it
    needs a token; 429 (the gateway's limit) and 503 everywhere."""
    operation = client.get("/auth/swagger.json").json()["paths"][path][method]
    assert set(operation["responses"]) == documented


def test_django_errors_are_json(client):
    assert client.get("/auth/no-such-page/").json() == {"detail": "Not found."}
    bad_host = client.get("/auth/healthz", HTTP_HOST="evil.example")
    assert bad_host.status_code == 400
    assert bad_host.json() == {"detail": "Bad request."}


def test_a_refused_host_is_logged_as_a_warning_without_a_traceback(client):
    """Errors with a traceback are kept for bugs: the log check of the black-box runs fails on any."""
    import io
    import json
    import logging

    from pythonjsonlogger.json import JsonFormatter

    formatter = next(h.formatter for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter))
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logging.getLogger().addHandler(handler)
    try:
        assert client.get("/auth/healthz", HTTP_HOST="evil.example").status_code == 400
    finally:
        logging.getLogger().removeHandler(handler)
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    refused = [record for record in records if record["logger"] == "django.security.DisallowedHost"]
    assert [(record["level"], "exc_info" in record) for record in refused] == [("WARNING", False)]


def request_lines(caplog) -> list:
    return [record for record in caplog.records if record.name == "auth_service.requests"]


@pytest.mark.django_db
def test_the_request_line_names_the_bearer_tokens_user(alice, alice_api, caplog):
    caplog.set_level("INFO", logger="auth_service.requests")
    assert alice_api.get("/auth/me/").status_code == 200
    (line,) = request_lines(caplog)
    assert (line.method, line.path, line.status, line.user_id) == ("GET", "/auth/me/", 200, str(alice.pk))


def test_the_request_line_of_an_anonymous_request_resolves_no_session_user(client, caplog, monkeypatch):
    def resolved(request):
        raise AssertionError("the session user was resolved")

    monkeypatch.setattr("django.contrib.auth.middleware.auth.get_user", resolved)
    caplog.set_level("INFO", logger="auth_service.requests")
    assert client.get("/auth/healthz").status_code == 200
    (line,) = request_lines(caplog)
    assert line.user_id is None
