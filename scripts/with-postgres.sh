#!/usr/bin/env bash
# Runs CMD ARGS... with a throw-away PostgreSQL cluster, then removes it, whatever happens.
#   bash scripts/with-postgres.sh cargo test -p stockflow-server
# Installs Debian's `postgresql` when no initdb is found (as root or through sudo). The cluster
# lives in a temp dir owned by `postgres` (initdb refuses root), listens on a free loopback port
# and has fsync off. The command gets:
#   STOCKFLOW_TEST_PG       postgres://postgres@127.0.0.1:PORT/postgres (trust auth)
#   STOCKFLOW_TEST_PG_BIN   the dir of pg_ctl, initdb...
#   STOCKFLOW_TEST_PG_DATA  the data dir (fault tests stop and start the cluster with pg_ctl,
#                           as `runuser -u postgres --` when they run as root)
# The EXIT trap stops the cluster and removes the dir on success, failure or Ctrl-C; the exit
# status is the command's.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

find_bin() {
  local initdb
  initdb="$(ls -1d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
  [[ -n "$initdb" ]] && dirname "$initdb"
}

if [[ $(id -u) -eq 0 ]]; then
  sudo=()
else
  sudo=(sudo)
fi

pg_bin="$(find_bin || true)"
if [[ -z "$pg_bin" ]]; then
  echo "with-postgres: installing postgresql (apt-get)" >&2
  if [[ ${#sudo[@]} -gt 0 ]] && ! command -v sudo >/dev/null; then
    echo "with-postgres: need root or sudo to install postgresql" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends postgresql </dev/null
  # Debian's package starts its own main cluster: this script does not need it.
  "${sudo[@]}" pg_ctlcluster --force "$(basename "$(dirname "$(find_bin)")")" main stop \
    >/dev/null 2>&1 || true
  pg_bin="$(find_bin || true)"
  if [[ -z "$pg_bin" ]]; then
    echo "with-postgres: postgresql installed but no initdb under /usr/lib/postgresql" >&2
    exit 1
  fi
fi

# Run a PostgreSQL tool as the postgres user (root) or as ourselves (anyone else).
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

dir="$(mktemp -d "${TMPDIR:-/tmp}/stockflow-pg.XXXXXX")"
data="$dir/data"
started=0
child=""

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  trap '' PIPE
  if [[ -n "${child:-}" ]] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  if [[ $started -eq 1 ]]; then
    as_pg "$pg_bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  # A test that stopped and restarted the cluster by hand may have left a postmaster whose
  # pid file is gone: make sure none of ours survives.
  if [[ -f "$data/postmaster.pid" ]]; then
    pid="$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)"
    [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ $(id -u) -eq 0 ]]; then
  chown postgres: "$dir"
fi
chmod 700 "$dir"
as_pg "$pg_bin/initdb" -D "$data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2
  exit 1
}

# A free loopback port: ask the kernel for one, then let PostgreSQL take it.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo $((20000 + RANDOM % 20000)))"

started=1
if ! as_pg "$pg_bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" \
  start >/dev/null; then
  echo "with-postgres: PostgreSQL did not start:" >&2
  cat "$dir/server.log" >&2 || true
  exit 1
fi

export STOCKFLOW_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres"
export STOCKFLOW_TEST_PG_BIN="$pg_bin"
export STOCKFLOW_TEST_PG_DATA="$data"
echo "with-postgres: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($data)" >&2

# In the background and waited for, so a signal to this script runs the trap at once, and the
# shell never reports the command's death on a stderr that may be a closed pipe (SIGPIPE would
# kill the shell before its cleanup). stdin is passed on explicitly.
set +e
"$@" <&0 &
child=$!
wait "$child"
status=$?
child=""
set -e
exit "$status"
