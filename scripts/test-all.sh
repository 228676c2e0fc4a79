#!/usr/bin/env bash
# Runs the test tiers: scripts/test-all.sh [unit|engine|extension|e2e|podman ...] (default: all five,
# in that order).
#   unit       plain node, no engine:        node --test out/test/unit/**/*.test.js
#   engine     against the real Docker engine (ensure-docker.sh first), one file at a time
#   extension  the extension-host mocha suite inside code-server (or desktop VS Code with
#              DNE_VSCODE=desktop), see test/harness/runExtensionTests.ts
#   e2e        the packaged VSIX in code-server, driven by Chromium, against the real engine
#   podman     against Podman (Debian 12's podman, each file starting its own `podman system
#              service` on a private socket, test/support/podmanService.ts): every
#              out/test/engine/podman*.test.js and out/test/e2e/podman*.e2e.test.js, once, in the
#              machine's own namespaces (not in Docker 28's box: Podman's bridges, veths and
#              /run/netns are the machine's, and code-server runs there). Podman's test image comes
#              from Docker 20.10 (`docker save | podman load`), so that engine is made to answer
#              whatever DNE_ENGINES says. The engine and e2e tiers leave podman* files to this tier.
# Installs npm dependencies when node_modules is missing, builds (npm run build) and compiles the
# tests (tsc -p test/tsconfig.json) first.
# Engines (DNE_ENGINES, default "20.10 28"): the engine tier runs once per engine listed, against
# Debian 12's Docker 20.10 (the system's dockerd, scripts/ensure-docker.sh) and Docker 28.5
# (scripts/engine28.sh: Debian's current docker.io in a network namespace of its own, each with its
# own data root); the extension and e2e tiers against the newest one listed. DNE_ENGINES=28 (or
# 20.10) runs every tier on that engine alone.
# Under CI=true a tier that cannot run (no tests, missing tool, failed install) counts as a failure;
# elsewhere it is skipped with a loud message. Ends with one line "N passed, N failed" (all tiers)
# and exits non-zero when any tier failed. Logs: test-output/logs/.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# The Node package.json's engines.node asks for (>= 22.12, as mermaid declares): the one on PATH when
# it is recent enough, else Node 24 from the cache (scripts/ensure-node.sh), for npm ci and every tier.
if ! node_bin=$(bash scripts/ensure-node.sh); then
  echo "test-all: no Node >= 22.12 (scripts/ensure-node.sh failed)" >&2; echo "0 passed, 1 failed"; exit 1
fi
export PATH="$node_bin:$PATH"

read -r -a engines <<<"$(tr ',' ' ' <<<"${DNE_ENGINES:-20.10 28}")"
for e in "${engines[@]}"; do
  case "$e" in 20.10|28) ;; *) echo "test-all: unknown engine '$e' in DNE_ENGINES (use: 20.10 28)" >&2; exit 2 ;; esac
done
[ ${#engines[@]} -gt 0 ] || { echo "test-all: DNE_ENGINES lists no engine (use: 20.10 28)" >&2; exit 2; }
# The newest engine listed: the extension and e2e tiers run against it.
newest=${engines[0]}
for e in "${engines[@]}"; do [ "$e" = 28 ] && newest=28; done

all_tiers=(unit engine extension e2e podman)
if [ $# -eq 0 ]; then tiers=("${all_tiers[@]}"); else tiers=("$@"); fi
for t in "${tiers[@]}"; do
  case "$t" in unit|engine|extension|e2e|podman) ;; *) echo "test-all: unknown tier '$t' (use: ${all_tiers[*]})" >&2; exit 2 ;; esac
done

is_ci() { case "${CI:-}" in true|TRUE|True|1|yes) return 0 ;; *) return 1 ;; esac; }
logs="$root/test-output/logs"
mkdir -p "$logs"

total_pass=0
total_fail=0
any_failed=0
summary=()

banner() { printf '\n==== %s ====\n' "$*"; }

record() { # tier pass fail status
  total_pass=$((total_pass + $2))
  total_fail=$((total_fail + $3))
  summary+=("$(printf '%-14s %-8s %s passed, %s failed' "$1" "$4" "$2" "$3")")
  [ "$4" = ok ] || [ "$4" = skipped ] || any_failed=1
}

# A tier that cannot run: a failure under CI, a loud skip elsewhere.
cannot_run() { # tier reason
  if is_ci; then
    echo "test-all: FAIL: tier '$1' cannot run: $2 (CI=true: this is a failure)" >&2
    record "$1" 0 1 FAILED
  else
    printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
    printf '!!! SKIPPED tier %s: %s\n' "$1" "$2" >&2
    printf '!!! (under CI=true this would be a failure)\n' >&2
    printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' >&2
    record "$1" 0 0 skipped
  fi
}

# Test files of a tier (explicit list: `node --test <dir>` discovery differs between Node versions).
# Only compiled files whose TypeScript source still exists count (out/ may hold stale files of
# deleted or renamed tests; out/ is not cleaned because other runs may be using it).
# `only`: the files whose name matches this glob (default: every *.test.js); `except`: leave out
# the files whose name matches this glob (the podman tier's podman* files, from the others).
test_files() { # dir [only-glob] [except-glob]
  [ -d "$1" ] || return 0
  local f rel
  while IFS= read -r f; do
    rel=${f#"$root"/out/}
    [ -f "$root/${rel%.js}.ts" ] && echo "$f"
  done < <(find "$1" -type f -name "${2:-*.test.js}" ! -name "${3:-.none}" | sort)
}
PODMAN_ENGINE_GLOB='podman*.test.js'
PODMAN_E2E_GLOB='podman*.e2e.test.js'

# Runs node's test runner on a tier's files; human output (spec) on stdout, TAP into a log to count.
run_node_tests() { # tier timeout-seconds engine(20.10|28|-) [extra node args...] -- files...
  local tier=$1 limit=$2 engine=$3; shift 3
  local node_args=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do node_args+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  local files=("$@")
  if [ ${#files[@]} -eq 0 ]; then cannot_run "$tier" "no test files"; return; fi
  local tap="$logs/$tier.tap"
  rm -f "$tap"
  on_engine "$engine" timeout --kill-after=30 "$limit" node --test "${node_args[@]}" \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" \
    "${files[@]}" 2>&1 | tee "$logs/$tier.log"
  local rc=${PIPESTATUS[0]}
  local pass fail cancelled
  pass=$(grep -E '^# pass [0-9]+' "$tap" 2>/dev/null | tail -1 | awk '{print $3}')
  fail=$(grep -E '^# fail [0-9]+' "$tap" 2>/dev/null | tail -1 | awk '{print $3}')
  cancelled=$(grep -E '^# cancelled [0-9]+' "$tap" 2>/dev/null | tail -1 | awk '{print $3}')
  pass=${pass:-0}; fail=$(( ${fail:-0} + ${cancelled:-0} ))
  [ "$rc" = 124 ] && echo "test-all: tier '$tier' timed out after ${limit}s" >&2
  if [ "$rc" != 0 ] && [ "$fail" = 0 ]; then fail=1; fi   # crashed or timed out without a count
  if [ "$rc" = 0 ] && [ "$fail" = 0 ]; then record "$tier" "$pass" 0 ok; else record "$tier" "$pass" "$fail" FAILED; fi
}

# Makes sure an engine answers (starting it when needed): the system's 20.10, or Docker 28 beside it.
ensure_engine() { # engine
  if [ "$1" = 28 ]; then
    quiet_step ensure-docker "$logs/ensure-docker.log" bash scripts/ensure-docker.sh \
      && quiet_step engine28 "$logs/engine28.log" bash scripts/engine28.sh ensure
  else
    quiet_step ensure-docker "$logs/ensure-docker.log" bash scripts/ensure-docker.sh
  fi
}

# Runs a command where the engine is the local one (Docker 28: inside its namespace, see engine28.sh).
on_engine() { # engine command...
  local engine=$1; shift
  if [ "$engine" = 28 ]; then bash scripts/engine28.sh run "$@"; else "$@"; fi   # 20.10, or - (no engine)
}

quiet_step() { # label log command...
  local label=$1 log=$2; shift 2
  if "$@" >"$log" 2>&1; then return 0; fi
  echo "test-all: $label failed (log: ${log#"$root"/}):" >&2
  tail -n 30 "$log" >&2
  return 1
}

# ---- dependencies and build -------------------------------------------------------------------
if [ ! -d node_modules ] || [ ! -x node_modules/.bin/tsc ]; then
  banner "npm ci"
  npm ci --no-audit --no-fund || { echo "test-all: npm ci failed" >&2; echo "0 passed, 1 failed"; exit 1; }
fi
banner "build"
if ! npm run build --silent; then
  echo "test-all: npm run build failed" >&2; echo "0 passed, 1 failed"; exit 1
fi
if ! npx tsc -p test/tsconfig.json; then
  echo "test-all: tsc -p test/tsconfig.json failed" >&2; echo "0 passed, 1 failed"; exit 1
fi
# esbuild does not type-check: the webview scripts get their own strict check (DOM lib).
if ! npx tsc --noEmit -p webview; then
  echo "test-all: tsc --noEmit -p webview failed" >&2; echo "0 passed, 1 failed"; exit 1
fi

# ---- tiers --------------------------------------------------------------------------------------
for tier in "${tiers[@]}"; do
  banner "tier: $tier"
  case "$tier" in
    unit)
      mapfile -t files < <(test_files "$root/out/test/unit")
      [ ${#files[@]} -gt 0 ] || { cannot_run unit "no *.test.js files under out/test/unit"; continue; }
      run_node_tests unit 600 - -- "${files[@]}"
      ;;
    engine)
      # The podman* files are the podman tier's (run once, on the machine).
      mapfile -t files < <(test_files "$root/out/test/engine" '*.test.js' "$PODMAN_ENGINE_GLOB")
      for engine in "${engines[@]}"; do
        banner "tier: engine on Docker $engine"
        if ! ensure_engine "$engine"; then
          cannot_run "engine@$engine" "no Docker $engine engine (scripts/ensure-docker.sh or engine28.sh failed)"; continue
        fi
        if [ ${#files[@]} -eq 0 ]; then cannot_run "engine@$engine" "no *.test.js files under out/test/engine"; continue; fi
        run_node_tests "engine@$engine" 1200 "$engine" --test-concurrency=1 -- "${files[@]}"
      done
      ;;
    extension)
      if [ -z "$(test_files "$root/out/test/extension")" ]; then
        cannot_run extension "no *.test.js files under out/test/extension"; continue
      fi
      banner "tier: extension on Docker $newest"
      if ! ensure_engine "$newest"; then
        cannot_run "extension@$newest" "no Docker $newest engine (scripts/ensure-docker.sh or engine28.sh failed)"; continue
      fi
      if [ "${DNE_VSCODE:-}" != desktop ]; then
        if ! quiet_step ensure-system "$logs/ensure-system.log" bash scripts/ensure-system.sh \
          || ! quiet_step ensure-code-server "$logs/ensure-code-server.log" bash scripts/ensure-code-server.sh; then
          cannot_run "extension@$newest" "code-server or Chromium could not be installed"; continue
        fi
      fi
      on_engine "$newest" timeout --kill-after=30 900 node out/test/harness/runExtensionTests.js 2>&1 | tee "$logs/extension.log"
      rc=${PIPESTATUS[0]}
      line=$(grep -E '^extension: [0-9]+ passed, [0-9]+ failed' "$logs/extension.log" | tail -1)
      pass=$(sed -E 's/^extension: ([0-9]+) passed.*/\1/' <<<"$line"); pass=${pass:-0}
      fail=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line"); fail=${fail:-0}
      [ -n "$line" ] || echo "test-all: the extension suite printed no 'extension: N passed, N failed' line" >&2
      if [ "$rc" != 0 ] && [ "$fail" = 0 ]; then fail=1; fi
      if [ "$rc" = 0 ] && [ -n "$line" ] && [ "$fail" = 0 ]; then record "extension@$newest" "$pass" 0 ok
      else record "extension@$newest" "$pass" "$fail" FAILED; fi
      ;;
    e2e)
      # The podman* files are the podman tier's.
      mapfile -t files < <(test_files "$root/out/test/e2e" '*.test.js' "$PODMAN_E2E_GLOB")
      if [ ${#files[@]} -eq 0 ]; then
        cannot_run e2e "no *.test.js files under out/test/e2e"; continue
      fi
      banner "tier: e2e on Docker $newest"
      if ! quiet_step ensure-system "$logs/ensure-system.log" bash scripts/ensure-system.sh \
        || ! ensure_engine "$newest" \
        || ! quiet_step ensure-code-server "$logs/ensure-code-server.log" bash scripts/ensure-code-server.sh; then
        cannot_run "e2e@$newest" "Docker $newest, code-server or Chromium could not be installed"; continue
      fi
      if [ ! -x "${DNE_CHROMIUM:-/usr/bin/chromium}" ]; then cannot_run "e2e@$newest" "no Chromium at ${DNE_CHROMIUM:-/usr/bin/chromium}"; continue; fi
      # The topology e2e uses the labs' names (devops, AppDev), as `npm run demo` does: a demo topology
      # left on this engine would collide with it, so it is removed first (it is ours: labelled dne.demo=1;
      # `npm run demo` makes it again).
      demo_left=$(on_engine "$newest" sh -c 'docker ps -aq --filter label=dne.demo=1; docker network ls -q --filter label=dne.demo=1')
      if [ -n "$demo_left" ]; then
        echo "test-all: removing the demo topology left on this engine (scripts/demo.sh --clean)"
        on_engine "$newest" bash scripts/demo.sh --clean || { cannot_run "e2e@$newest" "the demo topology could not be removed"; continue; }
      fi
      # One VSIX for every e2e file (each would otherwise package its own).
      if [ -z "${DNE_E2E_VSIX:-}" ]; then
        if quiet_step package "$logs/package.log" node scripts/package.mjs "$root/test-output/e2e.vsix"; then
          export DNE_E2E_VSIX="$root/test-output/e2e.vsix"
        else
          cannot_run "e2e@$newest" "the VSIX could not be packaged"; continue
        fi
      fi
      run_node_tests "e2e@$newest" 1800 "$newest" --test-concurrency=1 -- "${files[@]}"
      ;;
    podman)
      mapfile -t files < <(test_files "$root/out/test/engine" "$PODMAN_ENGINE_GLOB"; test_files "$root/out/test/e2e" "$PODMAN_E2E_GLOB")
      if [ ${#files[@]} -eq 0 ]; then
        cannot_run podman "no $PODMAN_ENGINE_GLOB under out/test/engine nor $PODMAN_E2E_GLOB under out/test/e2e"; continue
      fi
      banner "tier: podman (on this machine; its test image from Docker 20.10)"
      if ! quiet_step ensure-system "$logs/ensure-system.log" bash scripts/ensure-system.sh; then
        cannot_run podman "Podman, code-server's build headers or Chromium could not be installed"; continue
      fi
      if ! command -v podman >/dev/null 2>&1; then cannot_run podman "no podman on PATH"; continue; fi
      if ! ensure_engine 20.10; then
        cannot_run podman "no Docker 20.10 engine to take the test image from (scripts/ensure-docker.sh failed)"; continue
      fi
      if printf '%s\n' "${files[@]}" | grep -q '\.e2e\.test\.js$'; then
        if ! quiet_step ensure-code-server "$logs/ensure-code-server.log" bash scripts/ensure-code-server.sh; then
          cannot_run podman "code-server could not be installed"; continue
        fi
        if [ ! -x "${DNE_CHROMIUM:-/usr/bin/chromium}" ]; then cannot_run podman "no Chromium at ${DNE_CHROMIUM:-/usr/bin/chromium}"; continue; fi
        if [ -z "${DNE_E2E_VSIX:-}" ]; then
          if quiet_step package "$logs/package.log" node scripts/package.mjs "$root/test-output/e2e.vsix"; then
            export DNE_E2E_VSIX="$root/test-output/e2e.vsix"
          else
            cannot_run podman "the VSIX could not be packaged"; continue
          fi
        fi
      fi
      run_node_tests podman 1500 - --test-concurrency=1 -- "${files[@]}"
      ;;
  esac
done

banner "summary"
for s in "${summary[@]}"; do echo "  $s"; done
echo "$total_pass passed, $total_fail failed"
[ "$any_failed" = 0 ] && [ "$total_fail" = 0 ]
