"""make test-faults: the fault drills on a native stack of their own (fault_stack.py), which this sets up, starts,
and stops in the end. Arguments go to pytest."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import PYTEST, ports, run, suite_limits


def main(arguments: list[str]) -> None:
    work = Path(tempfile.mkdtemp())
    work.chmod(0o755)
    dev = work / "dev"
    stack_ports = ports("faults")
    database = f"postgres://postgres@127.0.0.1:{stack_ports['FAULTS_PG_PORT']}"
    os.environ.update(
        {
            **stack_ports,
            **suite_limits(),
            "FAULTS_WORK": str(work),
            "DEV_DIR": str(dev),
            "JWT_PRIVATE_KEY_FILE": str(dev / "keys" / "jwt-private.pem"),
            "JWT_PUBLIC_KEY_FILE": str(dev / "keys" / "jwt-public.pem"),
            "AUTH_DATABASE_URL": f"{database}/auth",
            "RESOURCE_DATABASE_URL": f"{database}/resource",
            "REDIS_URL": f"redis://127.0.0.1:{stack_ports['FAULTS_REDIS_PORT']}/0",
            # A task of a worker killed mid-run goes back to the queue after this many seconds (15 minutes).
            "CELERY_VISIBILITY_TIMEOUT": "20",
            # A task (an export's run too) is stopped after 8 s and killed 10 s later, before that timeout (the
            # settings check).
            "CELERY_TASK_SOFT_TIME_LIMIT": "8",
            "EXPORT_TIME_LIMIT": "8",
            "BLACKBOX_BASE_URL": f"http://127.0.0.1:{stack_ports['GATEWAY_PORT']}",
        }
    )
    dev.mkdir()
    sys.path.insert(0, str(Path(__file__).parent))
    import fault_stack

    try:
        fault_stack.pg_init()
        fault_stack.pg_start()
        fault_stack.redis_start()
        prepare_log = work / "prepare.log"
        with prepare_log.open("w") as output:
            prepared = subprocess.run(["make", "--no-print-directory", "dev-prepare"], stdout=output, stderr=output)
        if prepared.returncode:
            raise SystemExit(f"make dev-prepare failed:\n{prepare_log.read_text()}")
        fault_stack.stack_start()
        fault_stack.auth_start()
        fault_stack.resource_worker_start()
        fault_stack.wait_ready()
        run([*PYTEST, "tests/faults", "-p", "no:cacheprovider", *arguments])
    finally:
        fault_stack.resource_worker_kill()
        fault_stack.auth_stop()
        fault_stack.stack_stop()
        fault_stack.redis_stop()
        fault_stack.pg_stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
