#!/bin/sh
# Runs once, when the db volume is first initialised (docker-entrypoint-initdb.d): the role web,
# worker and beat connect as. It owns nothing and may not bypass row-level security, so the
# tenant floor holds for it; `manage.py migrate` (as the owner) grants it the data rights.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE flywheel_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE
  PASSWORD :'app_password';
SQL
