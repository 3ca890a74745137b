#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the service tests.
#
#   pg.sh start DIR     initdb (first time) and start; prints the URL postgresql://postgres@127.0.0.1:PORT/postgres
#   pg.sh stop DIR      fast shutdown (no error if it is not running)
#   pg.sh restart DIR   pg_ctl restart -m fast (same port)
#   pg.sh url DIR       prints the URL
#   pg.sh destroy DIR   stop, then remove DIR
#
# The cluster lives in DIR/data, listens on 127.0.0.1 only (port chosen once, kept in DIR/port), with
# its unix socket in DIR, trust authentication and fsync off (test data only). PostgreSQL refuses to
# run as root: when run as root, the cluster belongs to the user `postgres` (created if missing) and
# every server command runs through `runuser -u postgres`.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
DIR=${2:-}
[ -n "$cmd" ] && [ -n "$DIR" ] || { echo "usage: $0 start|stop|restart|url|destroy DIR" >&2; exit 2; }
[ -x "$PGBIN/pg_ctl" ] || { echo "pg.sh: no PostgreSQL at $PGBIN" >&2; exit 2; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

url() { echo "postgresql://postgres@127.0.0.1:$(cat "$DIR/port")/postgres"; }

wait_ready() {
  for _ in $(seq 1 100); do
    if "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$(cat "$DIR/port")" -U postgres; then return 0; fi
    sleep 0.1
  done
  echo "pg.sh: PostgreSQL did not become ready; log:" >&2
  tail -n 30 "$DIR/postgres.log" >&2 || true
  return 1
}

start() {
  mkdir -p "$DIR"
  DIR=$(cd "$DIR" && pwd)
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    chmod 755 "$DIR"
    chown postgres "$DIR"
  fi
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    as_owner "$PGBIN/initdb" -D "$DIR/data" --auth=trust -U postgres -E UTF8 --no-sync >"$DIR/initdb.log" 2>&1 ||
      { cat "$DIR/initdb.log" >&2; exit 1; }
    cat >>"$DIR/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
  fi
  local tries=0
  while :; do
    [ -f "$DIR/port" ] || free_port >"$DIR/port"
    if as_owner "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -o "-p $(cat "$DIR/port")" -w -t 30 start >/dev/null; then
      break
    fi
    tries=$((tries + 1))
    # The port may have been taken between choosing and starting: pick another one (first start only).
    if [ $tries -ge 3 ]; then tail -n 30 "$DIR/postgres.log" >&2; exit 1; fi
    rm -f "$DIR/port"
  done
  wait_ready
  url
}

stop() {
  [ -f "$DIR/data/PG_VERSION" ] || return 0
  as_owner "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
}

restart() {
  as_owner "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -o "-p $(cat "$DIR/port")" -m fast -w -t 30 restart >/dev/null
  wait_ready
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  restart) restart ;;
  url) url ;;
  destroy) stop; rm -rf "$DIR" ;;
  *) echo "usage: $0 start|stop|restart|url|destroy DIR" >&2; exit 2 ;;
esac
