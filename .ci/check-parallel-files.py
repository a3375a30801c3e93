#!/usr/bin/env python3
"""Checks the files both services keep a copy of against docs/parallel-files.toml (run by `make lint`).

Each pair is compared with the services' package names made alike; the lines only one side has must be
exactly the ones the file lists for that pair.
"""

import difflib
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "docs" / "parallel-files.toml"
SERVICES = ("auth_service", "resource_service")


def differences(path: str) -> dict[str, list[str]]:
    """The lines of the pair that only the auth side and only the resource side have, names made alike."""
    sides = [(ROOT / service / path.replace("PACKAGE", service)).read_text().splitlines() for service in SERVICES]
    auth, resource = (
        [line.replace(service, "PACKAGE") for line in lines] for service, lines in zip(SERVICES, sides, strict=True)
    )
    diff = [
        line
        for line in difflib.unified_diff(auth, resource, lineterm="", n=0)
        if not line.startswith(("---", "+++", "@@"))
    ]
    return {
        "auth_only": [line[1:] for line in diff if line.startswith("-")],
        "resource_only": [line[1:] for line in diff if line.startswith("+")],
    }


def main() -> int:
    config = tomllib.loads(CONFIG.read_text())
    drifted = []
    for pair in config["pair"]:
        found = differences(pair["path"])
        expected = {side: pair.get(side, []) for side in found}
        if found != expected:
            drifted.append((pair["path"], expected, found))
    for path, expected, found in drifted:
        print(f"{path}: the two copies differ otherwise than docs/parallel-files.toml says", file=sys.stderr)
        for side in found:
            for line in found[side]:
                if line not in expected[side]:
                    print(f"  {side} (not listed): {line}", file=sys.stderr)
            for line in expected[side]:
                if line not in found[side]:
                    print(f"  {side} (listed, gone): {line}", file=sys.stderr)
    if drifted:
        print("Make the copies alike again, or list the difference for the pair.", file=sys.stderr)
    return 1 if drifted else 0


if __name__ == "__main__":
    sys.exit(main())
