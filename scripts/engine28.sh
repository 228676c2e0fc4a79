#!/usr/bin/env bash
# Docker Engine 28 beside the system's 20.10, for the test tiers (DNE_ENGINES) and by hand:
#   scripts/engine28.sh ensure        fetch it (once) and start it (when it does not answer)
#   scripts/engine28.sh run CMD ARG…  run CMD where Docker 28 is *the* local engine
#   scripts/engine28.sh stop          stop it and remove what it left on the host
#   scripts/engine28.sh version       print its server version (fails when it does not answer)
#
# Where it comes from: Debian's current docker.io and docker-cli (28.5.x, API 1.51) in the archive's
# unstable suite, fetched with `apt-get download` through a private source list (the system's sources
# are not touched) and unpacked with `dpkg-deb -x` into the tool cache. Its dockerd runs on this
# machine's libc, with Debian 12's containerd and runc.
#
# Where it runs: in a network namespace of its own (`dne-docker28`) with its own data root, exec root,
# socket and cgroup parent, so its bridges, veths and iptables (28's chains and raw-table drops) never
# mix with the system engine's, and both can run at once. `run` gives the command the view a user of
# that engine has on its host: the namespace's network, a /sys mounted from inside it (so
# /sys/class/net lists its bridges and veths), its exec root at /var/run/docker (sandboxes under
# /var/run/docker/netns), its socket at /var/run/docker.sock and an empty /run/netns; the rest of the file system, the
# processes and root are the machine's. The dockerd runs under `nsenter --net` only: `ip netns exec`
# would remount /sys for it too and hide the cgroup hierarchy it needs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${DNE_CACHE:-$HOME/.cache/docker-network-explorer}
dir="$cache/docker28"
netns=dne-docker28
run_dir=/run/dne-docker28
sock="$run_dir/docker.sock"
exec_root="$run_dir/exec"
pid_file="$run_dir/docker.pid"
log="$dir/dockerd.log"
# The engine's own bridge and pool: apart from the system engine's (172.17/16, 172.18+) and from the
# test suite's fixed subnets (10.2xx), so the same tests can run on either.
bip=10.128.0.1/24
pool=base=10.129.0.0/16,size=24

fail() { echo "engine28: $*" >&2; exit 1; }
answers() { [ -S "$sock" ] && timeout 5 "$(client)" -H "unix://$sock" version --format '{{.Server.Version}}' 2>/dev/null; }
client() { if [ -x "$dir/root/usr/bin/docker" ]; then echo "$dir/root/usr/bin/docker"; else echo docker; fi; }

fetch() {
  [ -x "$dir/root/usr/sbin/dockerd" ] && [ -x "$dir/root/usr/bin/docker" ] && return 0
  command -v apt-get >/dev/null || fail "apt-get is needed to fetch Docker 28"
  mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/debs"
  echo "deb http://deb.debian.org/debian sid main" > "$dir/apt/sources.list"
  local opts=(-o "Dir::Etc::sourcelist=$dir/apt/sources.list" -o Dir::Etc::sourceparts=- \
    -o "Dir::State::Lists=$dir/apt/lists" -o "Dir::Cache=$dir/apt/cache" -o Debug::NoLocking=1)
  echo "engine28: fetching docker.io and docker-cli from Debian unstable"
  apt-get "${opts[@]}" -qq update >"$dir/apt.log" 2>&1 || { tail -n 20 "$dir/apt.log" >&2; fail "apt-get update (unstable) failed"; }
  (cd "$dir/debs" && apt-get "${opts[@]}" -qq download docker.io docker-cli) >>"$dir/apt.log" 2>&1 \
    || { tail -n 20 "$dir/apt.log" >&2; fail "apt-get download docker.io docker-cli failed"; }
  rm -rf "$dir/root.new"
  for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/root.new"; done
  [ -x "$dir/root.new/usr/sbin/dockerd" ] || fail "the docker.io package had no usr/sbin/dockerd"
  rm -rf "$dir/root" && mv "$dir/root.new" "$dir/root"
  rm -f "$dir"/debs/*.deb
}

start() {
  [ "$(id -u)" = 0 ] || fail "only root can start Docker 28 in its own network namespace"
  mkdir -p "$dir/data" "$run_dir"
  # The host's mounts are private here: a shared mount of its own lets the sandbox mounts the engine
  # makes later (exec root/netns/<id>) reach the commands `run` starts, whose mount namespace is a
  # slave of it.
  if ! mountpoint -q "$run_dir"; then mount --bind "$run_dir" "$run_dir"; fi
  mount --make-shared "$run_dir"
  mkdir -p "$exec_root"
  if [ ! -e "/run/netns/$netns" ]; then
    ip netns add "$netns"
    ip -n "$netns" link set lo up
    # Its uplink, as a host has one (a default route the diagram draws); nothing is behind it.
    ip -n "$netns" link add eth0 type ifb   # no dummy module on every kernel; ifb has no peer
    ip -n "$netns" addr add 10.127.0.2/24 dev eth0
    ip -n "$netns" link set eth0 up
    ip -n "$netns" route add default via 10.127.0.1 dev eth0
  fi
  echo '{}' > "$dir/daemon.json"
  echo "engine28: starting dockerd $("$dir/root/usr/sbin/dockerd" --version | sed 's/^Docker version //') (log: $log)"
  # setsid: the engine must outlive the shell that started it.
  PATH="$dir/root/usr/sbin:$dir/root/usr/bin:$PATH" setsid nsenter --net="/run/netns/$netns" -- \
    "$dir/root/usr/sbin/dockerd" --config-file "$dir/daemon.json" --data-root "$dir/data" \
    --exec-root "$exec_root" --pidfile "$pid_file" -H "unix://$sock" --bip "$bip" \
    --default-address-pool "$pool" --cgroup-parent "$netns" >>"$log" 2>&1 < /dev/null &
  for _ in $(seq 1 120); do answers >/dev/null && break; sleep 0.5; done
  answers >/dev/null || { tail -n 20 "$log" >&2; fail "dockerd 28 did not answer on $sock"; }
}

ensure() {
  fetch
  answers >/dev/null || start
  if ! "$(client)" -H "unix://$sock" image inspect local/busybox:latest >/dev/null 2>&1; then
    # The same test image as the system engine's (scripts/ensure-docker.sh builds it there).
    bash "$here/ensure-docker.sh" >/dev/null
    docker save local/busybox:latest | "$(client)" -H "unix://$sock" load >/dev/null
    echo "engine28: loaded local/busybox:latest"
  fi
  echo "engine28: Docker $(answers) answers on unix://$sock in network namespace $netns"
}

stop() {
  local pid
  pid=$(cat "$pid_file" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  if [ -e "/run/netns/$netns" ]; then
    for p in $(ip netns pids "$netns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
  fi
  awk -v a="$run_dir" -v b="$dir/data" '$2 == a || index($2, a "/") == 1 || index($2, b) == 1 { print $2 }' /proc/mounts \
    | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  [ -e "/run/netns/$netns" ] && ip netns del "$netns"
  rm -rf "$run_dir"
  echo "engine28: stopped"
}

# The command runs in a mount namespace of its own (a slave of the host's, so the engine's new
# sandbox mounts still reach it) where /sys, /var/run/docker and /var/run/docker.sock are the
# engine's; sysfs shows the network namespace of whoever mounts it, hence nsenter first.
run_in() {
  [ $# -gt 0 ] || fail "run: no command"
  answers >/dev/null || fail "Docker 28 does not answer (scripts/engine28.sh ensure)"
  [ -e /run/docker.sock ] || : > /run/docker.sock
  mkdir -p /run/docker
  # shellcheck disable=SC2016
  exec nsenter --net="/run/netns/$netns" -- unshare --mount --propagation slave -- sh -c '
    set -e
    run_dir=$1 dir=$2 host_pid=$3; shift 3
    mkdir -p "$run_dir/cgroup"
    mount --rbind /sys/fs/cgroup "$run_dir/cgroup"
    mount -t sysfs sysfs /sys
    mount --move "$run_dir/cgroup" /sys/fs/cgroup
    mount --bind "$run_dir/exec" /run/docker
    mount --bind "$run_dir/docker.sock" /run/docker.sock
    # On its host the engine'"'"'s namespace is the host'"'"'s, not a named one: `ip netns` starts empty.
    mkdir -p /run/netns && mount -t tmpfs -o mode=755 netns /run/netns
    unset DOCKER_HOST DOCKER_CONTEXT
    # DNE_ENGINE_PIDFILE: which dockerd a test that stops the engine must stop.
    export PATH="$dir/root/usr/bin:$dir/root/usr/sbin:$PATH" DNE_ENGINE=28 DNE_ENGINE_PIDFILE="$run_dir/docker.pid" DNE_HOST_NS_PID="$host_pid"
    exec "$@"' engine28 "$run_dir" "$dir" "$PPID" "$@"
}

# Started or stopped from a command `run` started (a test restarting the engine it stopped): from
# the machine's own mount namespace, where the engine's sandbox mounts must be made.
# DNE_HOST_NS_PID is the process that ran `run` (it waits for it, in the machine's namespaces; PID 1's
# may not be enterable in a sandbox).
if [ "${DNE_ENGINE:-}" = 28 ] && [ "${1:-}" != run ] && [ -n "${DNE_HOST_NS_PID:-}" ] \
  && [ "$(readlink /proc/self/ns/mnt)" != "$(readlink "/proc/$DNE_HOST_NS_PID/ns/mnt")" ]; then
  rc=0
  nsenter --mount="/proc/$DNE_HOST_NS_PID/ns/mnt" --net="/proc/$DNE_HOST_NS_PID/ns/net" -- \
    env -u DNE_ENGINE -u DNE_HOST_NS_PID bash "$0" "$@" || rc=$?
  # A restarted engine made its socket anew: /var/run/docker.sock here must be bound to the new one.
  if [ -S "$sock" ]; then
    umount /run/docker.sock 2>/dev/null || true
    mount --bind "$sock" /run/docker.sock
  fi
  exit "$rc"
fi

case "${1:-}" in
  ensure) ensure ;;
  run) shift; run_in "$@" ;;
  stop) stop ;;
  version) answers ;;
  *) echo "usage: scripts/engine28.sh ensure|run CMD…|stop|version" >&2; exit 2 ;;
esac
