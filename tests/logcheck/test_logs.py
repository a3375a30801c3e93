"""After a full black-box run, the stack's logs: no request was answered with a 5xx, by a service or by the
gateway, and no error was logged with a traceback. Either would be a bug the run's own assertions missed. (The
fault drills, which cause 5xx on purpose, run on a stack and a log of their own.)

run_native.py and run_compose.py run this last, with BLACKBOX_LOG_FILE naming the stack's collected logs.
"""

import json
import os
from pathlib import Path

import pytest


def records(lines: list[str]) -> list[tuple[str, dict]]:
    """Each JSON log record with its line; the collector's prefix (process or container name) is skipped."""
    found = []
    for line in lines:
        start = line.find("{")
        if start < 0:
            continue
        try:
            record = json.loads(line[start:])
        except ValueError:
            continue
        if isinstance(record, dict):
            found.append((line, record))
    return found


@pytest.fixture(scope="module")
def log_records() -> list[tuple[str, dict]]:
    lines = Path(os.environ["BLACKBOX_LOG_FILE"]).read_text(errors="replace").splitlines()
    found = records(lines)
    assert len(found) > 100, "the log of a full run cannot be this short"
    assert any(record.get("logger") == "gateway" for _, record in found), "no gateway line in the log"
    return found


def test_no_request_was_answered_with_a_5xx(log_records):
    failed = [line for line, record in log_records if isinstance(record.get("status"), int) and record["status"] >= 500]
    assert failed == [], f"{len(failed)} answers with a 5xx: {failed[:5]}"


def test_no_error_was_logged_with_a_traceback(log_records):
    errors = [
        line
        for line, record in log_records
        if record.get("level") in ("ERROR", "CRITICAL") and ("exc_info" in record or "Traceback" in line)
    ]
    assert errors == [], f"{len(errors)} errors with a traceback: {[line[:2000] for line in errors[:3]]}"


def test_no_traceback_was_written_outside_the_json_logs():
    lines = Path(os.environ["BLACKBOX_LOG_FILE"]).read_text(errors="replace").splitlines()
    plain = [line for line in lines if "Traceback (most recent call last)" in line and "{" not in line]
    assert plain == [], plain[:3]


def test_the_checks_find_what_they_look_for():
    """The parsing above on lines as both stacks write them: a gateway 502 and a service's error with a traceback
    are found behind a honcho or a compose prefix."""
    lines = [
        '21:08:07 gateway.1  | {"logger":"gateway","status":502,"path":"/api/projects/"}',
        'resource-1  | {"level": "ERROR", "logger": "django.request", "exc_info": "Traceback ...", "status": 500}',
        "auth-1  | not json {at all",
    ]
    found = records(lines)
    assert [record["status"] for _, record in found] == [502, 500]
    assert found[1][1]["level"] == "ERROR"
