"""After a full black-box run: no token, password, private key or Authorization header in any log line.

run_native.py and run_compose.py run this last, with BLACKBOX_LOG_FILE naming the stack's collected logs.
"""

import json
import os
import re
import uuid
from pathlib import Path

import jwt
import pytest
from conftest import PASSWORDS_USED
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

PATTERNS = {
    "a JWT": re.compile(r"eyJ[A-Za-z0-9_-]{10,}"),
    # A header's name with its value (a path such as /.well-known/oauth-authorization-server is no header).
    "an Authorization header": re.compile(r"authorization['\"]?\s*[:=]|bearer ", re.IGNORECASE),
    "a private key": re.compile(r"PRIVATE KEY"),
}


@pytest.fixture(scope="module")
def log_lines() -> list[str]:
    lines = Path(os.environ["BLACKBOX_LOG_FILE"]).read_text(errors="replace").splitlines()
    assert len(lines) > 100, "the log of a full run cannot be this short"
    return lines


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_no_secret_shape_is_logged(log_lines, name):
    offending = [line for line in log_lines if PATTERNS[name].search(line)]
    assert offending == [], f"{name} in the logs: {offending[:3]}"


def test_no_password_used_in_the_run_is_logged(log_lines):
    offending = [line for line in log_lines if any(password in line for password in PASSWORDS_USED)]
    assert offending == [], offending[:3]


def test_the_patterns_find_a_real_token_header_and_key_and_pass_a_clean_line():
    """Each pattern on a line as a leak would write it (a signed token in a logged query string, the header of a
    request logged whole, a key in a message), and none on a line of an ordinary request."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode({"sub": str(uuid.uuid4()), "token_type": "access"}, key, algorithm="RS256")
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    leaks = {
        "a JWT": {"logger": "gateway", "status": 200, "request": f"GET /api/projects/?access_token={token} HTTP/1.1"},
        "an Authorization header": {"logger": "django.request", "headers": {"Authorization": f"Bearer {token}"}},
        "a private key": {"level": "ERROR", "message": f"cannot load {pem}"},
    }
    for name, record in leaks.items():
        assert PATTERNS[name].search(f"resource-1  | {json.dumps(record)}"), name
    clean = {"logger": "gateway", "status": 200, "request": "GET /.well-known/oauth-authorization-server HTTP/1.1"}
    assert not [name for name, pattern in PATTERNS.items() if pattern.search(json.dumps(clean))]
