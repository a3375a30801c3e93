"""After a full black-box run: no token, password, private key or Authorization header in any log line.

run_native.py and run_compose.py run this last, with BLACKBOX_LOG_FILE naming the stack's collected logs.
"""

import os
import re
from pathlib import Path

import pytest
from conftest import PASSWORDS_USED

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
