/**
 * Before the doctor enters a container's namespace as root with the engine's answers, it checks
 * that the engine is this machine's own, with facts the engine cannot make up by itself (its
 * GET /info `Name` is its own word, so it does not count):
 *  - the socket: a unix socket owned by root or by the user running the doctor (not another user's
 *    rootless daemon, not a proxy someone else started); for tcp to loopback, every listener on
 *    that port owned by root or the user, from the kernel's /proc/net/tcp{,6} (not a squatted
 *    port);
 *  - the container: its State.Pid is a process here whose network namespace is the very one the
 *    engine's SandboxKey file names (same device and inode; the file itself, not a symlink), and
 *    not this process's own namespace (a tunnel to another machine fails here).
 * When one fails, the doctor observes through docker exec instead, and says why.
 */
import { promises as fs } from 'node:fs';
import type { EngineTarget } from '../../model/connectionResolution';
import { loopbackPortOwnedBy } from '../../model/procNetTcp';
import type { ObservationReason } from '../../model/reachability/types';

export interface ProofOptions {
  uid?: number;
  procRoot?: string;
}

function myUid(options: ProofOptions): number {
  return options.uid ?? process.getuid?.() ?? -1;
}

/** Whether the engine's socket is root's or the user's (unix), or its loopback port is (tcp). */
export async function engineSocketOwned(target: EngineTarget, options: ProofOptions = {}): Promise<boolean> {
  const uid = myUid(options);
  if (target.protocol === 'unix' && target.socketPath) {
    try {
      const stat = await fs.stat(target.socketPath);
      return stat.isSocket() && (stat.uid === 0 || stat.uid === uid);
    } catch {
      return false;
    }
  }
  if (target.protocol === 'tcp' && target.port !== undefined) {
    const procRoot = options.procRoot ?? '/proc';
    const texts = await Promise.all(['tcp', 'tcp6'].map((file) => fs.readFile(`${procRoot}/net/${file}`, 'utf8').catch(() => '')));
    return loopbackPortOwnedBy(texts, Number(target.port), uid);
  }
  return false;
}

/** Whether /proc/<pid>/ns/net is the namespace the SandboxKey file names (and not ours). */
export async function namespaceMatches(pid: number, sandboxKey: string | undefined, options: ProofOptions = {}): Promise<boolean> {
  const procRoot = options.procRoot ?? '/proc';
  if (!sandboxKey || !sandboxKey.startsWith('/') || sandboxKey.includes('\u0000')) {
    return false;
  }
  try {
    const [theirs, named, ours] = await Promise.all([fs.stat(`${procRoot}/${pid}/ns/net`), fs.lstat(sandboxKey), fs.stat(`${procRoot}/self/ns/net`)]);
    const same = (a: { dev: number; ino: number }, b: { dev: number; ino: number }) => a.dev === b.dev && a.ino === b.ino;
    return !named.isSymbolicLink() && same(theirs, named) && !same(theirs, ours);
  } catch {
    return false;
  }
}

/** Why the root path may not be taken for this container; undefined when it may. */
export async function rootPathRefusal(
  target: EngineTarget,
  socketOwned: boolean,
  pid: number,
  sandboxKey: string | undefined,
  options: ProofOptions = {},
): Promise<ObservationReason | undefined> {
  if (!socketOwned) {
    return target.protocol === 'tcp' ? 'portNotOwned' : 'socketNotOwned';
  }
  return (await namespaceMatches(pid, sandboxKey, options)) ? undefined : 'namespaceMismatch';
}
