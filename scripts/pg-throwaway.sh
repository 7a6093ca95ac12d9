#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a free loopback port, made the way the tests' fixture makes one
# (tests/Testing/PostgresCluster.cs): Debian's server programs (on PATH or in /usr/lib/postgresql/N/bin,
# installed with apt-get when missing), initdb into a new temporary directory, pg_ctl on 127.0.0.1 with
# the socket in that directory, trust authentication for the user postgres. PostgreSQL refuses to run
# as root, so as root every server program runs as the postgres user (runuser -u postgres --).
# Unlike the tests' clusters it keeps fsync ON (benchmarks measure the durable commit); FSYNC=off turns
# it off. It is stopped through its own data directory (pg_ctl -D, else its own postmaster pid), never by
# name, and deleted.
#
# Standalone:
#   scripts/pg-throwaway.sh                 start, print the connection string, wait for Ctrl+C, stop
#   scripts/pg-throwaway.sh COMMAND ARGS... start, run COMMAND with PG_CONNECTION_STRING (and PG_PORT,
#                                           PG_DIR, PG_BIN) exported, stop; exits with COMMAND's code
# Sourced (source scripts/pg-throwaway.sh): defines the functions below and changes no shell option;
# call pg_stop from your own EXIT trap (it is idempotent; pg_start installs no trap when sourced).
#   pg_start            starts the cluster; exports PG_DIR PG_PORT PG_BIN PG_CONNECTION_STRING
#   pg_createdb NAME    creates database NAME, prints its connection string
#   pg_psql ARGS...     psql on the cluster (as postgres, over TCP, stops on the first error)
#   pg_cpu_ticks        CPU time the whole cluster has used so far, in 1/100 s (for CPU per call)
#   pg_stop             stops and deletes the cluster
# Environment: FSYNC (on|off, default on), PG_SHARED_BUFFERS (default 128MB), PG_MAX_CONNECTIONS (300).

PG_DIR="" PG_PORT="" PG_BIN="" PG_CONNECTION_STRING=""

# Where initdb and pg_ctl are: PATH first, then Debian's versioned directories, newest first.
pg_find_bin() {
  local dir
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return 0
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  return 1
}

# As demo.sh does for redis-server: Debian's package, as root or with sudo.
pg_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "pg-throwaway: PostgreSQL's server programs not found: installing postgresql from Debian's packages" >&2
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
}

# Runs a server program: as the postgres user when we are root (initdb and postgres refuse root), from /
# so that a working directory the postgres user cannot enter does not matter.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

pg_free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    echo $((20000 + RANDOM % 30000))
  fi
}

pg_start() {
  [ -z "$PG_DIR" ] || { echo "pg-throwaway: a cluster is already running in $PG_DIR" >&2; return 1; }
  PG_BIN=$(pg_find_bin) || { pg_install && PG_BIN=$(pg_find_bin); } \
    || { echo "pg-throwaway: initdb/pg_ctl still missing; install them: sudo apt-get install -y postgresql" >&2; return 1; }
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "pg-throwaway: running as root needs the postgres user (created by Debian's postgresql package)" >&2
    return 1
  fi
  local fsync=${FSYNC:-on}
  case $fsync in on|off) ;; *) echo "pg-throwaway: FSYNC must be on or off, not '$fsync'" >&2; return 1 ;; esac
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/elicense-pg-XXXXXX")
  chmod 700 "$PG_DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
  if ! pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync \
      --no-instructions > "$PG_DIR.initdb.log" 2>&1; then
    cat "$PG_DIR.initdb.log" >&2; rm -f "$PG_DIR.initdb.log"; pg_stop; return 1
  fi
  rm -f "$PG_DIR.initdb.log"
  # A port free a moment ago may be taken by the time postgres binds it: then try another.
  local attempt
  for attempt in 1 2 3; do
    PG_PORT=$(pg_free_port)
    if pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 -o "-p $PG_PORT -k $PG_DIR \
        -c listen_addresses=127.0.0.1 -c fsync=$fsync -c max_connections=${PG_MAX_CONNECTIONS:-300} \
        -c shared_buffers=${PG_SHARED_BUFFERS:-128MB}" start >/dev/null; then
      PG_CONNECTION_STRING="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
      export PG_DIR PG_PORT PG_BIN PG_CONNECTION_STRING
      echo "pg-throwaway: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (fsync=$fsync), data in $PG_DIR" >&2
      return 0
    fi
    grep -q 'could not bind\|already in use' "$PG_DIR/server.log" 2>/dev/null || break
  done
  echo "pg-throwaway: the cluster did not start:" >&2
  tail -n 20 "$PG_DIR/server.log" >&2 2>/dev/null
  pg_stop
  return 1
}

pg_psql() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"
}

pg_createdb() {
  [[ $1 =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "pg-throwaway: database names here are [a-z_][a-z0-9_]*, not '$1'" >&2; return 1; }
  pg_psql -d postgres -c "CREATE DATABASE $1" >/dev/null || return 1
  echo "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$1"
}

# CPU time the cluster has used so far, in clock ticks (1/100 s): the postmaster, its live children (the
# backends, the WAL writer, the checkpointer...) and the children it has reaped.
pg_cpu_ticks() {
  local pid
  pid=$(head -n 1 "$PG_DIR/postmaster.pid")
  # A backend may exit between the listing and the read: cat skips it (its time moves to the reaped).
  # shellcheck disable=SC2046
  cat "/proc/$pid/stat" $(sed -E 's|([0-9]+)|/proc/\1/stat|g' "/proc/$pid/task/$pid/children") 2>/dev/null \
    | awk -v pm="$pid" '$1 == pm {t += $14 + $15 + $16 + $17; next} {t += $14 + $15} END {print t + 0}'
}

pg_stop() {
  [ -n "$PG_DIR" ] || return 0
  if [ -f "$PG_DIR/postmaster.pid" ]; then
    # By its data directory; if pg_ctl cannot stop it (a frozen or damaged cluster), by its own pid.
    if ! pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast -w -t 30 stop >/dev/null 2>&1; then
      local pid
      pid=$(head -n 1 "$PG_DIR/postmaster.pid" 2>/dev/null)
      [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
    fi
  fi
  rm -rf "$PG_DIR"
  PG_DIR="" PG_PORT="" PG_CONNECTION_STRING=""
  return 0
}

# Standalone: start, then run the command or wait; stop and delete on any exit.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  sleeper=""
  trap '[ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null; pg_stop' EXIT
  trap 'exit 130' INT TERM
  pg_start
  if [ "$#" -gt 0 ]; then
    set +e
    "$@"
    exit $?
  fi
  echo "$PG_CONNECTION_STRING"
  echo "e.g. $PG_BIN/psql -h 127.0.0.1 -p $PG_PORT -U postgres    (Ctrl+C stops and deletes the cluster)" >&2
  while :; do sleep 3600 & sleeper=$!; wait "$sleeper"; done
fi
