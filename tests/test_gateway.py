"""The gateway's own routes and errors."""

import json
import socket

import pytest
from conftest import BASE_URL


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


def raw_request(method: str, path: str, headers: str = "", host: str = "") -> tuple[int, dict[str, str], str]:
    """Send a request exactly as written (no client-side path normalisation) and read the answer.

    HTTP/1.0, so that the answer is never chunked.
    """
    address, port = BASE_URL.removeprefix("http://").split(":")
    with socket.create_connection((address, int(port)), timeout=10) as sock:
        sock.sendall(f"{method} {path} HTTP/1.0\r\nHost: {host or address}\r\n{headers}\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.decode(errors="replace").partition("\r\n\r\n")
    status_line, *header_lines = head.split("\r\n")
    parsed = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in header_lines}
    return int(status_line.split()[1]), parsed, body


@pytest.mark.parametrize(
    "path",
    [
        "/api/../auth/admin/",
        "/api/%2e%2e/auth/admin/",
        "/api/%2E%2E/auth/me/",
        "/auth/..%2fapi/projects/",
        "/api//projects/",
        "/api/projects/%2f",
        "/api/.%2e/metrics",
        "/api/projects/./",
    ],
)
def test_path_tricks_are_refused_before_any_service(path):
    status, headers, body = raw_request("GET", path)
    assert status == 400
    assert json.loads(body) == {"detail": "Bad request."}
    assert headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "FOO"])
def test_unknown_methods_are_a_json_405(method):
    status, _headers, body = raw_request(method, "/api/projects/")
    assert status in (400, 405)
    assert json.loads(body)["detail"]


def test_a_uri_too_long_is_a_json_414(anonymous):
    response = anonymous.get("/api/projects/?q=" + "a" * 10_000)
    assert response.status_code == 414
    assert response.json() == {"detail": "Request URI too long."}


def test_a_body_too_large_is_a_json_413(anonymous):
    response = anonymous.post("/api/projects/", data=b"{" + b" " * 2_000_000 + b"}")
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large."}


@pytest.mark.parametrize("prefix", ["/api", "/auth"])
def test_a_foreign_host_header_is_a_json_400(prefix):
    status, _headers, body = raw_request("GET", f"{prefix}/healthz", host="evil.example")
    assert status == 400
    assert json.loads(body) == {"detail": "Bad request."}


def test_healthz_takes_get_only():
    status, _headers, body = raw_request("POST", "/healthz", "Content-Length: 0\r\n")
    assert status == 405
    assert json.loads(body) == {"detail": "Method not allowed."}


@pytest.mark.parametrize("path", ["/healthz", "/nothing-here", "/api/healthz", "/api/projects/"])
def test_security_headers_are_on_every_response(anonymous, path):
    headers = anonymous.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "nginx/" not in headers.get("Server", "")


def test_a_method_override_header_changes_nothing(alice):
    api = alice.api()
    project = api.post("/api/projects/", json={"name": "Keep me"}).json()
    response = api.post(f"/api/projects/{project['id']}/", headers={"X-HTTP-Method-Override": "DELETE"})
    assert response.status_code == 405
    assert api.get(f"/api/projects/{project['id']}/").status_code == 200


def test_metrics_are_not_reachable_through_the_gateway(anonymous):
    for path in ("/metrics", "/api/metrics", "/auth/metrics", "/api/../metrics"):
        assert anonymous.get(path).status_code in (400, 404)
