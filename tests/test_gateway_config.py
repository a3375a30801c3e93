"""The gateway configuration on its own: nginx from gateway/run.sh in front of a stub that echoes what it got.

These start their own nginx (it must be installed) with small rate limits, on free ports of 127.0.0.1.
"""

import json
import os
import signal
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

RUN_SH = Path(__file__).resolve().parent.parent / "gateway" / "run.sh"


class Echo(BaseHTTPRequestHandler):
    """Answers every request with the method, path and headers it received."""

    protocol_version = "HTTP/1.1"

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = json.dumps(
            {"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Frame-Options", "SAMEORIGIN")
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _answer

    def log_message(self, *args):
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_gateway(prefix: Path, **settings: str):
    """nginx from run.sh on a free port, in front of an echoing stub, with small limits and these settings."""
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = free_port()
    env = {
        **os.environ,
        "GATEWAY_PREFIX": str(prefix),
        "GATEWAY_PORT": str(port),
        "AUTH_UPSTREAM": f"127.0.0.1:{upstream.server_port}",
        "RESOURCE_UPSTREAM": f"127.0.0.1:{upstream.server_port}",
        "GATEWAY_AUTH_RATE": "1r/s",
        "GATEWAY_AUTH_BURST": "2",
        "GATEWAY_API_RATE": "1r/s",
        "GATEWAY_API_BURST": "5",
        "GATEWAY_ADMIN_RATE": "1r/s",
        "GATEWAY_ADMIN_BURST": "2",
        "GATEWAY_MAX_BODY_SIZE": "10k",
        **settings,
    }
    process = subprocess.Popen(["sh", str(RUN_SH)], env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/healthz", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    try:
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
        upstream.shutdown()
        upstream.server_close()


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    with running_gateway(tmp_path_factory.mktemp("gateway")) as base:
        yield base


def test_the_client_address_replaces_a_forwarded_header(gateway):
    echoed = requests.get(f"{gateway}/api/x", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=5).json()
    assert echoed["headers"]["x-forwarded-for"] == "127.0.0.1"
    assert echoed["headers"]["x-real-ip"] == "127.0.0.1"


def test_method_override_headers_never_reach_a_service(gateway):
    headers = {"X-HTTP-Method-Override": "DELETE", "X-HTTP-Method": "DELETE", "X-Method-Override": "DELETE"}
    echoed = requests.post(f"{gateway}/api/x", headers=headers, timeout=5).json()
    assert echoed["method"] == "POST"
    assert not {"x-http-method-override", "x-http-method", "x-method-override"} & set(echoed["headers"])


def test_the_request_id_is_forwarded_and_returned(gateway):
    response = requests.get(f"{gateway}/api/x", headers={"X-Request-ID": "trace-1"}, timeout=5)
    assert response.json()["headers"]["x-request-id"] == "trace-1"
    assert response.headers["X-Request-ID"] == "trace-1"
    generated = requests.get(f"{gateway}/api/x", timeout=5)
    assert generated.json()["headers"]["x-request-id"] == generated.headers["X-Request-ID"]


def test_services_see_the_original_path(gateway):
    assert requests.get(f"{gateway}/auth/me/?a=1", timeout=5).json()["path"] == "/auth/me/?a=1"


def test_security_headers_replace_the_services_own(gateway):
    response = requests.get(f"{gateway}/api/x", timeout=5)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP, no trusted TLS proxy


def test_a_forwarded_https_from_an_untrusted_peer_is_not_believed(gateway):
    response = requests.get(f"{gateway}/api/x", headers={"X-Forwarded-Proto": "https"}, timeout=5)
    assert response.json()["headers"]["x-forwarded-proto"] == "http"
    assert "Strict-Transport-Security" not in response.headers


def test_login_has_a_limit_of_its_own_with_json_and_retry_after(gateway):
    statuses = [requests.post(f"{gateway}/auth/token/", timeout=5).status_code for _ in range(6)]
    assert statuses[:3] == [200, 200, 200]
    assert 429 in statuses[3:]
    limited = requests.post(f"{gateway}/auth/token/", timeout=5)
    assert limited.status_code == 429
    assert limited.json() == {"detail": "Too many requests."}
    assert limited.headers["Retry-After"] == "1"
    assert limited.headers["X-Frame-Options"] == "DENY"
    # The refresh path has its own bucket: the login flood does not block it.
    assert requests.post(f"{gateway}/auth/token/refresh/", timeout=5).status_code == 200


def test_the_admin_sites_share_a_strict_limit_of_their_own(gateway):
    statuses = [requests.post(f"{gateway}/auth/admin/login/", timeout=5).status_code for _ in range(6)]
    assert statuses[:3] == [200, 200, 200]
    assert 429 in statuses[3:]
    limited = requests.post(f"{gateway}/api/admin/login/", timeout=5)
    assert limited.status_code == 429
    assert limited.json() == {"detail": "Too many requests."}


def test_the_admin_sites_answer_only_the_listed_addresses(tmp_path):
    with running_gateway(tmp_path / "elsewhere", GATEWAY_ADMIN_ALLOW="192.0.2.0/24,198.51.100.7") as base:
        for admin in ("/auth/admin/", "/api/admin/login/"):
            refused = requests.get(f"{base}{admin}", timeout=5)
            assert refused.status_code == 403
            assert refused.json() == {"detail": "Forbidden."}
        assert requests.get(f"{base}/auth/me/", timeout=5).status_code == 200
    with running_gateway(tmp_path / "here", GATEWAY_ADMIN_ALLOW="192.0.2.0/24,127.0.0.1") as base:
        assert requests.get(f"{base}/auth/admin/", timeout=5).status_code == 200


def test_a_large_body_is_a_json_413(gateway):
    response = requests.post(f"{gateway}/api/x", data=b"x" * 20_000, timeout=5)
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large."}


def test_error_pages_are_not_reachable_from_outside(gateway):
    for code in (400, 404, 429, 502):
        response = requests.get(f"{gateway}/_errors/{code}", timeout=5)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


def test_a_long_uri_is_a_json_414(gateway):
    response = requests.get(f"{gateway}/api/x?q={'a' * 10_000}", timeout=5)
    assert response.status_code == 414
    assert response.json() == {"detail": "Request URI too long."}


def test_an_unknown_method_is_a_json_405(gateway):
    response = requests.request("PROPFIND", f"{gateway}/api/x", timeout=5)
    assert response.status_code == 405
    assert response.json() == {"detail": "Method not allowed."}
