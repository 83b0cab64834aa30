#!/bin/sh
# Makes sure a headless Chromium exists, for checking the simulator's charts as pictures
# (docs/algorithms.md). Not needed by the tests. Idempotent: does nothing when
# /usr/bin/chromium exists; otherwise installs Debian's chromium package (scripts/lib/apt-install.sh).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"

if [ -x /usr/bin/chromium ]; then
  echo "ensure-chromium: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) already installed"
  exit 0
fi
sh "$here/lib/apt-install.sh" chromium
[ -x /usr/bin/chromium ] || { echo "ensure-chromium: installed, but /usr/bin/chromium is missing" >&2; exit 1; }
echo "ensure-chromium: installed $(/usr/bin/chromium --version 2>/dev/null)"
