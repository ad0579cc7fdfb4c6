#!/bin/sh
# First start of the database only: the schema's owner, and the product's own role, which
# may only SELECT and INSERT recorded events (`thidua db migrate` grants exactly that).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_password="$EVENT_STORE_OWNER_PASSWORD" -v app_password="$EVENT_STORE_APP_PASSWORD" <<'SQL'
CREATE ROLE thidua_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE thidua_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
CREATE SCHEMA thidua AUTHORIZATION thidua_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE thidua TO thidua_owner, thidua_app;
SQL
