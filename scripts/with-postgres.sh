#!/usr/bin/env bash
# Run a command with HERALD_TEST_POSTGRES pointing at a throwaway PostgreSQL cluster.
# Usage: scripts/with-postgres.sh CMD [ARG…]
#
# With HERALD_TEST_POSTGRES already set, it just runs CMD against that server. Otherwise it
# initialises a cluster in a temporary directory (trust authentication, superuser
# `postgres`, listening on 127.0.0.1 on a free port, its socket in the same directory),
# runs CMD with HERALD_TEST_POSTGRES=postgres://postgres@127.0.0.1:PORT/postgres, then stops
# the cluster and removes the directory, also when CMD fails or on Ctrl-C. Its exit code is
# CMD's. Quiet unless something fails: then it prints the server's log.
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user
# (Debian's `postgresql` package creates it; scripts/setup.sh test installs the package).
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARG…]" >&2
  exit 2
fi
if [ -n "${HERALD_TEST_POSTGRES:-}" ]; then
  exec "$@"
fi

say() { echo "with-postgres: $*" >&2; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  say "no PostgreSQL server under /usr/lib/postgresql/*/bin (scripts/setup.sh test installs it)"
  exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/herald-pg.XXXXXX")
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as_pg() { (cd "$dir" && runuser -u postgres -- "$@"); }
else
  as_pg() { (cd "$dir" && "$@"); }
fi
log="$dir/server.log"
started=

show_log() {
  if [ -s "$log" ]; then
    say "server log ($log):"
    cat "$log" >&2
  fi
}

cleanup() {
  if [ -n "$started" ]; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || {
      say "the cluster did not stop cleanly"
      show_log
      as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    }
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
# Ctrl-C or a kill: stop the cluster (through the EXIT trap) with the usual exit code.
trap 'exit 130' INT
trap 'exit 143' TERM

# -A trust: the cluster lives for one run and listens on loopback only. --no-sync: nothing
# in it needs to survive a crash of the machine.
if ! as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
  >"$dir/initdb.log" 2>&1; then
  say "initdb failed:"
  cat "$dir/initdb.log" >&2
  exit 1
fi

# A free port: one nobody answers on; a lost race to another process shows as a failed
# start and is retried with another port.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

for _ in 1 2 3 4 5; do
  port=$(free_port)
  # Each test server opens its own pool: max_connections=300 leaves room for many at once.
  if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$log" -w -t 60 -o \
    "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" \
    start >/dev/null 2>&1; then
    started=1
    break
  fi
done
if [ -z "$started" ]; then
  say "the cluster did not start"
  show_log
  exit 1
fi

export HERALD_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres"
set +e
"$@"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  say "command failed ($rc): $*; the last lines of the server log:"
  tail -n 40 "$log" >&2
fi
exit "$rc"
