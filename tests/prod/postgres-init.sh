# shellcheck shell=bash
# Run once, when the cluster is made (the postgres image's /docker-entrypoint-initdb.d): PostgreSQL as RDS
# configures it for the services (TLS, and refused without it; UTC), and each database with the master user RDS
# creates with it, who is no superuser.
cp /tls/server.crt /tls/server.key "$PGDATA/"
chmod 600 "$PGDATA/server.key"
cat >>"$PGDATA/postgresql.conf" <<CONF
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
timezone = 'UTC'
CONF
sed -i '1i hostnossl all all all reject' "$PGDATA/pg_hba.conf"
psql -v ON_ERROR_STOP=1 -U postgres -d postgres \
    -v auth_password="$AUTH_MASTER_PASSWORD" -v resource_password="$RESOURCE_MASTER_PASSWORD" <<'SQL'
CREATE ROLE auth LOGIN CREATEROLE CREATEDB PASSWORD :'auth_password';
CREATE DATABASE auth OWNER auth;
CREATE ROLE resource LOGIN CREATEROLE CREATEDB PASSWORD :'resource_password';
CREATE DATABASE resource OWNER resource;
SQL
