#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on loopback for the test suite (installing it when missing)
# and prints the URL the tests read from DISTILLGUARD_TEST_POSTGRES_URL. Sourced by scripts/test.sh.
set -euo pipefail
port=${DISTILLGUARD_TEST_POSTGRES_PORT:-55432}
data=${TMPDIR:-/tmp}/distillguard-test-postgres

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ]; then
    echo "installing Debian packages: postgresql" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

# PostgreSQL refuses to run as root: run it as the postgres user then.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Two runs starting at once (a test run beside scripts/stress-tests.sh) would both find no server
# and initialise the same directory: the second waits for the first and then finds its server.
exec 9>"$data.lock"
flock 9
if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    rm -rf "$data"
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres "$data"
    # The server must not inherit the lock, or it would hold it for as long as it runs.
    as_owner "$bin/initdb" -D "$data" -A trust -U distillguard >/dev/null 9>&-
    as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $data -c fsync=off" start >/dev/null 9>&-
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') started on 127.0.0.1:$port ($data)" >&2
fi
echo "postgres://distillguard@127.0.0.1:$port/postgres"
