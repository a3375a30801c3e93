"""The black-box suite talks HTTP to the gateway only.

BLACKBOX_BASE_URL is the gateway (default http://127.0.0.1:8080); BLACKBOX_SIGNING_KEY_FILE is the stack's
private key, used to sign tokens the way only the auth service should (to prove what a verifier accepts).
"""

import email
import os
import re
import shlex
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import jwt
import pytest
import requests

BASE_URL = os.environ.get("BLACKBOX_BASE_URL", "http://127.0.0.1:8080").rstrip("/")
# The stacks' JWT_ISSUER: the tokens' `iss` and the address of the auth service's discovery documents.
ISSUER = os.environ.get("BLACKBOX_ISSUER", "http://localhost:8080/auth")
PASSWORD = "a long and unusual passphrase"
NEW_PASSWORD = "another long passphrase"
# The stack's REFRESH_REUSE_INTERVAL: the runners shorten it (harness.py); the services' default otherwise.
REUSE_INTERVAL = float(os.environ.get("REFRESH_REUSE_INTERVAL", "10"))
WRONG_PASSWORD = "not the password at all"
# Every password the suite sends, so that the log check can look for each of them.
PASSWORDS_USED = tuple(
    password
    for password in (PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, os.environ.get("BLACKBOX_ADMIN_PASSWORD"))
    if password
)
TIMEOUT = 10


class Gateway:
    """A requests session bound to the gateway's base URL."""

    def __init__(self, token: str | None = None):
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        kwargs.setdefault("allow_redirects", False)
        return self.session.request(method, BASE_URL + path, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)


class Account:
    """A registered user of the running stack."""

    def __init__(self, name: str):
        self.email = f"{name}-{uuid.uuid4().hex[:12]}@example.com"
        response = Gateway().post("/auth/register/", json={"email": self.email, "password": PASSWORD})
        assert response.status_code == 201, response.text
        self.id = response.json()["id"]

    def login(self) -> dict:
        response = Gateway().post("/auth/token/", json={"email": self.email, "password": PASSWORD})
        if response.status_code == 403 and response.json().get("code") == "email_unverified":
            self.verify()  # a stack with EMAIL_VERIFICATION=mandatory (the production one)
            response = Gateway().post("/auth/token/", json={"email": self.email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return response.json()

    def verify(self) -> None:
        """Follow the link of the welcome mail."""
        assert wait_for(lambda: any(m["Subject"] == "Welcome" for m in mails_to(self.email)))
        welcome = next(m for m in mails_to(self.email) if m["Subject"] == "Welcome")
        assert Gateway().post("/auth/email/verify/", json=link_values(welcome)).status_code == 204

    def api(self) -> Gateway:
        return Gateway(self.login()["access"])


def mails_to(address: str) -> list[email.message.Message]:
    """The mails the stack sent to the address: those sent through the SES that moto at BLACKBOX_SES_URL plays (the
    production suite; moto lists the raw messages in its model data), or else those BLACKBOX_MAIL_COMMAND prints
    from the files the auth worker wrote (Django's file backend: the messages, each followed by 79 dashes)."""
    if "BLACKBOX_SES_URL" in os.environ:
        models = requests.get(os.environ["BLACKBOX_SES_URL"] + "/moto-api/data.json", timeout=10).json()
        sent = models.get("ses", {}).get("RawMessage", [])
        messages = [email.message_from_string(message["raw_data"]) for message in sent]
    else:
        command = shlex.split(os.environ["BLACKBOX_MAIL_COMMAND"])
        output = subprocess.run(command, capture_output=True, timeout=30, check=True).stdout
        chunks = [chunk.strip(b"\n") for chunk in output.split(b"-" * 79)]
        messages = [email.message_from_bytes(chunk) for chunk in chunks if chunk]
    return [message for message in messages if message["To"] == address]


def link_values(message: email.message.Message) -> dict[str, str]:
    """The uid and token a verification or reset mail gives (the stacks set no link URL)."""
    uid, token = re.search(r'"uid": "([^"]+)", "token": "([^"]+)"', message.get_payload()).groups()
    return {"uid": uid, "token": token}


def wait_for(condition: Callable[[], bool], *, timeout: float = 30, interval: float = 0.25) -> bool:
    """Poll until the condition holds or the timeout passes; return whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


@pytest.fixture
def anonymous() -> Gateway:
    return Gateway()


@pytest.fixture
def alice() -> Account:
    return Account("alice")


@pytest.fixture
def bob() -> Account:
    return Account("bob")


@pytest.fixture(scope="session")
def stack_signing_key():
    """The stack's own private key, to sign tokens that differ from real ones in one chosen way."""
    path = os.environ.get("BLACKBOX_SIGNING_KEY_FILE")
    if not path:
        pytest.fail("BLACKBOX_SIGNING_KEY_FILE must name the stack's private key (see docs/testing.md)")
    return Path(path).read_text()


@pytest.fixture
def sign_like_the_stack(stack_signing_key) -> Callable[..., str]:
    """Sign claims with the stack's key and its kid, copying iss and aud from a real token."""

    def sign(template_token: str, **overrides) -> str:
        header = jwt.get_unverified_header(template_token)
        claims = jwt.decode(template_token, options={"verify_signature": False})
        claims.update(overrides)
        claims = {name: value for name, value in claims.items() if value is not None}
        return jwt.encode(claims, stack_signing_key, algorithm="RS256", headers={"kid": header["kid"]})

    return sign
