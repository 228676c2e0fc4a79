/**
 * Reads a small file of a container's filesystem (its /etc/hosts, /etc/resolv.conf) from the host,
 * through /proc/<pid>/root, as the container itself would resolve the path, whoever runs this
 * (root too):
 *  - the path is walked one component at a time, each directory opened with O_NOFOLLOW and the
 *    next component looked up under /proc/self/fd/<that directory>, so a component swapped for a
 *    symlink between two steps is never followed by the kernel;
 *  - a symlink is read and its target walked again from the container's root when absolute (from
 *    the directory holding it when relative), `..` never climbs above that root, at most 40 hops
 *    (the kernel's own limit): an absolute link to /etc/shadow names the container's, never the
 *    host's;
 *  - the file itself is opened with O_NOFOLLOW | O_NONBLOCK, and read only when fstat says it is a
 *    regular file (a FIFO or /dev/zero is refused at once, nothing waits), at most 64 KiB.
 * Undefined when the file cannot be read that way.
 */
import { constants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/** The most read of one container file. */
export const CONTAINER_FILE_MAX_BYTES = 64 * 1024;
/** Symlinks followed in one walk (the kernel's MAXSYMLINKS). */
const MAX_HOPS = 40;

const DIRECTORY_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const FILE_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

function components(file: string): string[] {
  return file.split('/').filter((part) => part !== '' && part !== '.');
}

/** Where the walk is: the directories opened from the root down (the root first). */
interface Walk {
  stack: FileHandle[];
  pending: string[];
  hops: number;
}

function under(walk: Walk, name: string): string {
  return `/proc/self/fd/${walk.stack[walk.stack.length - 1].fd}/${name}`;
}

async function closeAbove(walk: Walk, depth: number): Promise<void> {
  while (walk.stack.length > depth) {
    await walk.stack.pop()!.close();
  }
}

/** When `entry` is a symlink: queue its target (re-rooted when absolute); false when it is not one, or too many. */
async function followLink(walk: Walk, entry: string): Promise<boolean> {
  let target: string;
  try {
    target = await fs.readlink(entry);
  } catch {
    return false;
  }
  if (++walk.hops > MAX_HOPS) {
    return false;
  }
  if (target.startsWith('/')) {
    await closeAbove(walk, 1);
  }
  walk.pending = [...components(target), ...walk.pending];
  return true;
}

/** Opens the last component as a regular file, or follows it when it is a symlink; undefined when refused. */
async function openLast(walk: Walk, name: string): Promise<FileHandle | 'followed' | undefined> {
  const entry = under(walk, name);
  const stat = await fs.lstat(entry).catch(() => undefined);
  if (stat?.isSymbolicLink()) {
    return (await followLink(walk, entry)) ? 'followed' : undefined;
  }
  if (!stat?.isFile()) {
    return undefined;
  }
  const handle = await fs.open(entry, FILE_FLAGS).catch(() => undefined);
  if (handle && !(await handle.stat()).isFile()) {
    await handle.close();
    return undefined;
  }
  return handle;
}

/** Steps into the directory `name`, or follows it when it is a symlink; false when refused. */
async function enter(walk: Walk, name: string): Promise<boolean> {
  if (name === '..') {
    await closeAbove(walk, Math.max(1, walk.stack.length - 1));
    return true;
  }
  const entry = under(walk, name);
  try {
    walk.stack.push(await fs.open(entry, DIRECTORY_FLAGS));
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return (code === 'ELOOP' || code === 'ENOTDIR') && (await followLink(walk, entry));
  }
}

async function readCapped(handle: FileHandle, maxBytes: number): Promise<string> {
  const buffer = Buffer.alloc(maxBytes);
  let length = 0;
  while (length < maxBytes) {
    const { bytesRead } = await handle.read(buffer, length, maxBytes - length, null);
    if (bytesRead === 0) {
      break;
    }
    length += bytesRead;
  }
  return buffer.subarray(0, length).toString('utf8');
}

/** `file` (absolute, as seen inside the container) under `rootDir` (/proc/<pid>/root). */
export async function readContainerFile(rootDir: string, file: string, maxBytes = CONTAINER_FILE_MAX_BYTES): Promise<string | undefined> {
  let root: FileHandle;
  try {
    root = await fs.open(rootDir, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch {
    return undefined;
  }
  const walk: Walk = { stack: [root], pending: components(file), hops: 0 };
  try {
    while (walk.pending.length > 0) {
      const name = walk.pending.shift()!;
      if (walk.pending.length > 0 || name === '..') {
        if (!(await enter(walk, name))) {
          return undefined;
        }
        continue;
      }
      const opened = await openLast(walk, name);
      if (opened === undefined) {
        return undefined;
      }
      if (opened !== 'followed') {
        try {
          return await readCapped(opened, maxBytes);
        } finally {
          await opened.close();
        }
      }
    }
    return undefined;
  } finally {
    await closeAbove(walk, 0);
  }
}
