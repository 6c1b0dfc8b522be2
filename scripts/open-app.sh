#!/usr/bin/env bash
# Opens the built app on this display, or under Xvfb when there is none (and says so).
set -euo pipefail
binary="${1:-target/debug/strata}"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$binary"
fi
number=99
while [ -e "/tmp/.X11-unix/X$number" ]; do number=$((number + 1)); done
echo "==> no display found: opening Strata under Xvfb on :$number (invisible; set DISPLAY to see the window)"
Xvfb ":$number" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null' EXIT
for _ in $(seq 1 50); do [ -e "/tmp/.X11-unix/X$number" ] && break; sleep 0.1; done
DISPLAY=":$number" "$binary"
