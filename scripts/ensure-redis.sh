#!/bin/sh
# Makes sure redis-server and redis-cli (7.x) exist, for the @sluice/redis tests and bench.
# Installs the Debian package `redis-server` with apt-get when missing. Idempotent: does
# nothing when both binaries are already on PATH. Never starts a system service: the tests
# start their own servers on free loopback ports. Run as root (CI) or through sudo.
set -eu

if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
  echo "ensure-redis: $(redis-server --version | cut -d' ' -f1-3) already installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-redis: apt-get not found. Install Redis 7 (redis-server and redis-cli) with your" >&2
  echo "package manager, or point the tests at a server with REDIS_URL." >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "ensure-redis: run as root (or install sudo) to install the redis-server package." >&2
  exit 1
fi

# policy-rc.d exit code 101 tells invoke-rc.d and deb-systemd-invoke not to start services,
# so the package installs without launching a Redis on port 6379. Removed again on exit,
# unless one was already there (then it is left alone and honoured as is).
POLICY=/usr/sbin/policy-rc.d
CREATED_POLICY=""
cleanup() {
  if [ -n "$CREATED_POLICY" ]; then $SUDO rm -f "$POLICY"; fi
}
trap cleanup EXIT INT TERM
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod 755 "$POLICY"
  CREATED_POLICY=1
fi

# `env` carries DEBIAN_FRONTEND through sudo, which resets the environment.
APT="$SUDO env DEBIAN_FRONTEND=noninteractive apt-get"
# Try from the current package lists first; refresh them only if that fails.
if ! $APT install -y --no-install-recommends redis-server; then
  $APT update
  $APT install -y --no-install-recommends redis-server
fi

if ! command -v redis-server >/dev/null 2>&1; then
  echo "ensure-redis: the redis-server package is installed but redis-server is not on PATH ($PATH)." >&2
  exit 1
fi
echo "ensure-redis: installed $(redis-server --version | cut -d' ' -f1-3)"
