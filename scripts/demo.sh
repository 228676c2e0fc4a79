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
# Remove it with: scripts/demo.sh --clean
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

clean() {
  local ids
  ids=$(docker ps -aq --filter "label=$label")
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
  ids=$(docker network ls -q --filter "label=$label")
  [ -z "$ids" ] || docker network rm $ids >/dev/null
  echo "demo: removed the demo containers and networks"
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
  vsix="$root/test-output/docker-network-explorer-demo.vsix"
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
state="$cache/demo"
workspace="$state/workspace"
mkdir -p "$state/user-data/User" "$state/extensions" "$state/xdg/config" "$state/xdg/data" "$state/xdg/cache" "$workspace"
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

export XDG_CONFIG_HOME="$state/xdg/config" XDG_DATA_HOME="$state/xdg/data" XDG_CACHE_HOME="$state/xdg/cache"
unset PASSWORD HASHED_PASSWORD VSCODE_IPC_HOOK_CLI
"$bin" --extensions-dir "$state/extensions" --user-data-dir "$state/user-data" --install-extension "$vsix" --force >/dev/null

echo
echo "demo: Docker Network Explorer in code-server: http://$host:$port/?folder=$workspace"
echo "demo: Ctrl-C to stop (the demo topology stays; remove it with: bash scripts/demo.sh --clean)"
echo
exec "$bin" --auth none --bind-addr "$host:$port" \
  --user-data-dir "$state/user-data" --extensions-dir "$state/extensions" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  "$workspace"
