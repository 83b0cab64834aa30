#!/bin/sh
# Makes sure redis-server and redis-cli (7.x) exist, for the @sluice/redis tests and bench.
# Idempotent: does nothing when both are on PATH; otherwise installs Debian's redis-server
# package without starting its service (scripts/lib/apt-install.sh).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"

if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
  echo "ensure-redis: $(redis-server --version | cut -d' ' -f1-3) already installed"
  exit 0
fi
sh "$here/lib/apt-install.sh" redis-server
command -v redis-server >/dev/null 2>&1 || { echo "ensure-redis: installed, but redis-server is not on PATH ($PATH)" >&2; exit 1; }
echo "ensure-redis: installed $(redis-server --version | cut -d' ' -f1-3)"
