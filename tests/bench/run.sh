#!/usr/bin/env bash
# `make bench`: a native stack of its own (separate databases, Redis database 7, its own ports, rate limits
# lifted: this measures capacity, not limits), seeded through the API, then tests/bench/bench.py.
# Needs wrk (apt-get install wrk). Writes docs/benchmarks.md.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/../.."

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
work="$(mktemp -d)"
export DEV_DIR="$work/dev" GATEWAY_PORT=18180 AUTH_PORT=18181 RESOURCE_PORT=18182
export AUTH_WORKER_METRICS_PORT=18183 RESOURCE_WORKER_METRICS_PORT=18184
export JWT_PRIVATE_KEY_FILE="$DEV_DIR/keys/jwt-private.pem" JWT_PUBLIC_KEY_FILE="$DEV_DIR/keys/jwt-public.pem"
export AUTH_DATABASE_URL="postgres://postgres@127.0.0.1:5432/bench_auth"
export RESOURCE_DATABASE_URL="postgres://postgres@127.0.0.1:5432/bench_resource"
export REDIS_URL="redis://127.0.0.1:6379/7"
export LOGIN_RATE_PER_ADDRESS=1000000/min REGISTER_RATE_PER_ADDRESS=1000000/hour
export GATEWAY_AUTH_RATE=100000r/s GATEWAY_API_RATE=100000r/s GATEWAY_AUTH_BURST=100000 GATEWAY_API_BURST=100000
export LOG_LEVEL=WARNING
export BLACKBOX_BASE_URL="http://127.0.0.1:$GATEWAY_PORT"

# Fresh databases each run: rows left by an earlier run would change the query plans measured.
for url in "$AUTH_DATABASE_URL" "$RESOURCE_DATABASE_URL"; do
    psql -X -q "${url%/*}/postgres" -c "DROP DATABASE IF EXISTS \"${url##*/}\" WITH (FORCE)"
done

# shellcheck source=tests/native-stack.sh
. tests/native-stack.sh
trap 'stop_stack; rm -rf "$work"' EXIT
start_stack "$work/stack.log"
.venv/bin/python tests/bench/bench.py
