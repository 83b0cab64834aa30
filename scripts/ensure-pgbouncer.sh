#!/bin/sh
# Makes sure the PgBouncer binary the Postgres tests start (in front of their own PostgreSQL,
# in transaction and session mode) is installed. Idempotent: does nothing when it is there;
# otherwise installs Debian's pgbouncer package without starting its service
# (scripts/lib/apt-install.sh).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"

have_pgbouncer() {
  command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ]
}

if have_pgbouncer; then
  echo "ensure-pgbouncer: found"
  exit 0
fi
sh "$here/lib/apt-install.sh" pgbouncer
have_pgbouncer || { echo "ensure-pgbouncer: installed, but the binary is still not found" >&2; exit 1; }
echo "ensure-pgbouncer: installed"
