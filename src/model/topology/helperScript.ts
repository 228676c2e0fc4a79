/**
 * The helper observation level's reader: the shell script an observation helper container runs on
 * the engine's host (busybox `sh`), and the argument array that carries the only engine-derived
 * values (the namespace folders) to it. Pure: the container is run by src/engine/helperObservation.ts
 * and its output read by helperReadout.ts.
 *
 * Engine values never go into the script text: it is a constant, and the folders are its
 * arguments, each checked by type first (observeNetnsDirs).
 *
 * What it prints (one tagged line per fact; helperReadout.ts reads it back):
 *   dne-observe 1                        the format's version, first
 *   N <inode> host                       the host namespace begins (the helper's own: --network=host)
 *   N <inode> <folder> <file>            another namespace begins (a file of one of the folders)
 *   L <name> <ifindex> <iflink> <address> <mtu> <operstate> <type> <devtype> <port_no> <device 0|1>
 *                                        one interface of its /sys/class/net (`-`: absent)
 *   M <port> <master>                    the interface's master (a bridge's brif/, or its master link)
 *   F <bridge> … F.                      the bridge's brforward, as `od -An -v -tx1` prints it
 *   A … A.                               `ip -o addr show` in that namespace (a namespace entered)
 *   Q <pid>                              the namespace is read through that process (its addresses
 *                                        come in the G section)
 *   G … G.                               `grep -H` of those pids' /proc/<pid>/net route, if_inet6 and
 *                                        fib_trie's local addresses: one process for them all
 *   Z <status>                           the namespace ends (0: read whole)
 *   R <line>, R6 <line>                  the host's /proc/net/route and ipv6_route
 *   W <word> <detail>                    something could not be done (the read goes on)
 *   E                                    the end: everything was printed
 */
import { isSafePid } from '../engineValues';
import type { SandboxInfo } from './facts';

/** Where Docker keeps its namespaces (sandboxes, overlay 1-<id>, ingress_sbox, lb_<id>) by default. */
export const DEFAULT_NETNS_DIR = '/var/run/docker/netns';
/** Where `ip netns add` keeps its named namespaces (/run is /var/run on every current distribution). */
export const NAMED_NETNS_DIRS: readonly string[] = ['/var/run/netns', '/run/netns'];

/** An absolute folder: letters, digits, `._-/` only, no `..` part, no longer than 1024. */
export function isNetnsDir(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= 1024 &&
    /^\/[A-Za-z0-9._/-]+$/.test(value) &&
    !value.split('/').some((part) => part === '..' || part === '.')
  );
}

/**
 * The folders whose namespace files the helper reads: the folder of each container's sandbox
 * (SandboxKey; an engine started with its own --exec-root keeps them elsewhere than Docker's
 * default), Docker's default folder only when no sandbox names one (a host may run another engine
 * whose namespaces the default folder holds), then the named namespaces' folder. Checked by type;
 * one that fails is left out.
 */
export function observeNetnsDirs(sandboxes: readonly SandboxInfo[]): string[] {
  const dirs: string[] = [];
  for (const sandbox of sandboxes) {
    const dir = sandbox.sandboxKey?.slice(0, sandbox.sandboxKey.lastIndexOf('/'));
    if (dir !== undefined && isNetnsDir(dir) && !dirs.includes(dir)) {
      dirs.push(dir);
    }
  }
  if (dirs.length === 0) {
    dirs.push(DEFAULT_NETNS_DIR);
  }
  return [...dirs, NAMED_NETNS_DIRS[0]];
}

/**
 * The readers, as shell functions (no single quote in them: the script holds them in one).
 * - `links ROOT`: every interface of the sysfs mounted at ROOT, its files read with the shell's own
 *   `read` (no process per file); a bridge's forwarding database with one `od`.
 * - `same SYS DEV`: the sysfs at SYS lists exactly the interfaces of that /proc/<pid>/net/dev.
 */
const FUNCTIONS = `links() {
  for p in "$1"/class/net/*; do
    i=\${p##*/}; x=; y=; a=; u=; o=; t=; v=; q=; e=0
    read -r x < "$p/ifindex" || continue
    read -r y < "$p/iflink"; read -r a < "$p/address"; read -r u < "$p/mtu"
    read -r o < "$p/operstate"; read -r t < "$p/type"
    while read -r l; do case $l in DEVTYPE=*) v=\${l#DEVTYPE=};; esac; done < "$p/uevent"
    if [ -e "$p/brport" ]; then read -r q < "$p/brport/port_no"; elif [ -e "$p/master" ]; then l=$($b readlink "$p/master") && printf "M %s %s\\n" "$i" "\${l##*/}"; fi
    if [ -e "$p/device/uevent" ]; then l=; read -r l < "$p/device/uevent"; [ -n "$l" ] && e=1; fi
    printf "L %s %s %s %s %s %s %s %s %s %s\\n" "$i" "\${x:--}" "\${y:--}" "\${a:--}" "\${u:--}" "\${o:--}" "\${t:--}" "\${v:--}" "\${q:--}" "$e"
    if [ -e "$p/bridge" ]; then
      for q in "$p"/brif/*; do [ -e "$q" ] && printf "M %s %s\\n" "\${q##*/}" "$i"; done
      printf "F %s\\n" "$i"; $b od -An -v -tx1 "$p/brforward"; echo F.
    fi
  done
}
same() {
  [ -d "$1/class/net" ] || return 1
  k=0; ds=" "
  while read -r l; do case $l in *:*) ds="$ds\${l%%:*} "; k=$((k+1));; esac; done < "$2" || return 1
  for p in "$1"/class/net/*; do case $ds in *" \${p##*/} "*) k=$((k-1));; *) return 1;; esac; done
  [ $k -eq 0 ]
}
`;

/**
 * Inside one namespace entered with nsenter (`$1`: an empty folder to mount on, `$2`: `busybox` or
 * empty): a fresh sysfs mounted there shows this namespace's interfaces (sysfs shows the network
 * namespace of whoever mounts it); its addresses with `ip -o addr` (exact: the kernel names the
 * interface of each address, down ones included).
 */
const ENTERED = `d=$1; b=$2
$b mount -t sysfs sysfs "$d" || exit 3
links "$d"
$b umount "$d"
echo A; $b ip -o addr show; echo A.`;

/**
 * The whole read (`$@`: the namespace folders, absolute, and the containers' pids; none: the host
 * namespace alone). The host: its sysfs and `ip -o addr`. The host's files are reached through
 * /proc/$PPID/root: the helper's parent is its container's shim, which lives in the host's file
 * system (the engine's view of the sandbox paths), where /proc/1/root may be closed (a micro-VM's
 * init). Run by `docker exec` in a kept helper, the script's parent is not the shim (runc, which
 * may already be gone): an `@<pid>` argument names the helper's main process (its host pid, from
 * the engine's inspect) and the root is its parent's, the shim's, as for the main process. A folder's symbolic links (/var/run -> /run) are followed inside that root (hostpath),
 * never in the helper's own. Each namespace file is read once (by inode; the host's is the
 * helper's own, so a named file for it is skipped; what was seen, and which pid runs in which
 * namespace, are files named by inode: a lookup in a long shell string is quadratic in busybox's
 * sh), and only when it is a mounted namespace (its
 * device is nsfs', as /proc/self/ns/net's): a file of a namespace already gone is passed over.
 *
 * Speed (150 containers): a namespace where one of the given pids runs is read through that
 * process, without a process of the helper's: its container's own sysfs (/proc/<pid>/root/sys,
 * which the runtime mounted inside that namespace; checked against its /proc/<pid>/net/dev) and
 * its /proc/<pid>/net (three `grep` for all of them at the end). The others (overlay, ingress, load balancer, named, a container whose /sys
 * is not its own) are entered with nsenter: a few processes each. The lines go to a file first and
 * out in one `cat`: a write per line to the container's stdout wakes the engine's shim each time.
 */
const OBSERVER = `b=; command -v busybox >/dev/null 2>&1 && b=busybox
m=/tmp/dne-observe-$$; R=/proc/$PPID/root
r='${FUNCTIONS}'
w='${ENTERED}'
eval "$r"
echo "dne-observe 1"
$b mkdir -p "$m" "$m.d" || { echo "W mkdir $m"; echo E; exit 0; }
{
x=$($b stat -L -c "%d %i" /proc/self/ns/net); hd=\${x% *}; h=\${x#* }
echo "N $h host"; $b sh -c "$r$w" dne-read "$m" "$b"; echo "Z $?"
while read -r l; do echo "R $l"; done < /proc/self/net/route
while read -r l; do echo "R6 $l"; done < /proc/self/net/ipv6_route
hostpath() {
  o=; p=$1; k=0
  while [ -n "$p" ]; do
    c=\${p%%/*}; if [ "$c" = "$p" ]; then p=; else p=\${p#*/}; fi
    case $c in ""|.) continue;; ..) o=\${o%/*}; continue;; esac
    if [ -L "$R$o/$c" ]; then
      k=$((k+1)); [ $k -gt 20 ] && return 1
      l=$($b readlink "$R$o/$c") || return 1
      case $l in /*) o=;; esac; p=$l/$p
    else o=$o/$c; fi
  done
  echo "$o"
}
D=; P=; FQ=; HP=
for x; do case $x in /*) D="$D $x";; @[1-9]*) HP=\${x#@};; [1-9]*) P="$P /proc/$x/ns/net";; esac; done
if [ -n "$HP" ]; then
  while read -r k v; do [ "$k" = "PPid:" ] && R=/proc/$v/root; done < /proc/$HP/status
fi
if [ -n "$P" ]; then
  $b stat -L -c "%i %n" $P > "$m.p" 2>/dev/null
  while read -r x y; do y=\${y#/proc/}; echo "\${y%%/*}" > "$m.d/p$x"; done < "$m.p"
fi
if [ -n "$D" ] && ! (cd "$R/") 2>/dev/null; then
  R=/proc/1/root; (cd "$R/") 2>/dev/null || { echo "W hostRoot $PPID"; D=; }
fi
: > "$m.d/s$h"
for NA in $D; do
  f=$(hostpath "$NA") || { echo "W path $NA"; continue; }
  [ -d "$R$f" ] || continue
  $b stat -L -c "%d %i %n" "$R$f"/* > "$m.s" 2>/dev/null
  while read -r NV NI NN; do
    [ "$NV" = "$hd" ] || continue
    [ -e "$m.d/s$NI" ] && continue
    : > "$m.d/s$NI"
    echo "N $NI $NA \${NN##*/}"
    NQ=; [ -e "$m.d/p$NI" ] && read -r NQ < "$m.d/p$NI"
    if [ -n "$NQ" ] && same "/proc/$NQ/root/sys" "/proc/$NQ/net/dev"; then
      echo "Q $NQ"; links "/proc/$NQ/root/sys"; echo "Z 0"; FQ="$FQ $NQ"
    else
      $b nsenter --net="$NN" -- $b sh -c "$r$w" dne-read "$m" "$b"; echo "Z $?"
    fi
  done < "$m.s"
done
if [ -n "$FQ" ]; then
  F4=; FF=; F6=
  for x in $FQ; do F4="$F4 /proc/$x/net/route"; FF="$FF /proc/$x/net/fib_trie"; F6="$F6 /proc/$x/net/if_inet6"; done
  echo G; $b grep -H "" $F4 $F6 2>/dev/null; $b grep -H -B1 "host LOCAL" $FF 2>/dev/null; echo G.
fi
} > "$m.out"
$b cat "$m.out"
echo E`;

if (FUNCTIONS.includes("'") || ENTERED.includes("'")) {
  throw new Error('the namespace readers must hold no single quote');
}

/** The observation helper's script (for the consent modal and the tests: it is what runs). */
export const OBSERVE_SCRIPT = OBSERVER;

/** `$0` of the script: names it in the helper's process list. */
export const OBSERVE_SCRIPT_NAME = 'dne-observe';

/** The running containers' pids, checked by type, each once (the script reads a namespace through one of them). */
export function observePids(sandboxes: readonly SandboxInfo[]): string[] {
  return [...new Set(sandboxes.map((sandbox) => sandbox.pid).filter(isSafePid))].map(String);
}

/**
 * The helper's command: the script, then the folders it reads and the pids (none: the host
 * namespace only). `helperPid`: the host pid of the helper's main process, when the script is run
 * beside it (`docker exec`): the host's root is then found through that process's parent.
 */
export function observeArgv(sandboxes: readonly SandboxInfo[], hostOnly = false, helperPid?: number): string[] {
  const root = !hostOnly && isSafePid(helperPid) ? [`@${helperPid}`] : [];
  return ['sh', '-c', OBSERVE_SCRIPT, OBSERVE_SCRIPT_NAME, ...(hostOnly ? [] : [...observeNetnsDirs(sandboxes), ...observePids(sandboxes), ...root])];
}

/**
 * What a kept helper runs through `docker exec` for each read: the same script, its stderr kept in a
 * file (exec merges stderr into the output, where it would be read as lines of the readout) and
 * printed after the end line as `X <line>` (its last 4 KiB; the parser stops at the end line),
 * then its working files removed (the helper lives on; one-shot helpers go with their files; an
 * image may have no /tmp: it is made first). The
 * sysfs mount point is removed with rmdir only: never a recursive removal where a sysfs may still be
 * mounted. (`KE`: a name the reader's own variables do not use; its `e` is an interface's flag.)
 */
export const KEPT_OBSERVE_SCRIPT = `b=; command -v busybox >/dev/null 2>&1 && b=busybox
$b mkdir -p /tmp; KE=/tmp/dne-observe-$$.err; exec 3>&2 2>"$KE"
${OBSERVER}
exec 2>&3 3>&-
[ -s "$KE" ] && $b tail -c 4096 "$KE" | while read -r l; do echo "X $l"; done
$b rm -rf "$m.d" "$m.out" "$m.s" "$m.p" "$KE"; $b rmdir "$m" 2>/dev/null; :`;

/** A kept helper's main process: it only waits (busybox `sleep`), at most `seconds`, so a helper whose client vanished ends by itself. */
export function keptHelperArgv(seconds: number): string[] {
  return ['sleep', String(Math.max(1, Math.ceil(seconds)))];
}

/** The exec argv of one read in a kept helper whose main process has host pid `helperPid`. */
export function keptObserveArgv(sandboxes: readonly SandboxInfo[], hostOnly: boolean, helperPid: number): string[] {
  return ['sh', '-c', KEPT_OBSERVE_SCRIPT, ...observeArgv(sandboxes, hostOnly, helperPid).slice(3)];
}

/** Splits what KEPT_OBSERVE_SCRIPT printed: the readout (up to its end line) and the helper's stderr lines (`X <line>`, after it). */
export function splitKeptOutput(output: string): { readout: string; stderr: string[] } {
  const lines = output.split('\n');
  let cut = lines.length;
  while (cut > 0 && (lines[cut - 1].startsWith('X ') || lines[cut - 1] === '')) {
    cut--;
  }
  return { readout: `${lines.slice(0, cut).join('\n')}\n`, stderr: lines.slice(cut).filter((line) => line.startsWith('X ')).map((line) => line.slice(2)) };
}
