#!/bin/sh
# Renders nginx.conf.template from the environment into a working folder and runs nginx in the foreground.
#
# Upstream host names are resolved here, one `server` line per address, and resolved again every
# GATEWAY_RESOLVE_SECONDS: when the addresses change (replicas added, removed or replaced) the
# configuration is rendered again and nginx reloads it gracefully. nginx keeps its upstream keepalive
# connections, which resolving per request would lose.
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
prefix="${GATEWAY_PREFIX:-/tmp/gateway}"
template="${GATEWAY_TEMPLATE:-$here/nginx.conf.template}"

export GATEWAY_PORT="${GATEWAY_PORT:-8080}"
export GATEWAY_AUTH_RATE="${GATEWAY_AUTH_RATE:-10r/s}"
export GATEWAY_API_RATE="${GATEWAY_API_RATE:-100r/s}"
export GATEWAY_AUTH_BURST="${GATEWAY_AUTH_BURST:-20}"
export GATEWAY_API_BURST="${GATEWAY_API_BURST:-200}"
export GATEWAY_MAX_BODY_SIZE="${GATEWAY_MAX_BODY_SIZE:-1m}"
export GATEWAY_ADMIN_RATE="${GATEWAY_ADMIN_RATE:-1r/s}"
export GATEWAY_ADMIN_BURST="${GATEWAY_ADMIN_BURST:-10}"
admin_allow="${GATEWAY_ADMIN_ALLOW:-}"
auth_upstream="${AUTH_UPSTREAM:-127.0.0.1:8001}"
resource_upstream="${RESOURCE_UPSTREAM:-127.0.0.1:8002}"
trusted_proxies="${GATEWAY_TRUSTED_PROXIES:-}"
resolve_seconds="${GATEWAY_RESOLVE_SECONDS:-5}"

# "server a:port; server b:port;" for every address of host:port, or nothing if it does not resolve.
servers() {
    host="${1%:*}"
    port="${1##*:}"
    getent ahostsv4 "$host" | awk -v port="$port" '!seen[$1]++ { printf "        server %s:%s max_fails=1 fail_timeout=5s;\n", $1, port }'
}

render() {
    auth="$(servers "$auth_upstream")"
    resource="$(servers "$resource_upstream")"
    # Until a service resolves, point at an address that refuses, so nginx starts and answers 502.
    export AUTH_SERVERS="${auth:-        server 127.0.0.1:9 down;}"
    export RESOURCE_SERVERS="${resource:-        server 127.0.0.1:9 down;}"
    real_ip=""
    geo=""
    for cidr in $(echo "$trusted_proxies" | tr ',' ' '); do
        real_ip="$real_ip    set_real_ip_from $cidr;
"
        geo="$geo        $cidr 1;
"
    done
    if [ -n "$real_ip" ]; then
        real_ip="${real_ip}    real_ip_header X-Forwarded-For;
    real_ip_recursive on;"
    fi
    admin_access=""
    for cidr in $(echo "$admin_allow" | tr ',' ' '); do
        admin_access="$admin_access            allow $cidr;
"
    done
    if [ -n "$admin_access" ]; then
        admin_access="${admin_access}            deny all;"
    fi
    export GATEWAY_ADMIN_ACCESS="$admin_access"
    export GATEWAY_REAL_IP="$real_ip"
    export GATEWAY_TRUSTED_GEO="$geo"
    # shellcheck disable=SC2016 # envsubst's list of the variables to replace, not an expansion
    envsubst '${GATEWAY_PORT} ${AUTH_SERVERS} ${RESOURCE_SERVERS} ${GATEWAY_AUTH_RATE} ${GATEWAY_API_RATE}
        ${GATEWAY_AUTH_BURST} ${GATEWAY_API_BURST} ${GATEWAY_MAX_BODY_SIZE} ${GATEWAY_REAL_IP} ${GATEWAY_TRUSTED_GEO}
        ${GATEWAY_ADMIN_RATE} ${GATEWAY_ADMIN_BURST} ${GATEWAY_ADMIN_ACCESS}' \
        <"$template" >"$1"
}

mkdir -p "$prefix/temp"
render "$prefix/nginx.conf"
nginx -t -q -e stderr -p "$prefix" -c "$prefix/nginx.conf"
if [ "${GATEWAY_RENDER_ONLY:-}" = "1" ]; then
    exit 0
fi

nginx -e stderr -p "$prefix" -c "$prefix/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
# QUIT stops nginx gracefully (in-flight requests finish); TERM and INT do the same here.
trap 'kill -QUIT "$nginx_pid" 2>/dev/null' QUIT TERM INT

while kill -0 "$nginx_pid" 2>/dev/null; do
    sleep "$resolve_seconds" &
    wait $! || true
    kill -0 "$nginx_pid" 2>/dev/null || break
    render "$prefix/nginx.conf.next"
    if ! cmp -s "$prefix/nginx.conf.next" "$prefix/nginx.conf" \
        && nginx -t -q -e stderr -p "$prefix" -c "$prefix/nginx.conf.next"; then
        mv "$prefix/nginx.conf.next" "$prefix/nginx.conf"
        kill -HUP "$nginx_pid"
    fi
done
wait "$nginx_pid"
