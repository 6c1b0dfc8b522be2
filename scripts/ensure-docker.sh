#!/usr/bin/env bash
# Makes sure a Docker daemon answers. If none does and none is configured elsewhere
# (DOCKER_HOST), starts Debian's dockerd in the background and waits until it answers.
set -euo pipefail

answers() { docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1; }

if answers; then exit 0; fi
if [ -n "${DOCKER_HOST:-}" ]; then
  echo "DOCKER_HOST=$DOCKER_HOST does not answer; start that daemon or unset DOCKER_HOST." >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
log=/tmp/strata-dockerd.log
echo "==> no Docker daemon answers; starting dockerd in the background (log: $log)"
$SUDO sh -c "nohup setsid dockerd >$log 2>&1 </dev/null &"
for _ in $(seq 1 120); do
  if answers; then
    echo "==> Docker daemon is up: API $(docker version --format '{{.Server.APIVersion}}')"
    exit 0
  fi
  sleep 0.5
done
echo "dockerd did not answer within 60 s; its log says:" >&2
tail -n 20 "$log" >&2
exit 1
