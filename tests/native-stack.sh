# shellcheck shell=bash
# Sourced by tests/run-native.sh and tests/bench/run.sh. `start_stack LOG` starts the native stack (make dev)
# in a process group of its own and waits until the gateway and both services answer; `stop_stack` stops
# every process of it (`stop_group`, which stops any such group). Needs BLACKBOX_BASE_URL.
stack=""

ready() {
    # The services on their own ports first: asked through the gateway before they listen, the gateway would
    # answer 502s, which the log check counts as failures.
    for url in "http://127.0.0.1:${AUTH_PORT:-8001}/auth/readyz" "http://127.0.0.1:${RESOURCE_PORT:-8002}/api/readyz" \
        "$BLACKBOX_BASE_URL/healthz" "$BLACKBOX_BASE_URL/auth/readyz" "$BLACKBOX_BASE_URL/api/readyz"; do
        curl -fsS -o /dev/null "$url" 2>/dev/null || return 1
    done
}

start_stack() {
    setsid make --no-print-directory dev >>"$1" 2>&1 &
    stack=$!
    for _ in $(seq 1 240); do
        ready && return 0
        if ! kill -0 "$stack" 2>/dev/null; then
            echo "The native stack stopped while starting; its log:" >&2
            cat "$1" >&2
            exit 1
        fi
        sleep 0.5
    done
    echo "The native stack did not become ready in 120 s; its log:" >&2
    cat "$1" >&2
    exit 1
}

# stop_group LEADER: SIGTERM the leader of a process group started with setsid, wait up to 10 s for it to stop,
# then SIGKILL whatever of its group did not stop with it.
stop_group() {
    kill -TERM "$1" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$1" 2>/dev/null || true
}

stop_stack() {
    [ -n "$stack" ] || return 0
    stop_group "$stack"
    stack=""
}
