"""The gateway's own routes, errors and headers. The attacks on it are in security/test_gateway_tricks.py."""

import pytest


def test_healthz_answers_by_itself(anonymous):
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/", "/nothing-here", "/metrics", "/authx", "/apix/projects/"])
def test_unrouted_paths_are_a_json_404(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not found."}


def test_every_response_carries_a_request_id(anonymous):
    for path in ["/healthz", "/nothing-here", "/api/healthz", "/auth/healthz"]:
        generated = anonymous.get(path).headers["X-Request-ID"]
        assert len(generated) >= 16
    assert anonymous.get("/api/healthz", headers={"X-Request-ID": "trace-42"}).headers["X-Request-ID"] == "trace-42"
    unsafe = anonymous.get("/api/healthz", headers={"X-Request-ID": "bad id;drop"}).headers["X-Request-ID"]
    assert unsafe != "bad id;drop"
    # One id, not the service's and the gateway's side by side (requests joins repeated headers with a comma).
    assert "," not in anonymous.get("/api/healthz").headers["X-Request-ID"]


@pytest.mark.parametrize("prefix", ["/auth", "/api"])
def test_each_service_is_routed_with_its_prefix_and_ready(anonymous, prefix):
    assert anonymous.get(f"{prefix}/healthz").json() == {"status": "ok"}
    ready = anonymous.get(f"{prefix}/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}


@pytest.mark.parametrize("prefix", ["/auth", "/api"])
def test_docs_and_schemas_are_served(anonymous, prefix):
    assert anonymous.get(f"{prefix}/docs/").status_code == 200
    schema = anonymous.get(f"{prefix}/swagger.json")
    assert schema.status_code == 200
    assert schema.json()["basePath"] == prefix
    assert "Bearer" in schema.json()["securityDefinitions"]
    assert anonymous.get(f"{prefix}/admin/login/").status_code == 200
    stylesheet = anonymous.get(f"{prefix}/static/admin/css/base.css")
    assert stylesheet.status_code == 200
    assert stylesheet.headers["Content-Type"].startswith("text/css")


def test_healthz_takes_get_only(anonymous):
    response = anonymous.post("/healthz")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method not allowed."}


@pytest.mark.parametrize("path", ["/healthz", "/nothing-here", "/api/healthz", "/api/projects/"])
def test_security_headers_are_on_every_response(anonymous, path):
    headers = anonymous.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "nginx/" not in headers.get("Server", "")
