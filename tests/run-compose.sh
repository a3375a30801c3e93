#!/usr/bin/env bash
# Builds and starts the docker compose stack under a project name of its own, with the monitoring profile, waits
# until every service is healthy, runs the black-box suite and the monitoring check against it, and removes the
# stack and its volumes.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."

export GATEWAY_PORT="${GATEWAY_PORT:-8080}" PROMETHEUS_PORT="${PROMETHEUS_PORT:-9090}"
export COMPOSE_PROFILES=monitoring
# shellcheck source=tests/stack-limits.sh
. tests/stack-limits.sh
project="${COMPOSE_TEST_PROJECT:-jwt-services-test}"
compose=(docker compose --project-name "$project")
workdir="$(mktemp -d)"

cleanup() {
    status=$?
    if [ "$status" -ne 0 ]; then
        "${compose[@]}" ps -a || true
        "${compose[@]}" logs --no-color --tail 80 || true
    fi
    "${compose[@]}" down --volumes --remove-orphans >/dev/null 2>&1 || true
    rm -rf "$workdir"
    exit "$status"
}
trap cleanup EXIT

"${compose[@]}" up --build --detach --wait --wait-timeout 300
# The tests sign tokens with the stack's own key, read out of the auth container.
"${compose[@]}" cp auth:/keys/private/jwt.pem "$workdir/jwt.pem" >/dev/null
# A superuser of the resource admin, for the browser test.
export BLACKBOX_ADMIN_USER=blackbox-admin
BLACKBOX_ADMIN_PASSWORD="$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
export BLACKBOX_ADMIN_PASSWORD
"${compose[@]}" exec -T -e DJANGO_SUPERUSER_PASSWORD="$BLACKBOX_ADMIN_PASSWORD" resource \
    python manage.py createsuperuser --noinput --username "$BLACKBOX_ADMIN_USER" --email admin@example.com >/dev/null

BLACKBOX_BASE_URL="http://127.0.0.1:$GATEWAY_PORT" BLACKBOX_SIGNING_KEY_FILE="$workdir/jwt.pem" \
    .venv/bin/pytest tests "$@"
# After the suite, so that every metric the alerting rules read has been written.
BLACKBOX_PROMETHEUS_URL="http://127.0.0.1:$PROMETHEUS_PORT" .venv/bin/pytest tests/monitoring -p no:cacheprovider -q
# Scaling: more replicas, picked up by the running gateway without a restart.
"${compose[@]}" up --detach --wait --wait-timeout 300 --no-recreate --scale auth=2 --scale resource=3
BLACKBOX_BASE_URL="http://127.0.0.1:$GATEWAY_PORT" BLACKBOX_AUTH_REPLICAS=2 BLACKBOX_RESOURCE_REPLICAS=3 \
    BLACKBOX_GATEWAY_LOGS_COMMAND="docker compose --project-name $project logs --no-color --no-log-prefix gateway" \
    .venv/bin/pytest tests/scaling -p no:cacheprovider -q

"${compose[@]}" logs --no-color >"$workdir/stack.log"
BLACKBOX_LOG_FILE="$workdir/stack.log" .venv/bin/pytest tests/logcheck -p no:cacheprovider -q
