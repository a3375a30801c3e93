#!/usr/bin/env bash
# `make bench`: a native stack of its own (separate databases, Redis database 7, its own ports, rate limits
# lifted: this measures capacity, not limits), each process of the Procfile started directly with its output in
# a file; two baselines beside it, each under the same gunicorn settings behind a gateway of the same
# configuration: a stock Django project and a naive DRF one (tests/bench/baselines); seeded through the APIs,
# and beside them all, a second native stack on the same databases and keys under `make dev` (honcho relaying every
# process's output), for what that log pipeline costs; then tests/bench/bench.py. Needs wrk (apt-get install wrk).
# With BENCH_COMPOSE=1 also the docker compose stack, under a project name of its own (needs a Docker engine;
# bench.py starts it and this script removes it with its volumes). Writes docs/benchmarks.md.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/../.."

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
if [ "${BENCH_COMPOSE:-}" = 1 ]; then
    docker info >/dev/null 2>&1 || { echo "BENCH_COMPOSE=1 needs a running Docker engine" >&2; exit 1; }
    export BENCH_COMPOSE_GATEWAY_PORT=18380 BENCH_COMPOSE_PROJECT=jwt-services-bench
fi
work="$(mktemp -d)"
export DEV_DIR="$work/dev" GATEWAY_PORT=18180 AUTH_PORT=18181 RESOURCE_PORT=18182
export AUTH_WORKER_METRICS_PORT=18183 RESOURCE_WORKER_METRICS_PORT=18184
export BENCH_STOCK_PORT=18191 BENCH_STOCK_GATEWAY_PORT=18190 BENCH_NAIVE_PORT=18193 BENCH_NAIVE_GATEWAY_PORT=18192
export BENCH_DEV_GATEWAY_PORT=18280 BENCH_DEV_AUTH_PORT=18281 BENCH_DEV_RESOURCE_PORT=18282
export JWT_PRIVATE_KEY_FILE="$DEV_DIR/keys/jwt-private.pem" JWT_PUBLIC_KEY_FILE="$DEV_DIR/keys/jwt-public.pem"
export AUTH_SECRET_KEY_FILE="$DEV_DIR/keys/auth-secret-key" RESOURCE_SECRET_KEY_FILE="$DEV_DIR/keys/resource-secret-key"
export AUTH_DATABASE_URL="postgres://postgres@127.0.0.1:5432/bench_auth"
export RESOURCE_DATABASE_URL="postgres://postgres@127.0.0.1:5432/bench_resource"
naive_database_url="postgres://postgres@127.0.0.1:5432/bench_naive"
export REDIS_URL="redis://127.0.0.1:6379/7"
export LOGIN_RATE_PER_ADDRESS=1000000/min REGISTER_RATE_PER_ADDRESS=1000000/hour
# The tokens seeded at the start are used for the whole run, which lasts longer than the 5 minutes they live.
export ACCESS_TOKEN_LIFETIME=3600
export GATEWAY_AUTH_RATE=100000r/s GATEWAY_API_RATE=100000r/s GATEWAY_AUTH_BURST=100000 GATEWAY_API_BURST=100000
# Production logging: one JSON line per request.
export LOG_LEVEL=INFO
export BLACKBOX_BASE_URL="http://127.0.0.1:$GATEWAY_PORT"

# Fresh databases each run: rows left by an earlier run would change the query plans measured.
for url in "$AUTH_DATABASE_URL" "$RESOURCE_DATABASE_URL" "$naive_database_url"; do
    psql -X -q "${url%/*}/postgres" -c "DROP DATABASE IF EXISTS \"${url##*/}\" WITH (FORCE)"
done
psql -X -q "${naive_database_url%/*}/postgres" -c "CREATE DATABASE bench_naive"

# Every process started here leads a process group of its own (stopped by native-stack.sh's stop_group).
groups=()
start() {  # start LOG COMMAND...
    local log="$1"
    shift
    setsid "$@" >>"$log" 2>&1 &
    groups+=("$!")
}
stop_started() {
    for group in "${groups[@]}"; do
        stop_group "$group"
    done
}
wait_for() {  # wait_for URL STATUS: until the URL answers with that status, at most 60 s
    for _ in $(seq 1 240); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = "$2" ] && return 0
        sleep 0.25
    done
    echo "$1 did not answer $2 in 60 s; the logs are in $work" >&2
    exit 1
}

# shellcheck source=tests/native-stack.sh
. tests/native-stack.sh
# The processes' logs are kept in tests/artifacts/bench/ (git-ignored), for a scenario that had errors.
keep_logs() {
    rm -rf tests/artifacts/bench && mkdir -p tests/artifacts/bench
    cp "$work"/*.log tests/artifacts/bench/ 2>/dev/null || true
}
stop_compose() {
    if [ -n "${BENCH_COMPOSE_PROJECT:-}" ]; then
        docker compose --project-name "$BENCH_COMPOSE_PROJECT" logs --no-color >"$work/compose.log" 2>&1 || true
        docker compose --project-name "$BENCH_COMPOSE_PROJECT" down --volumes --remove-orphans >/dev/null 2>&1 || true
    fi
}
trap 'stop_stack; stop_started; stop_compose; keep_logs; rm -rf "$work"' EXIT

# The bench's own stack: the Procfile's web services, workers and gateway, each writing to a file.
make --no-print-directory dev-prepare >/dev/null
while IFS= read -r line; do
    name="${line%%:*}"
    case "$name" in auth | resource | auth_worker | resource_worker | gateway)
        start "$work/$name.log" sh -c "${line#*: }" ;;
    esac
done <Procfile

baseline_gunicorn=(resource_service/.venv/bin/gunicorn --chdir tests/bench/baselines --workers "${GUNICORN_WORKERS:-2}"
    --threads "${GUNICORN_THREADS:-4}" --keep-alive 75 --no-control-socket)
export BASELINE_SECRET_KEY="bench-baseline-not-secret"
start "$work/stock.log" "${baseline_gunicorn[@]}" --bind "127.0.0.1:$BENCH_STOCK_PORT" stock:application
(cd tests/bench/baselines && export DATABASE_URL="$naive_database_url" \
    && ../../../resource_service/.venv/bin/python manage.py migrate -v 0 \
    && ../../../resource_service/.venv/bin/python manage.py migrate --run-syncdb -v 0)
start "$work/naive.log" env DATABASE_URL="$naive_database_url" \
    "${baseline_gunicorn[@]}" --bind "127.0.0.1:$BENCH_NAIVE_PORT" naive.wsgi:application
for name in stock naive; do
    port_name="BENCH_${name^^}_GATEWAY_PORT" upstream_name="BENCH_${name^^}_PORT"
    start "$work/$name-gateway.log" env GATEWAY_PREFIX="$work/gateway-$name" GATEWAY_PORT="${!port_name}" \
        RESOURCE_UPSTREAM="127.0.0.1:${!upstream_name}" AUTH_UPSTREAM="127.0.0.1:$AUTH_PORT" gateway/run.sh
done

wait_for "http://127.0.0.1:$AUTH_PORT/auth/readyz" 200
wait_for "http://127.0.0.1:$RESOURCE_PORT/api/readyz" 200
wait_for "$BLACKBOX_BASE_URL/api/readyz" 200
wait_for "http://127.0.0.1:$BENCH_STOCK_GATEWAY_PORT/api/healthz" 200
wait_for "http://127.0.0.1:$BENCH_NAIVE_GATEWAY_PORT/api/projects/" 401

# The second stack: `make dev` on ports of its own, sharing the first one's databases, Redis and keys.
DEV_DIR="$work/make-dev" GATEWAY_PORT="$BENCH_DEV_GATEWAY_PORT" AUTH_PORT="$BENCH_DEV_AUTH_PORT" \
    RESOURCE_PORT="$BENCH_DEV_RESOURCE_PORT" \
    AUTH_WORKER_METRICS_PORT=18283 RESOURCE_WORKER_METRICS_PORT=18284 \
    BLACKBOX_BASE_URL="http://127.0.0.1:$BENCH_DEV_GATEWAY_PORT" start_stack "$work/make-dev.log"

export BENCH_NAIVE_DATABASE_URL="$naive_database_url"
.venv/bin/python tests/bench/bench.py
