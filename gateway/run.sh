#!/bin/sh
# Renders nginx.conf.template from the environment into a working folder and runs nginx in the foreground.
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
prefix="${GATEWAY_PREFIX:-/tmp/gateway}"

export GATEWAY_PORT="${GATEWAY_PORT:-8080}"
export AUTH_UPSTREAM="${AUTH_UPSTREAM:-127.0.0.1:8001}"
export RESOURCE_UPSTREAM="${RESOURCE_UPSTREAM:-127.0.0.1:8002}"
export GATEWAY_AUTH_RATE="${GATEWAY_AUTH_RATE:-10r/s}"
export GATEWAY_API_RATE="${GATEWAY_API_RATE:-100r/s}"
export GATEWAY_AUTH_BURST="${GATEWAY_AUTH_BURST:-20}"
export GATEWAY_API_BURST="${GATEWAY_API_BURST:-200}"
export GATEWAY_MAX_BODY_SIZE="${GATEWAY_MAX_BODY_SIZE:-1m}"

mkdir -p "$prefix/temp"
envsubst '${GATEWAY_PORT} ${AUTH_UPSTREAM} ${RESOURCE_UPSTREAM} ${GATEWAY_AUTH_RATE} ${GATEWAY_API_RATE} ${GATEWAY_AUTH_BURST} ${GATEWAY_API_BURST} ${GATEWAY_MAX_BODY_SIZE}' \
    <"${GATEWAY_TEMPLATE:-$here/nginx.conf.template}" >"$prefix/nginx.conf"

nginx -t -q -e stderr -p "$prefix" -c "$prefix/nginx.conf"
exec nginx -e stderr -p "$prefix" -c "$prefix/nginx.conf" -g 'daemon off;'
