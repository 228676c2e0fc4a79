#!/usr/bin/env bash
# npm run demo: builds and packages the extension, starts the Docker engine, creates a small demo
# topology (from the French labs), installs the VSIX into a private code-server and serves it on
# http://127.0.0.1:${PORT:-8080}/ until Ctrl-C.
#
# Demo topology (all labelled dne.demo=1; re-running reuses what exists):
#   network devops  bridge
#   network prod    bridge, subnet ${DEMO_PROD_SUBNET:-172.28.10.0/24}
#   AppDev          on devops
#   AppProd         on prod, and on devops with the alias "api"
# PORT chooses the port (default 8080), e.g. PORT=8094 npm run demo.
# Remove it with: scripts/demo.sh --clean (the demo's containers and networks, its code-server if it
# still serves, and every folder the demo made: code-server's settings, extensions and workspace, the VSIX).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cache=${DNE_CACHE:-$HOME/.cache/docker-network-explorer}
# The Node package.json's engines.node asks for (>= 22.12): the one on PATH, else Node 24 from the cache.
PATH="$(bash scripts/ensure-node.sh):$PATH"
export PATH
port=${PORT:-8080}
host=${HOST:-127.0.0.1}
label=dne.demo=1
image=local/busybox:latest
subnet=${DEMO_PROD_SUBNET:-172.28.10.0/24}

# code-server's settings, extensions, workspace and sockets for the demo (DNE_DEMO_STATE: elsewhere).
state=${DNE_DEMO_STATE:-$cache/demo}
# The VSIX the demo packages (none with DNE_DEMO_VSIX: that one is someone else's).
demo_vsix="$root/test-output/docker-network-explorer-demo.vsix"

descendants() { # pid: its children, grandchildren…
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$child"; descendants "$child"; done
}
alive() { # "pid pid…": whether any of them still runs
  local each
  for each in $1; do kill -0 "$each" 2>/dev/null && return 0; done
  return 1
}
# The demo's code-server when it still serves: the pid written before exec, trusted only when that
# process still runs with the demo's user-data dir (a pid may be reused).
stop_code_server() {
  local pid pids
  pid=$(cat "$state/code-server.pid" 2>/dev/null) || return 0
  case "$pid" in ''|*[!0-9]*) return 0 ;; esac
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--user-data-dir $state/user-data" || return 0
  pids="$pid $(descendants "$pid")"
  kill $pids 2>/dev/null || true
  for _ in $(seq 1 50); do alive "$pids" || break; sleep 0.1; done
  if alive "$pids"; then kill -9 $pids 2>/dev/null || true; fi
  echo "demo: stopped its code-server (pid $pid)"
}
clean() {
  local ids
  stop_code_server
  ids=$(docker ps -aq --filter "label=$label")
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
  ids=$(docker network ls -q --filter "label=$label")
  [ -z "$ids" ] || docker network rm $ids >/dev/null
  echo "demo: removed the demo containers and networks"
  rm -rf "$state" "$demo_vsix"
  echo "demo: removed $state and $demo_vsix"
}
if [ "${1:-}" = "--clean" ]; then clean; exit 0; fi

# ---- build and package ------------------------------------------------------------------------
if [ -n "${DNE_DEMO_VSIX:-}" ]; then
  vsix=$(cd "$(dirname "$DNE_DEMO_VSIX")" && pwd)/$(basename "$DNE_DEMO_VSIX")   # a VSIX built elsewhere
else
  if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
  npm run build --silent
  [ -f dist/extension.js ] || { echo "demo: the build did not produce dist/extension.js" >&2; exit 1; }
  mkdir -p test-output
  vsix=$demo_vsix
  rm -f "$vsix"
  node scripts/package.mjs "$vsix" >/dev/null
  echo "demo: packaged $vsix"
fi

# ---- engine and topology ----------------------------------------------------------------------
bash scripts/ensure-docker.sh

ensure_network() { # name [create args...]
  local name=$1; shift
  if ! docker network inspect "$name" >/dev/null 2>&1; then
    docker network create --label "$label" "$@" "$name" >/dev/null
    echo "demo: created network $name"
  fi
}
ensure_container() { # name network [alias]
  local name=$1 net=$2
  if ! docker container inspect "$name" >/dev/null 2>&1; then
    docker run -d --name "$name" --hostname "$name" --label "$label" --network "$net" "$image" sleep 100000 >/dev/null
    echo "demo: started $name on $net"
  elif [ "$(docker container inspect -f '{{.State.Running}}' "$name")" != true ]; then
    docker start "$name" >/dev/null
    echo "demo: restarted $name"
  fi
}
ensure_connected() { # container network alias
  local nets
  nets=$(docker container inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "$1")
  case " $nets " in
    *" $2 "*) ;;
    *) docker network connect --alias "$3" "$2" "$1"; echo "demo: connected $1 to $2 as $3" ;;
  esac
}

ensure_network devops --driver bridge
ensure_network prod --driver bridge --subnet "$subnet"
ensure_container AppDev devops
ensure_container AppProd prod
ensure_connected AppProd devops api

# ---- code-server --------------------------------------------------------------------------------
bash scripts/ensure-system.sh
bin=$(bash scripts/ensure-code-server.sh --print-bin)
workspace="$state/workspace"
mkdir -p "$state/user-data/User" "$state/extensions" "$state/xdg/config" "$state/xdg/data" "$state/xdg/cache" "$workspace"
mkdir -p -m 700 "$state/run"
cat >"$state/user-data/User/settings.json" <<'EOF'
{
  "workbench.startupEditor": "none",
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "chat.disableAIFeatures": true,
  "chat.commandCenter.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "window.commandCenter": false,
  "git.openRepositoryInParentFolders": "never",
  "workbench.colorTheme": "Default Dark Modern"
}
EOF
[ -f "$workspace/README.md" ] || cat >"$workspace/README.md" <<'EOF'
# Docker Network Explorer demo

Open the **Docker Networks** view in the activity bar. The demo created:

- network `devops` (bridge) with `AppDev`, and `AppProd` under the alias `api`
- network `prod` (bridge, own subnet) with `AppProd`

Try `docker network disconnect devops AppProd` in a terminal and watch the tree update.
EOF

# Its sockets (vscode-ipc-*.sock, vscode-git-*.sock) go to $state/run, not /tmp: --clean removes them.
export XDG_CONFIG_HOME="$state/xdg/config" XDG_DATA_HOME="$state/xdg/data" XDG_CACHE_HOME="$state/xdg/cache"
export XDG_RUNTIME_DIR="$state/run" TMPDIR="$state/run"
unset PASSWORD HASHED_PASSWORD VSCODE_IPC_HOOK_CLI
"$bin" --extensions-dir "$state/extensions" --user-data-dir "$state/user-data" --install-extension "$vsix" --force >/dev/null

echo
echo "demo: Docker Network Explorer in code-server: http://$host:$port/?folder=$workspace"
echo "demo: Ctrl-C to stop (the demo topology stays; remove it with: bash scripts/demo.sh --clean)"
echo
# exec keeps this pid: --clean stops this code-server by it.
echo $$ >"$state/code-server.pid"
exec "$bin" --auth none --bind-addr "$host:$port" \
  --user-data-dir "$state/user-data" --extensions-dir "$state/extensions" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  "$workspace"
