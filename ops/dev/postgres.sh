#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on loopback for the tests: `postgres.sh start` initialises it (first time)
# and starts it, printing the admin connection string; `postgres.sh stop` stops it. PostgreSQL refuses to run as
# root, so as root the cluster belongs to the `postgres` user.
set -euo pipefail

PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
PGPORT="${SDNET_TEST_PGPORT:-55432}"
PGDATA="${SDNET_TEST_PGDATA:-${TMPDIR:-/tmp}/sdnet-test-postgres}"
PASSWORD="sdnet-test-only"

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "${1:-}" in
  start)
    if [ ! -x "$PGBIN/initdb" ]; then
      echo "PostgreSQL 15 is not installed (expected $PGBIN/initdb): apt-get install -y postgresql-15" >&2
      exit 1
    fi
    if [ ! -f "$PGDATA/PG_VERSION" ]; then
      mkdir -p "$PGDATA"
      [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGDATA"
      chmod 700 "$PGDATA"
      pwfile="$(mktemp)"; echo "$PASSWORD" > "$pwfile"; chmod 644 "$pwfile"
      as_owner "$PGBIN/initdb" -D "$PGDATA" -U sdnet_admin --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 >/dev/null
      rm -f "$pwfile"
    fi
    if ! as_owner "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
      as_owner "$PGBIN/pg_ctl" -D "$PGDATA" -w -l "$PGDATA/server.log" \
        -o "-c listen_addresses=127.0.0.1 -c port=$PGPORT -c unix_socket_directories=$PGDATA -c fsync=off -c max_connections=200" start >/dev/null
    fi
    echo "Host=127.0.0.1;Port=$PGPORT;Username=sdnet_admin;Password=$PASSWORD;Database=postgres"
    ;;
  stop)
    if [ -f "$PGDATA/PG_VERSION" ]; then
      as_owner "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
    fi
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
