/**
 * The host's system tools (nsenter, ip, iptables-save) by absolute path, never through PATH: the
 * probe and the doctor run them as root, and a PATH with a relative or user-writable entry would
 * let anyone who can write there choose what root runs. A tool counts when it is a regular
 * executable file (after symlinks, as Debian's alternatives are) in one of the system folders,
 * owned by root and writable by no one else.
 */
import { accessSync, constants, statSync, Stats } from 'node:fs';
import * as path from 'node:path';

export const SYSTEM_TOOL_DIRS: readonly string[] = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function trustedStat(stat: Stats): boolean {
  return stat.isFile() && stat.uid === 0 && (stat.mode & 0o022) === 0;
}

/**
 * The absolute path of `name` in the system folders; undefined when none holds a trusted one.
 * (A few stat calls: the probe asks once per read, so the synchronous search serves both.)
 */
export async function systemTool(name: string, dirs: readonly string[] = SYSTEM_TOOL_DIRS): Promise<string | undefined> {
  return systemToolSync(name, dirs);
}

/** systemTool, synchronously (for a watcher that starts its child at once). */
export function systemToolSync(name: string, dirs: readonly string[] = SYSTEM_TOOL_DIRS): string | undefined {
  if (name.includes('/')) {
    return undefined;
  }
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (trustedStat(statSync(candidate))) {
        return candidate;
      }
    } catch {
      // next folder
    }
  }
  return undefined;
}
