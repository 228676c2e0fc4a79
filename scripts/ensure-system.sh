#!/usr/bin/env bash
# Installs the Debian packages the demo and the test tiers need (Docker engine, busybox for the
# local test image, iproute2 tools, Chromium, and the headers code-server's native modules build
# against). Idempotent: does nothing when everything is already there. Needs root for apt-get.
set -euo pipefail

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v iptables >/dev/null 2>&1 || need+=(iptables)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v nsenter >/dev/null 2>&1 || need+=(util-linux)
# nft: the doctor reads native nftables tables (Docker 29's nftables backend, firewalld) and its
# engine test makes one.
command -v nft >/dev/null 2>&1 || need+=(nftables)
# A private sshd and a TLS terminator in front of the engine (the SSH and TLS engine tests).
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
# ssh itself: `ssh -G` is the reference the ssh_config resolver is tested against.
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v socat >/dev/null 2>&1 || need+=(socat)
# tcpdump: Capture Packets and the CLI's `capture` run the host's tcpdump in the target's namespace.
[ -x /usr/bin/tcpdump ] || [ -x /usr/sbin/tcpdump ] || need+=(tcpdump)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# Podman serving the Docker-compatible API (the Podman engine tests start their own `podman system service`).
command -v podman >/dev/null 2>&1 || need+=(podman)
# Rootless Podman (test/engine/podmanRootless.test.ts): newuidmap/newgidmap for the user's subordinate
# ids, slirp4netns for its user-mode networks. Not passt: Podman 4.3 has no pasta network mode (4.4 added it).
command -v newuidmap >/dev/null 2>&1 || need+=(uidmap)
command -v slirp4netns >/dev/null 2>&1 || need+=(slirp4netns)
for dev in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev; do
  dpkg -s "$dev" >/dev/null 2>&1 || need+=("$dev")
done

# slirp4netns opens /dev/net/tun as the user: Debian's udev makes it 0666; some VMs leave it 0600 (root only).
if [ -c /dev/net/tun ] && [ "$(stat -c %a /dev/net/tun)" != "666" ] && [ "$(id -u)" = "0" ]; then
  chmod 0666 /dev/net/tun
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "ensure-system: missing Debian packages: ${need[*]} (run as root, or install them yourself)" >&2
  exit 1
fi
echo "ensure-system: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
# Installing openssh-server must not start the system sshd: the tests run their own on 127.0.0.1.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
