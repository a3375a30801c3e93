#!/usr/bin/env python3
"""make mutate's tally: for each module a service's [tool.mutmut] only_mutate names, the mutants its tests killed
out of those mutmut made, from the results mutmut left in <service>/mutants/. Writes the table into
docs/mutation.md and lists the survivors; fails when a module's score is under the target."""

import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("auth_service", "resource_service")
DOC = ROOT / "docs" / "mutation.md"
BEGIN, END = "<!-- scores: written by make mutate -->", "<!-- /scores -->"
TARGET = 0.90
# mutmut's exit codes of a mutant's test run: the tests failed (killed), or the mutant made them hang (a timeout,
# detected too); 0 is a survivor, 33 and 5 a mutant no test reaches.
DETECTED = {1, 3, 36, -24, 24, 152, 255}


def tally(service: str) -> list[tuple[str, int, int, list[str]]]:
    config = tomllib.loads((ROOT / service / "pyproject.toml").read_text())["tool"]["mutmut"]
    rows = []
    for module in config["only_mutate"]:
        meta = ROOT / service / "mutants" / f"{module}.meta"
        if not meta.exists():
            raise SystemExit(f"{meta} is missing: run make mutate first")
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        survivors = sorted(name for name, code in codes.items() if code not in DETECTED)
        rows.append((f"{service}/{module}", len(codes) - len(survivors), len(codes), survivors))
    return rows


def main() -> int:
    rows = [row for service in SERVICES for row in tally(service)]
    table = ["| Module | Killed | Mutants | Score |", "|---|---:|---:|---:|"]
    below = []
    for module, killed, total, survivors in rows:
        score = killed / total if total else 1.0
        table.append(f"| `{module}` | {killed} | {total} | {score:.1%} |")
        if score < TARGET:
            below.append(module)
        for name in survivors:
            print(f"survived: {name}")
    text = DOC.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    DOC.write_text(text[:start] + "\n" + "\n".join(table) + "\n" + text[end:])
    print("\n".join(table))
    if below:
        print(f"Under {TARGET:.0%}: {', '.join(below)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
