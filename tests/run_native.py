"""make test-native: starts the native stack (make dev), runs the black-box suite against it, then rotates the
signing key the way docs/api.md's runbook does and runs the rotation checks, and last the check of the stack's
logs. Stops every process of the stack in the end. Arguments go to the suite's pytest."""

import os
import secrets
import sys
import tempfile
from pathlib import Path

from harness import PYTEST, ROOT, Group, in_service_env, ports, run, status, suite_limits, wait_until

DEV_DIR = Path(os.environ.get("DEV_DIR", ROOT / ".dev"))
PRIVATE_KEY = Path(os.environ.get("JWT_PRIVATE_KEY_FILE", DEV_DIR / "keys" / "jwt-private.pem"))
MAIL_DIR = Path(os.environ.get("EMAIL_FILE_PATH", DEV_DIR / "sent-mail"))
PUBLIC_KEY = Path(os.environ.get("JWT_PUBLIC_KEY_FILE", DEV_DIR / "keys" / "jwt-public.pem"))
PORTS = ports("native")
GATEWAY = f"http://127.0.0.1:{PORTS['GATEWAY_PORT']}"
LOG = DEV_DIR / "native-stack.log"


def start(**overrides: str) -> Group:
    """make dev, until the services answer on their own ports, then through the gateway: asked through the
    gateway before they listen, it would answer 502s, which the log check counts as failures."""
    stack = Group.start(["make", "--no-print-directory", "dev"], log=LOG, env=overrides)
    urls = [
        f"http://127.0.0.1:{PORTS['AUTH_PORT']}/auth/readyz",
        f"http://127.0.0.1:{PORTS['RESOURCE_PORT']}/api/readyz",
        f"{GATEWAY}/healthz",
        f"{GATEWAY}/auth/readyz",
        f"{GATEWAY}/api/readyz",
    ]

    def ready() -> bool:
        if not stack.alive():
            raise SystemExit(f"The native stack stopped while starting; its log is {LOG}")
        return all(status(url) == 200 for url in urls)

    wait_until(ready, seconds=120, what="The native stack did not become ready", logs=[LOG])
    return stack


def main(arguments: list[str]) -> None:
    os.environ.update(
        {
            **PORTS,
            **suite_limits(),
            "DEV_DIR": str(DEV_DIR),
            "JWT_PRIVATE_KEY_FILE": str(PRIVATE_KEY),
            "JWT_PUBLIC_KEY_FILE": str(PUBLIC_KEY),
            "BLACKBOX_BASE_URL": GATEWAY,
            # The mails the auth worker wrote (Django's file backend), for tests/conftest.py's mails_to.
            "BLACKBOX_MAIL_COMMAND": f"sh -c 'cat {MAIL_DIR}/* 2>/dev/null || true'",
        }
    )
    if status(f"{GATEWAY}/healthz") is not None:
        raise SystemExit(f"Something already answers on port {PORTS['GATEWAY_PORT']}; stop it or set GATEWAY_PORT.")
    DEV_DIR.mkdir(parents=True, exist_ok=True)
    LOG.write_text("")
    state = Path(tempfile.mkdtemp())
    stack = start()
    try:
        # A superuser of the resource admin, for the browser test.
        admin = {"BLACKBOX_ADMIN_USER": "blackbox-admin", "BLACKBOX_ADMIN_PASSWORD": secrets.token_urlsafe(18)}
        os.environ.update(admin)
        run(
            in_service_env(
                "resource",
                DEV_DIR,
                '.venv/bin/python manage.py shell -c "import os; from django.contrib.auth.models import User; '
                "u, _ = User.objects.get_or_create(username=os.environ['BLACKBOX_ADMIN_USER']); "
                "u.is_staff = u.is_superuser = True; u.set_password(os.environ['BLACKBOX_ADMIN_PASSWORD']); u.save()\"",
            )
        )
        # Its second factor is set up afresh at its first login (the browser test), whatever an earlier run left.
        run(
            in_service_env(
                "resource", DEV_DIR, f".venv/bin/python manage.py staff_totp_reset {admin['BLACKBOX_ADMIN_USER']}"
            )
        )
        run([*PYTEST, "tests", *arguments], env={"BLACKBOX_SIGNING_KEY_FILE": str(PRIVATE_KEY)})

        # Key rotation: tokens of the old key keep working until they expire, tokens of the new key at once.
        os.environ["BLACKBOX_STATE_DIR"] = str(state)
        run([*PYTEST, "tests/rotation/test_1_before.py", "-p", "no:cacheprovider", "-q"])
        stack.stop()
        new_private, new_public, bundle = state / "new-private.pem", state / "new-public.pem", state / "bundle.pem"
        run(
            in_service_env(
                "auth",
                DEV_DIR,
                f'.venv/bin/python manage.py generate_jwt_key --private "{new_private}" --public "{new_public}" '
                ">/dev/null",
            )
        )
        bundle.write_text(PUBLIC_KEY.read_text() + new_public.read_text())
        # The old public key is the one retired.
        stack = start(
            JWT_PRIVATE_KEY_FILE=str(new_private),
            JWT_PREVIOUS_PUBLIC_KEYS_FILE=str(PUBLIC_KEY),
            JWT_PUBLIC_KEY_FILE=str(bundle),
        )
        run([*PYTEST, "tests/rotation/test_2_after.py", "-p", "no:cacheprovider", "-q"])
    finally:
        stack.stop()
        for path in state.iterdir():
            path.unlink()
        state.rmdir()
    run([*PYTEST, "tests/logcheck", "-p", "no:cacheprovider", "-q"], env={"BLACKBOX_LOG_FILE": str(LOG)})


if __name__ == "__main__":
    main(sys.argv[1:])
