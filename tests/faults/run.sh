#!/usr/bin/env bash
# Fault drills on a native stack of its own: a PostgreSQL cluster and a Redis server started here
# (never the machine's own services), the services under honcho with the auth service in a separate
# honcho so that it can be stopped alone, and the resource worker in a third so that it can be killed alone.
# Then tests/faults stops and starts each dependency.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/../.."

work="$(mktemp -d)"
chmod 755 "$work"
export FAULTS_WORK="$work"
# Below the kernel's ephemeral range (32768-60999), where a client connection of the suites just run could
# still hold the port.
export FAULTS_PG_PORT="${FAULTS_PG_PORT:-15432}"
export FAULTS_REDIS_PORT="${FAULTS_REDIS_PORT:-16379}"
export GATEWAY_PORT="${FAULTS_GATEWAY_PORT:-18080}" AUTH_PORT=18001 RESOURCE_PORT=18002
export AUTH_WORKER_METRICS_PORT=19101 RESOURCE_WORKER_METRICS_PORT=19102
export DEV_DIR="$work/dev"
export JWT_PRIVATE_KEY_FILE="$DEV_DIR/keys/jwt-private.pem" JWT_PUBLIC_KEY_FILE="$DEV_DIR/keys/jwt-public.pem"
export AUTH_DATABASE_URL="postgres://postgres@127.0.0.1:$FAULTS_PG_PORT/auth"
export RESOURCE_DATABASE_URL="postgres://postgres@127.0.0.1:$FAULTS_PG_PORT/resource"
export REDIS_URL="redis://127.0.0.1:$FAULTS_REDIS_PORT/0"
# A task of a worker killed mid-run goes back to the queue after this many seconds (15 minutes by default).
export CELERY_VISIBILITY_TIMEOUT=10
. tests/stack-limits.sh
export BLACKBOX_BASE_URL="http://127.0.0.1:$GATEWAY_PORT"
pgbin="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
export FAULTS_PGBIN="$pgbin"
mkdir -p "$DEV_DIR"

cleanup() {
    tests/faults/ctl.sh resource-worker-kill || true
    tests/faults/ctl.sh auth-stop || true
    tests/faults/ctl.sh stack-stop || true
    tests/faults/ctl.sh redis-stop || true
    tests/faults/ctl.sh pg-stop || true
    rm -rf "$work"
}
trap cleanup EXIT

tests/faults/ctl.sh pg-init
tests/faults/ctl.sh pg-start
tests/faults/ctl.sh redis-start
make --no-print-directory dev-prepare >"$work/prepare.log" 2>&1 || { cat "$work/prepare.log"; exit 1; }
tests/faults/ctl.sh stack-start
tests/faults/ctl.sh auth-start
tests/faults/ctl.sh resource-worker-start
tests/faults/ctl.sh wait-ready

.venv/bin/pytest tests/faults -p no:cacheprovider "$@"
