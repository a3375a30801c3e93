#!/usr/bin/env bash
# Starts the native stack (make dev), waits until the gateway and both services are ready,
# runs the black-box suite against it, and stops every process of the stack.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."

export GATEWAY_PORT="${GATEWAY_PORT:-8080}"
# The suite registers and logs in dozens of accounts from one address within seconds, so the
# per-address limits are raised for its stack; their defaults are covered by the services' tests.
export LOGIN_RATE_PER_ADDRESS="${LOGIN_RATE_PER_ADDRESS:-1000/min}"
export REGISTER_RATE_PER_ADDRESS="${REGISTER_RATE_PER_ADDRESS:-1000/hour}"
export PASSWORD_RESET_RATE_PER_ADDRESS="${PASSWORD_RESET_RATE_PER_ADDRESS:-1000/hour}"
export GATEWAY_AUTH_RATE="${GATEWAY_AUTH_RATE:-200r/s}"
export GATEWAY_AUTH_BURST="${GATEWAY_AUTH_BURST:-200}"
export DEV_DIR="${DEV_DIR:-$PWD/.dev}"
export JWT_PRIVATE_KEY_FILE="${JWT_PRIVATE_KEY_FILE:-$DEV_DIR/keys/jwt-private.pem}"
base_url="http://127.0.0.1:$GATEWAY_PORT"
log="$DEV_DIR/native-stack.log"
mkdir -p "$DEV_DIR"

if curl -fsS -o /dev/null "$base_url/healthz" 2>/dev/null; then
    echo "Something already answers on port $GATEWAY_PORT; stop it or set GATEWAY_PORT." >&2
    exit 1
fi

setsid make --no-print-directory dev >"$log" 2>&1 &
stack=$!
stop_stack() {
    kill -TERM "$stack" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$stack" 2>/dev/null || break
        sleep 0.1
    done
    # Whatever did not stop on SIGTERM is in the stack's own process group.
    kill -KILL -- "-$stack" 2>/dev/null || true
}
trap stop_stack EXIT

ready() {
    for path in /healthz /auth/readyz /api/readyz; do
        curl -fsS -o /dev/null "$base_url$path" 2>/dev/null || return 1
    done
}
for _ in $(seq 1 240); do
    ready && break
    if ! kill -0 "$stack" 2>/dev/null; then
        echo "The native stack stopped while starting; its log:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.5
done
if ! ready; then
    echo "The native stack did not become ready in 120 s; its log:" >&2
    cat "$log" >&2
    exit 1
fi

BLACKBOX_BASE_URL="$base_url" BLACKBOX_SIGNING_KEY_FILE="$JWT_PRIVATE_KEY_FILE" .venv/bin/pytest tests "$@"
