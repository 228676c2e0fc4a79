#!/usr/bin/env bash
# Runs the test tiers: scripts/test-all.sh [unit|engine|extension|e2e ...] (default: all four, in
# that order).
#   unit       plain node, no engine:        node --test out/test/unit/**/*.test.js
#   engine     against the real Docker engine (ensure-docker.sh first), one file at a time
#   extension  the extension-host mocha suite inside code-server (or desktop VS Code with
#              DNE_VSCODE=desktop), see test/harness/runExtensionTests.ts
#   e2e        the packaged VSIX in code-server, driven by Chromium, against the real engine
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

all_tiers=(unit engine extension e2e)
if [ $# -eq 0 ]; then tiers=("${all_tiers[@]}"); else tiers=("$@"); fi
for t in "${tiers[@]}"; do
  case "$t" in unit|engine|extension|e2e) ;; *) echo "test-all: unknown tier '$t' (use: ${all_tiers[*]})" >&2; exit 2 ;; esac
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
test_files() {
  [ -d "$1" ] || return 0
  local f rel
  while IFS= read -r f; do
    rel=${f#"$root"/out/}
    [ -f "$root/${rel%.js}.ts" ] && echo "$f"
  done < <(find "$1" -type f -name '*.test.js' | sort)
}

# Runs node's test runner on a tier's files; human output (spec) on stdout, TAP into a log to count.
run_node_tests() { # tier dir timeout-seconds engine(20.10|28|-) [extra node args...]
  local tier=$1 dir=$2 limit=$3 engine=$4; shift 4
  local files
  mapfile -t files < <(test_files "$dir")
  if [ ${#files[@]} -eq 0 ]; then cannot_run "$tier" "no *.test.js files under ${dir#"$root"/}"; return; fi
  local tap="$logs/$tier.tap"
  rm -f "$tap"
  on_engine "$engine" timeout --kill-after=30 "$limit" node --test "$@" \
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
      run_node_tests unit "$root/out/test/unit" 600 -
      ;;
    engine)
      for engine in "${engines[@]}"; do
        banner "tier: engine on Docker $engine"
        if ! ensure_engine "$engine"; then
          cannot_run "engine@$engine" "no Docker $engine engine (scripts/ensure-docker.sh or engine28.sh failed)"; continue
        fi
        run_node_tests "engine@$engine" "$root/out/test/engine" 1200 "$engine" --test-concurrency=1
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
      if [ -z "$(test_files "$root/out/test/e2e")" ]; then
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
      run_node_tests "e2e@$newest" "$root/out/test/e2e" 1800 "$newest" --test-concurrency=1
      ;;
  esac
done

banner "summary"
for s in "${summary[@]}"; do echo "  $s"; done
echo "$total_pass passed, $total_fail failed"
[ "$any_failed" = 0 ] && [ "$total_fail" = 0 ]
