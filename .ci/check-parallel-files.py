#!/usr/bin/env python3
"""Checks that the files both services keep a copy of are identical but for the package name (run by `make lint`);
docs/parallel-files.toml lists them."""

import difflib
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "docs" / "parallel-files.toml"
SERVICES = ("auth_service", "resource_service")


def copies(path: str) -> list[list[str]]:
    """Both copies of the file, each with its service's package name written PACKAGE."""
    return [
        (ROOT / service / path.replace("PACKAGE", service)).read_text().replace(service, "PACKAGE").splitlines()
        for service in SERVICES
    ]


def main() -> int:
    drifted = 0
    for pair in tomllib.loads(CONFIG.read_text())["pair"]:
        auth, resource = copies(pair["path"])
        if auth != resource:
            drifted += 1
            print(f"{pair['path']}: the two copies differ", file=sys.stderr)
            for line in difflib.unified_diff(auth, resource, *SERVICES, lineterm="", n=1):
                print(f"  {line}", file=sys.stderr)
    if drifted:
        print("Make the copies alike again: what differs belongs in each service's own modules.", file=sys.stderr)
    return 1 if drifted else 0


if __name__ == "__main__":
    sys.exit(main())
