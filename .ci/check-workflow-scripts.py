"""Shellcheck every `run:` script of the GitHub workflows and actions, as actionlint would: each as the bash
script the runner makes of it, with every ${{ }} expression replaced by a word of its length. (actionlint
itself installs from PyPI by downloading its binary from GitHub, which the runners reach and these machines
do not: the workflow's lint job runs it.) Exits non-zero naming each script shellcheck faults."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def scripts(path: Path):
    document = yaml.safe_load(path.read_text())
    jobs = document.get("jobs", {}).values() if "jobs" in document else [document.get("runs", {})]
    for job in jobs:
        for number, step in enumerate(job.get("steps", []), 1):
            if "run" in step:
                yield (
                    f"{path.relative_to(ROOT)}: step {number} ({step.get('name', step['run'].splitlines()[0])})",
                    step["run"],
                )


def main() -> int:
    files = sorted((ROOT / ".github").glob("workflows/*.yml")) + sorted((ROOT / ".github").glob("actions/*/action.yml"))
    failed = 0
    for where, script in (item for path in files for item in scripts(path)):
        source = "#!/usr/bin/env bash\nset -e\n" + EXPRESSION.sub(lambda match: "_" * len(match[0]), script)
        result = subprocess.run(  # noqa: S603
            [str(ROOT / ".venv" / "bin" / "shellcheck"), "--shell=bash", "-"],
            input=source,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            failed += 1
            print(f"{where}:\n{result.stdout}", file=sys.stderr)
    print(f"{len(files)} workflow files, {failed} faulted run scripts")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
