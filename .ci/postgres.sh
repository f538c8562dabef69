#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the tests: `source .ci/postgres.sh start` exports INTERLOCK_TEST_POSTGRES
# (a connection string to an empty database) and PG_TEST_DIR; `.ci/postgres.sh stop "$PG_TEST_DIR"` stops it and
# removes its files. Installs Debian's postgresql package when missing. Runs the server as the `postgres` user
# when invoked as root (initdb refuses root).
set -uo pipefail
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
case "${1:-}" in
  start)
    if [ -z "$(pg_bin)" ]; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1 || { echo "postgres: could not install the postgresql package" >&2; return 1 2>/dev/null || exit 1; }
    fi
    bin="$(pg_bin)"
    dir="$(mktemp -d /tmp/interlock-pg.XXXXXX)"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo 55432)
    as=()
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; as=(runuser -u postgres --); fi
    "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1 2>/dev/null || exit 1; }
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-h 127.0.0.1 -p $port -k $dir -c fsync=on -c max_connections=200" start >/dev/null || { cat "$dir/server.log" >&2; return 1 2>/dev/null || exit 1; }
    "${as[@]}" "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE interlock_test;" >/dev/null
    export PG_TEST_DIR="$dir"
    export INTERLOCK_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Database=interlock_test;Username=postgres;Pooling=true;Maximum Pool Size=50"
    echo "postgres: started on 127.0.0.1:$port ($dir)"
    ;;
  stop)
    dir="${2:-${PG_TEST_DIR:-}}"
    [ -n "$dir" ] && [ -d "$dir/data" ] || exit 0
    as=(); [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
    "${as[@]}" "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1
    rm -rf "$dir"
    ;;
  *) echo "usage: source .ci/postgres.sh start | .ci/postgres.sh stop DIR" >&2; exit 64;;
esac
