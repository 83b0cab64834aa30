#!/bin/sh
# Makes sure the PostgreSQL server binaries (initdb, postgres) the test harness starts are
# installed, with the unprivileged `postgres` user it runs them as when tests run as root.
# Idempotent: does nothing when they are there; otherwise installs Debian's postgresql
# package without starting the cluster it creates (scripts/lib/apt-install.sh).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"

have_server() {
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then return 0; fi
  done
  command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1
}

if have_server && id -u postgres >/dev/null 2>&1; then
  echo "ensure-postgres: server binaries found"
  exit 0
fi
sh "$here/lib/apt-install.sh" postgresql
have_server || { echo "ensure-postgres: installed, but initdb/postgres still not found" >&2; exit 1; }
echo "ensure-postgres: installed"
