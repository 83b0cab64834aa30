#!/usr/bin/env bash
# Installs the servers the test suite starts for itself: Debian's redis-server,
# postgresql and pgbouncer. Idempotent: does nothing when they are already there. Needs root (or sudo).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/ensure-redis.sh"
bash "$here/ensure-postgres.sh"
bash "$here/ensure-pgbouncer.sh"
