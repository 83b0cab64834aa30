#!/usr/bin/env bash
# Makes sure the PgBouncer binary the Postgres tests start (in front of their own PostgreSQL,
# in transaction and session mode) is installed. Idempotent: does nothing when it is there.
# Otherwise installs Debian's `pgbouncer` package and stops/disables the service the package
# starts: the tests run their own, on free loopback ports.
set -euo pipefail

have_pgbouncer() {
  command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ]
}

if have_pgbouncer; then
  echo "pgbouncer: found"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "pgbouncer: not installed; run as root: apt-get install pgbouncer" >&2
    exit 1
  fi
fi

echo "pgbouncer: installing the Debian package"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends pgbouncer >/dev/null

# The package may start its own pooler on port 6432; the tests never use it.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl stop pgbouncer.service pgbouncer.socket >/dev/null 2>&1 || true
  $SUDO systemctl disable pgbouncer.service pgbouncer.socket >/dev/null 2>&1 || true
elif [ -x /etc/init.d/pgbouncer ]; then
  $SUDO /etc/init.d/pgbouncer stop >/dev/null 2>&1 || true
fi

have_pgbouncer || { echo "pgbouncer: installed, but the binary is still not found" >&2; exit 1; }
echo "pgbouncer: installed"
