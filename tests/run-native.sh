#!/usr/bin/env bash
# Starts the native stack (make dev), waits until the gateway and both services are ready, runs the
# black-box suite against it, then rotates the signing key the way docs/api.md's runbook does and runs
# the rotation checks. Stops every process of the stack in the end.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."

export GATEWAY_PORT="${GATEWAY_PORT:-8080}"
# shellcheck source=tests/stack-limits.sh
. tests/stack-limits.sh
export DEV_DIR="${DEV_DIR:-$PWD/.dev}"
export JWT_PRIVATE_KEY_FILE="${JWT_PRIVATE_KEY_FILE:-$DEV_DIR/keys/jwt-private.pem}"
export JWT_PUBLIC_KEY_FILE="${JWT_PUBLIC_KEY_FILE:-$DEV_DIR/keys/jwt-public.pem}"
export BLACKBOX_BASE_URL="http://127.0.0.1:$GATEWAY_PORT"
log="$DEV_DIR/native-stack.log"
state="$(mktemp -d)"
mkdir -p "$DEV_DIR"

if curl -fsS -o /dev/null "$BLACKBOX_BASE_URL/healthz" 2>/dev/null; then
    echo "Something already answers on port $GATEWAY_PORT; stop it or set GATEWAY_PORT." >&2
    exit 1
fi

# shellcheck source=tests/native-stack.sh
. tests/native-stack.sh
trap 'stop_stack; rm -rf "$state"' EXIT

: >"$log"
start_stack "$log"
# A superuser of the resource admin, for the browser test.
export BLACKBOX_ADMIN_USER=blackbox-admin
BLACKBOX_ADMIN_PASSWORD="$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
export BLACKBOX_ADMIN_PASSWORD
# shellcheck source=/dev/null # written by make dev-env
(. "$DEV_DIR/resource.env" && cd resource_service && .venv/bin/python manage.py shell -c \
    "import os; from django.contrib.auth.models import User; u, _ = User.objects.get_or_create(username=os.environ['BLACKBOX_ADMIN_USER']); u.is_staff = u.is_superuser = True; u.set_password(os.environ['BLACKBOX_ADMIN_PASSWORD']); u.save()")
BLACKBOX_SIGNING_KEY_FILE="$JWT_PRIVATE_KEY_FILE" .venv/bin/pytest tests "$@"

# Key rotation: tokens of the old key keep working until they expire, tokens of the new key at once.
export BLACKBOX_STATE_DIR="$state"
.venv/bin/pytest tests/rotation/test_1_before.py -p no:cacheprovider -q
stop_stack
# shellcheck source=/dev/null # written by make dev-env
(. "$DEV_DIR/auth.env" && cd auth_service && .venv/bin/python manage.py generate_jwt_key \
    --private "$state/new-private.pem" --public "$state/new-public.pem" >/dev/null)
cat "$JWT_PUBLIC_KEY_FILE" "$state/new-public.pem" >"$state/bundle.pem"
# The old public key is the one retired: $JWT_PUBLIC_KEY_FILE is expanded before the new bundle replaces it.
# shellcheck disable=SC2097,SC2098
JWT_PRIVATE_KEY_FILE="$state/new-private.pem" JWT_PREVIOUS_PUBLIC_KEYS_FILE="$JWT_PUBLIC_KEY_FILE" \
    JWT_PUBLIC_KEY_FILE="$state/bundle.pem" start_stack "$log"
.venv/bin/pytest tests/rotation/test_2_after.py -p no:cacheprovider -q
stop_stack
BLACKBOX_LOG_FILE="$log" .venv/bin/pytest tests/logcheck -p no:cacheprovider -q
