"""Scaling in compose (run by tests/run_compose.py after `--scale auth=2 --scale resource=3`): the gateway
picks up the new replicas and spreads requests over all of them, as its log lines show."""

import json
import os
import shlex
import subprocess
import time
from collections import defaultdict

from conftest import Gateway


def upstreams_seen() -> dict[str, set[str]]:
    """The upstream addresses of the gateway's log lines, by service prefix."""
    command = shlex.split(os.environ["BLACKBOX_GATEWAY_LOGS_COMMAND"])
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    seen = defaultdict(set)
    for line in output.splitlines():
        start = line.find("{")
        if start < 0:
            continue
        try:
            entry = json.loads(line[start:])
        except ValueError:
            continue
        if entry.get("logger") == "gateway" and entry.get("upstream"):
            seen[entry["path"].split("/")[1]].add(entry["upstream"])
    return seen


def test_requests_reach_every_replica():
    expected = {"auth": int(os.environ["BLACKBOX_AUTH_REPLICAS"]), "api": int(os.environ["BLACKBOX_RESOURCE_REPLICAS"])}
    deadline = time.monotonic() + 60
    seen: dict[str, set[str]] = {}
    while time.monotonic() < deadline:
        for _ in range(30):
            assert Gateway().get("/auth/healthz").status_code == 200
            assert Gateway().get("/api/healthz").status_code == 200
        seen = upstreams_seen()
        if all(len(seen[prefix]) >= count for prefix, count in expected.items()):
            break
        time.sleep(1)
    assert {prefix: len(seen.get(prefix, ())) for prefix in expected} == expected, seen
