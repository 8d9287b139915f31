#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on loopback and print its DATABASE_URL; `stop` removes it.
# Uses the machine's initdb/pg_ctl, or Debian's postgresql package (installed when root).
set -euo pipefail
PGDIR=${PGDIR:-/tmp/cvm-lab-postgres}
PORT=${PGPORT:-55432}

find_bin() {
  command -v "$1" 2>/dev/null && return
  ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    if [ -z "$(find_bin initdb)" ] && [ "$(id -u)" -eq 0 ]; then
      apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
    fi
    INITDB=$(find_bin initdb); PG_CTL=$(find_bin pg_ctl)
    [ -n "$INITDB" ] || { echo "PostgreSQL's initdb was not found" >&2; exit 1; }
    rm -rf "$PGDIR"
    install -d -o postgres -g postgres "$PGDIR" 2>/dev/null || mkdir -p "$PGDIR"
    as_postgres "$INITDB" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      --no-sync >/dev/null
    as_postgres "$PG_CTL" -D "$PGDIR/data" -l "$PGDIR/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDIR -c fsync=off" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$PORT/cvmlab"
    ;;
  stop)
    PG_CTL=$(find_bin pg_ctl)
    [ -d "$PGDIR/data" ] && as_postgres "$PG_CTL" -D "$PGDIR/data" -m fast stop >/dev/null || true
    rm -rf "$PGDIR"
    ;;
esac
