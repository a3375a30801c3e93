#!/usr/bin/env bash
# Prepares this machine for `make test` (its first step): the Debian packages the suites use, uv, the three
# virtual environments from the lock files, and the interop test's Node packages from theirs. Run as root on Debian or Ubuntu, it installs the missing packages
# and says which; elsewhere it stops at once, naming every missing prerequisite with the command that installs
# it. PostgreSQL and Redis must be running on 127.0.0.1 (docs/testing.md).
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.9
# A command each suite runs, and the Debian package that has it.
PACKAGES=(nginx:nginx envsubst:gettext-base curl:curl openssl:openssl psql:postgresql-client
    pg_isready:postgresql-client redis-cli:redis-tools node:nodejs npm:npm promtool:prometheus)

has() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

missing=()
for entry in "${PACKAGES[@]}"; do
    has "${entry%%:*}" || missing+=("${entry#*:}")
done
# The browser test's Chromium, unless BLACKBOX_CHROMIUM names another Chromium-based browser.
has "${BLACKBOX_CHROMIUM:-chromium}" || missing+=(chromium)
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u | sed '/^$/d')

problems=()
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ] && has apt-get; then
        echo "Installing the Debian packages the tests need: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        problems+=("Debian packages ${missing[*]}: sudo apt-get install ${missing[*]}")
    fi
fi
has python3.11 || problems+=("Python 3.11: sudo apt-get install python3.11 python3.11-venv")
if ! has uv && ! python3 -m pip install -q "uv==$UV_VERSION" >/dev/null 2>&1; then
    problems+=("uv: python3 -m pip install --user uv==$UV_VERSION (or pipx install uv==$UV_VERSION)")
fi
if has pg_isready && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    problems+=("PostgreSQL on 127.0.0.1:5432, trust authentication for the postgres user: sudo apt-get install postgresql")
fi
if has redis-cli && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" != "PONG" ]; then
    problems+=("Redis on 127.0.0.1:6379: sudo apt-get install redis-server")
fi

if [ "${#problems[@]}" -gt 0 ]; then
    echo "make test needs, and this machine lacks:" >&2
    printf '  - %s\n' "${problems[@]}" >&2
    exit 1
fi

# uv may have been installed just now, into a folder of pip's that is not on PATH yet.
uv="$(command -v uv || python3 -c 'import os, sysconfig; print(os.path.join(sysconfig.get_path("scripts"), "uv"))')"
PATH="$(dirname "$uv"):$PATH" make --no-print-directory install
npm ci --prefix tests/interop --no-audit --no-fund --silent
