"""Schemathesis against both services' schemas through the gateway, with a valid token: no 5xx, and every
response's status code and body as documented. `make test` runs a bounded number of examples per operation;
`make fuzz` runs many more (FUZZ_MAX_EXAMPLES, FUZZ_MAX_TIME)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BASE_URL, Account

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# No 5xx; each status and body as documented (lib/schema.py documents only the errors an operation can answer);
# a request the schema allows is not refused as invalid, and one it does not allow is refused.
CHECKS = (
    "not_a_server_error,status_code_conformance,response_schema_conformance,"
    "positive_data_acceptance,negative_data_rejection"
)
# Logout-all revokes the token it is called with: after it, every secured operation could only answer 401. It has
# a run of its own, after which nothing else runs with that token.
SESSION_ENDING = "/logout-all/"


@pytest.mark.parametrize(
    ("prefix", "operations"),
    [
        ("/api", []),
        ("/auth", ["--exclude-path", SESSION_ENDING]),
        ("/auth", ["--include-path", SESSION_ENDING]),
    ],
    ids=["resource", "auth", "auth-logout-all"],
)
def test_the_schema_holds_under_generated_requests(prefix, operations):
    token = Account("fuzz").login()["access"]
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),
        "run",
        f"{BASE_URL}{prefix}/swagger.json",
        *operations,
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--max-examples",
        os.environ.get("FUZZ_MAX_EXAMPLES", "15"),
        # One worker: with two threads, CPython 3.11.7's ast.parse (which Hypothesis reaches while describing a
        # strategy) can raise "AST constructor recursion depth mismatch" (CPython gh-106905, fixed in 3.11.8).
        "--workers",
        "1",
        "--seed",
        os.environ.get("FUZZ_SEED", "20261126"),
        "--no-color",
    ]
    if os.environ.get("FUZZ_MAX_TIME"):
        command += ["--max-time", os.environ["FUZZ_MAX_TIME"]]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    failures = result.stdout[result.stdout.find("FAILURES") :]
    assert result.returncode == 0, failures[:12000] + result.stdout[-2000:] + result.stderr[-2000:]
    assert "No operations" not in result.stdout, result.stdout[-2000:]
