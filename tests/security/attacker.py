"""What the security tests attack with, and the victim whose data must come through unchanged."""

import base64
import json
import socket

import jwt
from conftest import BASE_URL, Account, Gateway

REFUSED = {"detail": "Authentication credentials were not provided or are not valid."}


def b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def header_and_claims(token: str) -> tuple[dict, dict]:
    return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})


class Victim:
    """An account with a project, a task and a display name, and a snapshot of all of them."""

    def __init__(self):
        self.account = Account("victim")
        self.tokens = self.account.login()
        self.api = Gateway(self.tokens["access"])
        self.project = self.api.post("/api/projects/", json={"name": "Victim's"}).json()
        self.task = self.api.post(f"/api/projects/{self.project['id']}/tasks/", json={"title": "Victim's"}).json()
        assert self.api.request("PATCH", "/auth/me/", json={"display_name": "Victim"}).status_code == 200
        self.before = self.state()

    @property
    def id(self) -> str:
        return self.account.id

    def state(self) -> tuple:
        return (
            self.api.get("/auth/me/").json(),
            self.api.get("/api/projects/").json(),
            self.api.get(f"/api/projects/{self.project['id']}/tasks/").json(),
        )

    def assert_untouched(self) -> None:
        assert self.state() == self.before


def assert_refused(token: str | None, victim: Victim) -> None:
    """The token opens nothing: reads and writes on both services are a 401, and the victim is untouched."""
    api = Gateway(token)
    for method, path in (("GET", "/api/projects/"), ("DELETE", f"/api/projects/{victim.project['id']}/")):
        response = api.request(method, path)
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.json() == REFUSED
    assert api.request("PATCH", "/auth/me/", json={"display_name": "Owned"}).status_code == 401
    victim.assert_untouched()


def raw_request(data: bytes) -> tuple[int, dict[str, str], str]:
    """Send bytes to the gateway exactly as written and read the answer until the gateway closes."""
    address, port = gateway_host().split(":")
    with socket.create_connection((address, int(port)), timeout=10) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.decode(errors="replace").partition("\r\n\r\n")
    status_line, *header_lines = head.split("\r\n")
    headers = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in header_lines}
    return int(status_line.split()[1]), headers, body


def gateway_host() -> str:
    return BASE_URL.removeprefix("http://")
