#!/usr/bin/env bash
# make test-prod: the production images started the way their ECS task definitions say (stack.py), around
# stand-ins of what AWS runs (infra.yml) and with the secrets the earlier stacks make (seed.py); through their
# gateway the black-box journey and the production checks, the log check, then the database password rotation
# drill under load; everything removed in the end. Needs a Docker engine (.ci/docker-setup.sh on these machines).
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/../.."

export PROD_GATEWAY_PORT="${PROD_GATEWAY_PORT:-8090}" PROD_MOTO_PORT="${PROD_MOTO_PORT:-5055}"
export PROD_MOTO_URL="http://127.0.0.1:$PROD_MOTO_PORT" AWS_DEFAULT_REGION=eu-west-1
export AWS_ACCESS_KEY_ID=operator AWS_SECRET_ACCESS_KEY=operator
PROD_WORK="$(mktemp -d)"
export PROD_WORK
project="${PROD_TEST_PROJECT:-jwt-services-prod}"
infra=(docker compose --project-name "$project" --file tests/prod/infra.yml)
stack=("${infra[@]}" --file "$PROD_WORK/ecs.json")
# For the tests that look inside the stack (its database, its pooler): the same command, as words.
export PROD_COMPOSE="${stack[*]}"

cleanup() {
    status=$?
    if [ "$status" -ne 0 ]; then
        "${stack[@]}" ps -a || true
        "${stack[@]}" logs --no-color --tail 60 || true
    fi
    "${stack[@]}" down --volumes --remove-orphans >/dev/null 2>&1 || "${infra[@]}" down --volumes >/dev/null 2>&1 || true
    rm -rf "$PROD_WORK"
    exit "$status"
}
trap cleanup EXIT

# The stand-ins' passwords, and one certificate for all of them from a CA made for this run.
password() { openssl rand -hex 24; }
PROD_POSTGRES_PASSWORD="$(password)" PROD_AUTH_MASTER_PASSWORD="$(password)"
PROD_RESOURCE_MASTER_PASSWORD="$(password)" PROD_REDIS_AUTH_PASSWORD="$(password)"
PROD_REDIS_RESOURCE_PASSWORD="$(password)"
export PROD_POSTGRES_PASSWORD PROD_AUTH_MASTER_PASSWORD PROD_RESOURCE_MASTER_PASSWORD PROD_REDIS_AUTH_PASSWORD \
    PROD_REDIS_RESOURCE_PASSWORD
tls="$PROD_WORK/tls"
mkdir -p "$tls" "$PROD_WORK/pgbouncer" "$PROD_WORK/redis"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=jwt-services test-prod CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=stand-ins" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:postgres,DNS:pgbouncer,DNS:redis,DNS:localhost\nextendedKeyUsage=serverAuth\n' \
    >"$tls/server.ext"
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial -days 2 \
    -extfile "$tls/server.ext" -out "$tls/server.crt" 2>/dev/null
# The stand-ins run as users of their own; this key lives as long as the run.
chmod 644 "$tls/server.key"

# RDS Proxy's part: TLS both ways, the server's certificate verified, each transaction on any server connection,
# and the password of a user checked against PostgreSQL's own (so a changed password counts at once).
cat >"$PROD_WORK/pgbouncer/pgbouncer.ini" <<CONF
[databases]
auth = host=postgres port=5432 dbname=auth
resource = host=postgres port=5432 dbname=resource

[pgbouncer]
listen_addr = 0.0.0.0
listen_port = 5432
unix_socket_dir =
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
auth_type = scram-sha-256
auth_file = /etc/pgbouncer/userlist.txt
auth_user = postgres
admin_users = postgres
client_tls_sslmode = require
client_tls_cert_file = /tls/server.crt
client_tls_key_file = /tls/server.key
# No client certificates are asked for; libtls wants a CA file all the same.
client_tls_ca_file = /tls/ca.crt
server_tls_sslmode = verify-full
server_tls_ca_file = /tls/ca.crt
CONF
printf '"postgres" "%s"\n' "$PROD_POSTGRES_PASSWORD" >"$PROD_WORK/pgbouncer/userlist.txt"

.venv/bin/python tests/prod/redis_users.py "$PROD_WORK/redis/users.acl"
chmod 644 "$PROD_WORK/redis/users.acl"
"${infra[@]}" up --build --detach --wait --wait-timeout 300
.venv/bin/python tests/prod/seed.py "$PROD_WORK"
.venv/bin/python tests/prod/stack.py "$PROD_WORK/deployed.json" "$PROD_WORK/ecs.json"
"${stack[@]}" build --quiet
# The deploy's order (infra/README.md): the database users, the migrations, then the services.
for task in auth-db-roles resource-db-roles auth-migrate resource-migrate; do
    "${stack[@]}" run --rm --quiet-pull "$task" >/dev/null
done
"${stack[@]}" up --detach --wait --wait-timeout 300

export BLACKBOX_BASE_URL="http://127.0.0.1:$PROD_GATEWAY_PORT" BLACKBOX_SIGNING_KEY_FILE="$PROD_WORK/jwt-private.pem"
export BLACKBOX_SES_URL="$PROD_MOTO_URL"
.venv/bin/pytest -p no:cacheprovider tests/test_journey.py tests/prod/test_production.py
"${stack[@]}" logs --no-color >"$PROD_WORK/stack.log"
BLACKBOX_LOG_FILE="$PROD_WORK/stack.log" .venv/bin/pytest tests/logcheck -p no:cacheprovider -q
# -rP: the drill prints how many requests failed, over how long.
.venv/bin/pytest -p no:cacheprovider -rP tests/prod/test_rotation.py
