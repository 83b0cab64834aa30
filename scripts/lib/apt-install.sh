#!/bin/sh
# Installs Debian packages for the test servers without starting their services:
#   sh scripts/lib/apt-install.sh <package>...
# The tests start their own servers on free loopback ports, so a packaged service on its
# default port would only be in the way. Needs root or sudo. Used by scripts/ensure-*.sh.
set -eu

if ! command -v apt-get >/dev/null 2>&1; then
  echo "apt-install: apt-get not found; install $* with your package manager" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "apt-install: run as root (or install sudo) to install: $*" >&2
  exit 1
fi

# policy-rc.d exit code 101 tells invoke-rc.d and deb-systemd-invoke not to start services.
# Removed again on exit, unless one was already there (then it is left alone and honoured).
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
if ! $APT install -y -qq --no-install-recommends "$@"; then
  $APT update -qq
  $APT install -y -qq --no-install-recommends "$@"
fi
