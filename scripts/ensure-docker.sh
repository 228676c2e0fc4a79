#!/usr/bin/env bash
# Makes sure a Docker engine answers and that the local test image exists.
# - When no engine answers on the default socket (or $DOCKER_HOST), start Debian's dockerd in the
#   background (its log goes to $DNE_CACHE/dockerd.log) and wait for /_ping.
# - No registry is reachable, so the image `local/busybox:latest` is built from Debian's static
#   busybox with `docker import`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${DNE_CACHE:-$HOME/.cache/docker-network-explorer}
mkdir -p "$cache"

engine_answers() { timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# The packages the engine tier needs beside the engine (nft, iptables, busybox…): idempotent, quick
# when all are there; before the engine check, so a machine whose engine already runs gets them too.
# Without root it can only name what is missing: that is not fatal when the engine answers.
bash "$here/ensure-system.sh" || [ "$(id -u)" != "0" ]

if ! engine_answers; then
  if [ "$(id -u)" != "0" ]; then
    echo "ensure-docker: no Docker engine answers and only root can start one" >&2
    exit 1
  fi
  echo "ensure-docker: starting dockerd (log: $cache/dockerd.log)"
  # setsid: the engine must outlive the shell (and process group) that started it.
  setsid dockerd >"$cache/dockerd.log" 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    engine_answers && break
    sleep 0.5
  done
  engine_answers || { echo "ensure-docker: dockerd did not answer; last log lines:" >&2; tail -n 20 "$cache/dockerd.log" >&2; exit 1; }
fi

if ! docker image inspect local/busybox:latest >/dev/null 2>&1; then
  [ -x /bin/busybox ] || bash "$here/ensure-system.sh"
  root=$(mktemp -d)
  mkdir -p "$root/bin"
  cp /bin/busybox "$root/bin/"
  for applet in sh ping ip sleep nslookup cat ls ifconfig wget nc hostname echo true; do
    ln -s busybox "$root/bin/$applet"
  done
  tar -C "$root" -c . | docker import - local/busybox:latest >/dev/null
  rm -rf "$root"
  echo "ensure-docker: built local/busybox:latest"
fi
