#!/usr/bin/env bash
# Makes sure the PostgreSQL server binaries (initdb, postgres) the test harness starts are
# installed, with the unprivileged `postgres` user it runs them as when tests run as root.
# Idempotent: does nothing when they are there. Otherwise installs Debian's `postgresql`
# package and stops/disables the cluster the package starts: the tests run their own.
set -euo pipefail

have_server() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then return 0; fi
  done
  command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1
}

if have_server && id -u postgres >/dev/null 2>&1; then
  echo "postgresql: server binaries found"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "postgresql: not installed; run as root: apt-get install postgresql" >&2
    exit 1
  fi
fi

echo "postgresql: installing the Debian package"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null

# The package may start a cluster on port 5432; the tests never use it.
if command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters --no-header 2>/dev/null | while read -r version name _; do
    $SUDO pg_ctlcluster "$version" "$name" stop >/dev/null 2>&1 || true
  done
fi
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl stop postgresql >/dev/null 2>&1 || true
  $SUDO systemctl disable postgresql >/dev/null 2>&1 || true
fi

have_server || { echo "postgresql: installed, but initdb/postgres still not found" >&2; exit 1; }
echo "postgresql: installed"
