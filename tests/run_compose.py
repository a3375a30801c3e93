"""make test-compose: builds and starts the docker compose stack under a project name of its own, with the
monitoring profile, waits until every service is healthy, runs the black-box suite, the monitoring check, the
scaling check and the log check against it, and removes the stack and its volumes. Arguments go to the suite's
pytest."""

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import PYTEST, ports, run, suite_limits

PROJECT = os.environ.get("COMPOSE_TEST_PROJECT", "jwt-services-test")
COMPOSE = ["docker", "compose", "--project-name", PROJECT]


def main(arguments: list[str]) -> None:
    stack_ports = ports("compose")
    gateway = f"http://127.0.0.1:{stack_ports['GATEWAY_PORT']}"
    os.environ.update({**stack_ports, **suite_limits(), "COMPOSE_PROFILES": "monitoring"})
    work = Path(tempfile.mkdtemp())
    passed = False
    try:
        run([*COMPOSE, "up", "--build", "--detach", "--wait", "--wait-timeout", "300"])
        # The tests sign tokens with the stack's own key, read out of the auth container.
        key = work / "jwt.pem"
        run([*COMPOSE, "cp", "auth:/keys/private/jwt.pem", str(key)])
        # A superuser of the resource admin, for the browser test.
        admin = {"BLACKBOX_ADMIN_USER": "blackbox-admin", "BLACKBOX_ADMIN_PASSWORD": secrets.token_urlsafe(18)}
        os.environ.update(admin)
        run(
            [
                *COMPOSE,
                "exec",
                "-T",
                "-e",
                f"DJANGO_SUPERUSER_PASSWORD={admin['BLACKBOX_ADMIN_PASSWORD']}",
                "resource",
                "python",
                "manage.py",
                "createsuperuser",
                "--noinput",
                "--username",
                admin["BLACKBOX_ADMIN_USER"],
                "--email",
                "admin@example.com",
            ]
        )
        os.environ["BLACKBOX_BASE_URL"] = gateway
        # The mails the auth worker wrote in its container (Django's file backend), for tests/conftest.py's mails_to.
        mails = "sh -c 'cat /tmp/sent-mail/* 2>/dev/null || true'"
        os.environ["BLACKBOX_MAIL_COMMAND"] = f"docker compose --project-name {PROJECT} exec -T auth-worker {mails}"
        run([*PYTEST, "tests", *arguments], env={"BLACKBOX_SIGNING_KEY_FILE": str(key)})
        # After the suite, so that every metric the alerting rules read has been written.
        prometheus = f"http://127.0.0.1:{stack_ports['PROMETHEUS_PORT']}"
        run([*PYTEST, "tests/monitoring", "-p", "no:cacheprovider", "-q"], env={"BLACKBOX_PROMETHEUS_URL": prometheus})
        # Scaling: more replicas, picked up by the running gateway without a restart.
        scale = ["--scale", "auth=2", "--scale", "resource=3"]
        run([*COMPOSE, "up", "--detach", "--wait", "--wait-timeout", "300", "--no-recreate", *scale])
        gateway_logs = f"docker compose --project-name {PROJECT} logs --no-color --no-log-prefix gateway"
        scaling = {"BLACKBOX_AUTH_REPLICAS": "2", "BLACKBOX_RESOURCE_REPLICAS": "3"}
        run(
            [*PYTEST, "tests/scaling", "-p", "no:cacheprovider", "-q"],
            env={**scaling, "BLACKBOX_GATEWAY_LOGS_COMMAND": gateway_logs},
        )
        log = work / "stack.log"
        log.write_text(subprocess.run([*COMPOSE, "logs", "--no-color"], capture_output=True, text=True).stdout)
        run([*PYTEST, "tests/logcheck", "-p", "no:cacheprovider", "-q"], env={"BLACKBOX_LOG_FILE": str(log)})
        passed = True
    finally:
        if not passed:
            subprocess.run([*COMPOSE, "ps", "-a"], check=False)
            subprocess.run([*COMPOSE, "logs", "--no-color", "--tail", "80"], check=False)
        subprocess.run([*COMPOSE, "down", "--volumes", "--remove-orphans"], capture_output=True, check=False)
        for path in work.iterdir():
            path.unlink()
        work.rmdir()


if __name__ == "__main__":
    main(sys.argv[1:])
