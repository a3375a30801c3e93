#!/usr/bin/env bash
# Starts and stops the parts of the fault-drill stack that tests/faults/run.sh set up in $FAULTS_WORK.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/../.."
work="$FAULTS_WORK"

as_postgres() {  # PostgreSQL refuses to run as root
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_group() {  # stop_group PIDFILE [now]: SIGTERM the process group and wait up to 20 s (with "now": not at all),
    # then SIGKILL what is left, the sessions honcho starts its processes in included: a signal to the group
    # does not reach them.
    [ -s "$1" ] || return 0
    local group pid child session
    group="$(cat "$1")"
    if [ "${2:-}" != now ]; then
        kill -TERM -- "-$group" 2>/dev/null || true
        for _ in $(seq 1 200); do
            kill -0 "$group" 2>/dev/null || break
            sleep 0.1
        done
    fi
    for pid in $(pgrep -g "$group"); do
        for child in $(pgrep -P "$pid"); do
            session="$(ps -o sid= -p "$child" | tr -d ' ')"
            if [ -n "$session" ] && [ "$session" != "$group" ]; then pkill -KILL -s "$session" || true; fi
        done
    done
    kill -KILL -- "-$group" 2>/dev/null || true
    rm -f "$1"
}

case "$1" in
    pg-init)
        mkdir "$work/pg"
        [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
        as_postgres "$FAULTS_PGBIN/initdb" -D "$work/pg" -U postgres --auth=trust -E UTF8 >/dev/null ;;
    pg-start)
        as_postgres "$FAULTS_PGBIN/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w \
            -o "-p $FAULTS_PG_PORT -c listen_addresses=127.0.0.1 -k $work/pg" start >/dev/null \
            || { echo "PostgreSQL did not start; its log:" >&2; cat "$work/pg/server.log" >&2; exit 1; } ;;
    pg-stop)
        [ -d "$work/pg" ] && as_postgres "$FAULTS_PGBIN/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null ;;
    redis-start)
        redis-server --port "$FAULTS_REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
            --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log"
        for _ in $(seq 1 50); do redis-cli -p "$FAULTS_REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done ;;
    redis-stop)
        redis-cli -p "$FAULTS_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
        for _ in $(seq 1 50); do [ -e "$work/redis.pid" ] || break; sleep 0.1; done ;;
    stack-start)
        setsid make --no-print-directory dev-serve \
            DEV_PROCESSES="resource auth_worker auth_beat resource_beat gateway" >>"$work/stack.log" 2>&1 &
        echo $! >"$work/stack.pid" ;;
    stack-stop)
        stop_group "$work/stack.pid" ;;
    auth-start)
        setsid make --no-print-directory dev-serve DEV_PROCESSES=auth >>"$work/auth.log" 2>&1 &
        echo $! >"$work/auth.pid"
        for _ in $(seq 1 100); do
            curl -fsS -o /dev/null "http://127.0.0.1:$AUTH_PORT/auth/healthz" 2>/dev/null && break
            sleep 0.2
        done ;;
    auth-stop)
        stop_group "$work/auth.pid" ;;
    resource-worker-start)  # apart from the stack, so that it can be killed alone; waits for its "ready." line
        log="$work/resource-worker.log"
        touch "$log"
        before="$(grep -c 'ready\."' "$log" || true)"
        setsid make --no-print-directory dev-serve DEV_PROCESSES=resource_worker >>"$log" 2>&1 &
        echo $! >"$work/resource-worker.pid"
        for _ in $(seq 1 150); do
            [ "$(grep -c 'ready\."' "$log" || true)" -gt "$before" ] && exit 0
            sleep 0.2
        done
        echo "the resource worker did not become ready; the end of its log:" >&2
        tail -n 20 "$log" >&2
        exit 1 ;;
    resource-worker-kill)  # SIGKILL, as the kernel's OOM killer or a lost host would: no chance to clean up
        stop_group "$work/resource-worker.pid" now ;;
    wait-ready)
        for _ in $(seq 1 120); do
            curl -fsS -o /dev/null "$BLACKBOX_BASE_URL/auth/readyz" 2>/dev/null \
                && curl -fsS -o /dev/null "$BLACKBOX_BASE_URL/api/readyz" 2>/dev/null && exit 0
            sleep 0.5
        done
        echo "the fault-drill stack did not become ready; the end of its logs:" >&2
        tail -n 40 "$work/stack.log" "$work/auth.log" >&2
        exit 1 ;;
    resource-web-worker-pid)
        # One gunicorn worker (not the master) of this stack's resource service: of the processes that
        # hold its listening socket, one whose parent holds it too.
        pids="$(ss -ltnpH "sport = :$RESOURCE_PORT" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u)"
        for pid in $pids; do
            parent="$(ps -o ppid= -p "$pid" | tr -d ' ')"
            if echo "$pids" | grep -qx "$parent"; then echo "$pid"; exit 0; fi
        done
        exit 1 ;;
    *)
        echo "usage: ctl.sh pg-init|pg-start|pg-stop|redis-start|redis-stop|stack-start|stack-stop|auth-start|auth-stop|resource-worker-start|resource-worker-kill|wait-ready|resource-web-worker-pid" >&2
        exit 2 ;;
esac
