"""Gateway tricks (OWASP API8): Host headers, path spellings, method overrides and request-smuggling shapes are
refused at the gateway with a JSON error, and none of them reaches a service or changes the victim's data."""

import json

import pytest
from conftest import ISSUER

from security.attacker import gateway_host, raw_request

# The stacks' PUBLIC_URL: the origin of their issuer.
PUBLIC_URL = ISSUER.removesuffix("/auth")


def request_bytes(method: str, path: str, headers: str = "", body: str = "", version: str = "HTTP/1.1") -> bytes:
    """The request as bytes. Where a service answers, HTTP/1.0 keeps its answer unchunked for raw_request."""
    host = gateway_host()
    return f"{method} {path} {version}\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n{body}".encode()


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
        "/api/projects/%5c..%5c",
        "/api\\..\\auth/me/",
    ],
)
def test_path_tricks_are_refused_before_any_service(path):
    status, headers, body = raw_request(request_bytes("GET", path))
    assert status == 400
    assert json.loads(body) == {"detail": "Bad request."}
    assert headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "TRACK", "FOO"])
def test_methods_outside_the_api_are_a_json_405(method):
    status, _headers, body = raw_request(request_bytes(method, "/api/projects/"))
    assert status == 405
    assert json.loads(body) == {"detail": "Method not allowed."}


@pytest.mark.parametrize("prefix", ["/api", "/auth"])
def test_a_foreign_host_header_is_a_json_400(prefix):
    data = f"GET {prefix}/healthz HTTP/1.0\r\nHost: evil.example\r\n\r\n".encode()
    status, _headers, body = raw_request(data)
    assert status == 400
    assert json.loads(body) == {"detail": "Bad request."}


def test_two_host_headers_are_a_json_400():
    status, _headers, body = raw_request(request_bytes("GET", "/api/healthz", "Host: evil.example\r\n"))
    assert status == 400
    assert json.loads(body) == {"detail": "Bad request."}


def test_a_foreign_host_in_an_absolute_uri_never_reaches_the_links(alice):
    """nginx routes an absolute-form request by its own server; the service still sees the Host header, so
    the links it writes point back through the gateway."""
    token = alice.login()["access"]
    api = alice.api()
    for name in ("one", "two"):
        assert api.post("/api/projects/", json={"name": name}).status_code == 201
    status, _headers, body = raw_request(
        request_bytes(
            "GET", "http://evil.example/api/projects/?limit=1", f"Authorization: Bearer {token}\r\n", version="HTTP/1.0"
        )
    )
    assert status == 200
    assert json.loads(body)["next"].startswith(f"{PUBLIC_URL}/api/projects/")


def test_a_request_without_host_gets_links_on_the_public_url(alice):
    """An HTTP/1.0 request may leave Host out; the links never carry the address the service was reached by."""
    token = alice.login()["access"]
    api = alice.api()
    for name in ("one", "two"):
        assert api.post("/api/projects/", json={"name": name}).status_code == 201
    request = f"GET /api/projects/?limit=1 HTTP/1.0\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
    status, _headers, body = raw_request(request)
    assert status == 200
    assert json.loads(body)["next"] == f"{PUBLIC_URL}/api/projects/?limit=1&offset=1"


def test_a_method_override_header_changes_nothing(victim):
    for header in ("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"):
        response = victim.api.post(f"/api/projects/{victim.project['id']}/", headers={header: "DELETE"})
        assert response.status_code == 405
    response = victim.api.get(f"/api/projects/{victim.project['id']}/?_method=DELETE")
    assert response.status_code == 200
    victim.assert_untouched()


def test_metrics_are_not_reachable_through_the_gateway(anonymous):
    for path in ("/metrics", "/api/metrics", "/auth/metrics"):
        response = anonymous.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


def smuggled_delete(victim) -> str:
    """A complete second request, hidden in a body, that would delete the victim's project if a service ever
    parsed it as a request of its own."""
    return (
        f"DELETE /api/projects/{victim.project['id']}/ HTTP/1.1\r\nHost: {gateway_host()}\r\n"
        f"Authorization: Bearer {victim.tokens['access']}\r\nContent-Length: 0\r\n\r\n"
    )


# Each shape, the headers that frame its body, and what the gateway answers (RFC 9112 section 6.3: a
# request whose framing is ambiguous is refused, not guessed at).
SMUGGLING_SHAPES = {
    "cl-te": ("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n{smuggled}", "Bad request."),
    "te-cl": ("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n{smuggled}", "Bad request."),
    "two-content-lengths": ("Content-Length: 2\r\nContent-Length: {length}\r\n", "{{}}{smuggled}", "Bad request."),
    "content-length-list": ("Content-Length: 2, {length}\r\n", "{{}}{smuggled}", "Bad request."),
    "content-length-plus": ("Content-Length: +2\r\n", "{{}}{smuggled}", "Bad request."),
    "content-length-negative": ("Content-Length: -1\r\n", "{smuggled}", "Bad request."),
    "te-identity": ("Transfer-Encoding: identity\r\n", "{smuggled}", "Unsupported Transfer-Encoding."),
    "te-chunked-identity": (
        "Transfer-Encoding: chunked, identity\r\n",
        "0\r\n\r\n{smuggled}",
        "Unsupported Transfer-Encoding.",
    ),
    "te-xchunked": ("Transfer-Encoding: xchunked\r\n", "0\r\n\r\n{smuggled}", "Unsupported Transfer-Encoding."),
    "te-space-before-colon": (
        "Transfer-Encoding : chunked\r\nContent-Length: 2\r\n",
        "{{}}{smuggled}",
        "Bad request.",
    ),
    "te-obs-fold": (
        "X-Padding: a\r\n Transfer-Encoding: chunked\r\nContent-Length: 2\r\n",
        "{{}}{smuggled}",
        "Bad request.",
    ),
    "bad-chunk-size": ("Transfer-Encoding: chunked\r\n", "zz\r\n{{}}\r\n0\r\n\r\n{smuggled}", "Bad request."),
}


@pytest.mark.parametrize("shape", SMUGGLING_SHAPES)
def test_request_smuggling_shapes_are_refused_and_smuggle_nothing(victim, shape):
    headers, body, detail = SMUGGLING_SHAPES[shape]
    smuggled = smuggled_delete(victim)
    body = body.format(smuggled=smuggled)
    headers = headers.format(length=len(body))
    status, response_headers, answer = raw_request(request_bytes("POST", "/api/projects/", headers, body))
    assert status == 400, answer
    assert response_headers["content-type"].startswith("application/json")
    assert json.loads(answer) == {"detail": detail}
    victim.assert_untouched()


def test_chunked_encoding_in_http_1_0_is_refused(victim):
    body = f"0\r\n\r\n{smuggled_delete(victim)}"
    status, _headers, answer = raw_request(
        request_bytes("POST", "/api/projects/", "Transfer-Encoding: chunked\r\n", body, version="HTTP/1.0")
    )
    assert status == 400
    assert json.loads(answer) == {"detail": "Bad request."}
    victim.assert_untouched()


def test_an_unsupported_http_version_is_a_json_400():
    status, _headers, answer = raw_request(request_bytes("GET", "/api/healthz", version="HTTP/3.0"))
    assert status == 400
    assert json.loads(answer) == {"detail": "Unsupported HTTP version."}


def line_of(length: int) -> str:
    """A path that makes `GET <path> HTTP/1.0` exactly length bytes long."""
    prefix = "/api/healthz?q="
    return prefix + "a" * (length - len("GET  HTTP/1.0") - len(prefix))


def header_line_of(length: int) -> str:
    return "X-Padding: " + "a" * (length - len("X-Padding: ")) + "\r\n"


# The services' own limits once sat below the gateway's and answered what passed it with an HTML page.
@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        pytest.param(line_of(4095), "", 200, id="request line over gunicorn's default"),
        pytest.param(line_of(8190), "", 200, id="longest request line the gateway takes"),
        pytest.param(line_of(8191), "", 414, id="request line one byte longer"),
        pytest.param("/api/healthz", "".join(f"X-Field-{i}: v\r\n" for i in range(200)), 200, id="200 headers"),
        pytest.param("/api/healthz", header_line_of(8190), 200, id="longest header line the gateway takes"),
        pytest.param("/api/healthz", header_line_of(8191), 400, id="header line one byte longer"),
    ],
)
def test_what_the_gateway_lets_through_the_service_answers_and_the_rest_is_a_json_error(path, headers, status):
    answer, _headers, body = raw_request(request_bytes("GET", path, headers, version="HTTP/1.0"))
    assert answer == status
    expected = {200: {"status": "ok"}, 400: {"detail": "Request header too large."}}
    assert json.loads(body) == expected.get(status, {"detail": "Request URI too long."})
