#!/usr/bin/env bash
# pg_cluster.sh — a throwaway PostgreSQL cluster for the county tests that run on PostgreSQL (ctest fixture
# "postgres"): initdb and pg_ctl in DIR, listening only on a Unix socket in DIR (no TCP port), as an unprivileged
# user when run as root (postgres, else nobody); fsync off (a crash of the cluster is not what these tests test)
# unless PG_CLUSTER_DURABLE=1 (store_scale_bench --durable: a county server's settings).
#   pg_cluster.sh start DIR   → DIR/url holds the libpq URL of its "postgres" database; exit 0
#                               where PostgreSQL cannot run here, DIR/unavailable says why instead (exit 0, or
#                               exit 1 under CI when PostgreSQL is installed: then a skip would hide a failure)
#   pg_cluster.sh stop DIR
set -uo pipefail
cmd=${1:?usage: pg_cluster.sh start|stop DIR}
DIR=${2:?usage: pg_cluster.sh start|stop DIR}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$OWNER" -- "$@"; else "$@"; fi
}
OWNER=$(id -un)
if [ "$(id -u)" = 0 ]; then
  if id postgres >/dev/null 2>&1; then OWNER=postgres; else OWNER=nobody; fi
fi

unavailable() {
  mkdir -p "$DIR"
  printf '%s\n' "$1" > "$DIR/unavailable"
  echo "pg_cluster: $1" >&2
  if [ -n "${CI:-}" ] && [ -n "$BIN" ]; then
    echo "pg_cluster: PostgreSQL is installed ($BIN) but could not start under CI: failing instead of skipping" >&2
    exit 1
  fi
  exit 0
}

case "$cmd" in
  start)
    [ -d "$DIR/data" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$DIR"
    mkdir -p "$DIR"
    [ -n "$BIN" ] && [ -x "$BIN/initdb" ] || unavailable "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): ./yimen setup installs it"
    chown "$OWNER" "$DIR" 2>/dev/null
    chmod 0700 "$DIR"
    # The socket path must stay under 107 bytes: DIR itself is used.
    if [ ${#DIR} -gt 90 ]; then unavailable "the cluster directory's path is too long for a Unix socket: $DIR"; fi
    FAST="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if [ "${PG_CLUSTER_DURABLE:-}" = 1 ]; then FAST=""; fi
    as_owner "$BIN/initdb" -D "$DIR/data" --no-locale -E UTF8 -A trust -U yimen > "$DIR/initdb.log" 2>&1 \
      || unavailable "initdb failed: $(tail -n 3 "$DIR/initdb.log" | tr '\n' ' ')"
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
      -o "-c listen_addresses='' -k $DIR $FAST -c max_connections=200" \
      start > "$DIR/pg_ctl.log" 2>&1 \
      || unavailable "pg_ctl start failed: $(tail -n 3 "$DIR/server.log" 2>/dev/null | tr '\n' ' ')"
    echo "postgresql:///postgres?host=$DIR&user=yimen" > "$DIR/url"
    echo "pg_cluster: PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on $DIR (socket only)"
    ;;
  stop)
    if [ -d "$DIR/data" ] && [ -n "$BIN" ]; then as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1; fi
    rm -rf "$DIR"
    ;;
  *) echo "usage: pg_cluster.sh start|stop DIR" >&2; exit 2;;
esac
