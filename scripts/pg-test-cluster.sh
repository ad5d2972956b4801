#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: initdb in a temporary
# directory, listening only on 127.0.0.1 on a free port (its socket in that
# directory), a superuser role "cwtest" with a random password; stopped and
# removed afterwards.
#
#   scripts/pg-test-cluster.sh run CMD [ARG...]   # start, run CMD with
#        CROSSWALK_TEST_PG=postgres://cwtest:PW@127.0.0.1:PORT/postgres in its
#        environment, stop and remove the cluster (also on failure or ^C);
#        exits with CMD's status
#   scripts/pg-test-cluster.sh start              # prints DIR and the URL
#   scripts/pg-test-cluster.sh stop DIR
#
# initdb and postgres refuse to run as root: as root they run as the
# "postgres" system user (made by Debian's postgresql package); as anyone
# else, as that user. The server binaries come from /usr/lib/postgresql/N/bin
# (scripts/deps.sh test installs postgresql).
set -euo pipefail

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
    echo "pg-test-cluster: no PostgreSQL server found (run scripts/deps.sh test)" >&2
    exit 3
  fi
  echo "$d"
}

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin dir port pw tries=0
  bin=$(bindir)
  # As root, under /tmp: the postgres user must reach the directory.
  if [ "$(id -u)" -eq 0 ]; then
    dir=$(mktemp -d /tmp/crosswalk-pg.XXXXXX)
  else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/crosswalk-pg.XXXXXX")
  fi
  chmod 0700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || {
      echo "pg-test-cluster: running as root needs the postgres user" >&2
      rm -rf "$dir"; exit 3; }
    chown postgres: "$dir"
  fi
  pw=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$pw" > "$dir/pw"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pw"
  if ! as_owner "$bin/initdb" -D "$dir/data" -U cwtest --pwfile="$dir/pw" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"; exit 3
  fi
  # Durability is worth nothing in a cluster that is deleted afterwards.
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 64MB
log_min_messages = warning
EOF
  # A free port: try a few random ones (another process may take one
  # between the check and the bind; pg_ctl then fails and we try again).
  while :; do
    port=$(( 20000 + RANDOM % 40000 ))
    echo "port = $port" >>"$dir/data/postgresql.conf"
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
         start >/dev/null 2>&1; then
      break
    fi
    tries=$((tries + 1))
    if [ "$tries" -ge 5 ]; then
      echo "pg-test-cluster: the server did not start:" >&2
      tail -n 20 "$dir/server.log" >&2 || true
      rm -rf "$dir"; exit 3
    fi
  done
  echo "postgres://cwtest:$pw@127.0.0.1:$port/postgres" >"$dir/url"
  echo "$dir"
}

stop() {
  local dir=$1 bin
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  bin=$(bindir)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop \
      >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start)
    dir=$(start)
    echo "dir=$dir"
    echo "CROSSWALK_TEST_PG=$(cat "$dir/url")"
    ;;
  stop)
    stop "${2:?usage: $0 stop DIR}"
    ;;
  run)
    shift
    [ $# -gt 0 ] || { echo "usage: $0 run CMD [ARG...]" >&2; exit 2; }
    dir=$(start)
    trap 'stop "$dir"' EXIT
    trap 'exit 130' INT TERM
    status=0
    CROSSWALK_TEST_PG=$(cat "$dir/url") "$@" || status=$?
    exit "$status"
    ;;
  *)
    echo "usage: $0 run CMD [ARG...] | start | stop DIR" >&2
    exit 2
    ;;
esac
