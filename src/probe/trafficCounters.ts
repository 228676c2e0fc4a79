/**
 * Reads interface counters on this host: /proc/<pid>/net/dev (all the interfaces of a process's
 * namespace in one read, no root: /proc/self/net/dev for the host's), /sys/class/net/<if>/statistics
 * (one host interface, eight files) and `ip -s -j link` inside a namespace file through nsenter
 * (root). The callers pass names
 * and pids already checked by type (model/traffic/plan.ts); the tools are the system's own, by
 * absolute path (systemTools.ts), with argument arrays.
 */
import { close, open, promises as fs, read } from 'node:fs';
import * as path from 'node:path';
import { countersFromSysfs, parseIpStatsJson, parseProcNetDev, SYSFS_COUNTER_FILES, type CountersByInterface } from '../model/traffic/counters';
import type { InterfaceCounters } from '../model/traffic/types';
import { run } from './readers';

/** One interface's counters from sysfs; undefined when the interface is gone. */
export async function readSysfsCounters(name: string, sysClassNet = '/sys/class/net'): Promise<InterfaceCounters | undefined> {
  const folder = path.join(sysClassNet, name, 'statistics');
  try {
    const values = await Promise.all(SYSFS_COUNTER_FILES.map((file) => fs.readFile(path.join(folder, file), 'latin1')));
    return countersFromSysfs(values);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

/**
 * The smallest page a Linux kernel uses, less room for more than one line of net/dev (about 120
 * bytes a line): a seq_file read that returns less than this ran out of lines, not of page.
 */
const SEQ_FILE_SHORT_READ = 4096 - 512;

/**
 * A small file of /proc read with one open, reads into fresh buffers, one close: fs.readFile adds an
 * fstat and a promise per step, which at 150 containers once a second is most of the cost (measured:
 * half the time of fs.promises.readFile). procfs hands a seq_file out at most a page at a time and
 * fills each read with whole lines until the page is full or the lines run out (the host's net/dev
 * with 190 interfaces takes seven reads): so a read shorter than a page less a line is the last one,
 * and a container's file (a few lines) costs one read, not a second one that returns nothing.
 */
function readProcFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    open(file, 'r', (openError, fd) => {
      if (openError) {
        reject(openError);
        return;
      }
      const chunks: Buffer[] = [];
      const next = () => {
        const buffer = Buffer.allocUnsafe(16 * 1024);
        read(fd, buffer, 0, buffer.length, null, (readError, bytes) => {
          if (readError || bytes === 0) {
            close(fd, () => undefined);
            if (readError) {
              reject(readError);
            } else {
              resolve(Buffer.concat(chunks).toString('latin1'));
            }
            return;
          }
          chunks.push(buffer.subarray(0, bytes));
          if (bytes < SEQ_FILE_SHORT_READ) {
            close(fd, () => undefined);
            resolve(Buffer.concat(chunks).toString('latin1'));
          } else {
            next();
          }
        });
      };
      next();
    });
  });
}

/** Every interface of the process's network namespace, from /proc/<pid>/net/dev (`self`: this process's, the host's). */
export async function readProcNetDev(pid: number | 'self', procRoot = '/proc'): Promise<CountersByInterface> {
  return parseProcNetDev(await readProcFile(path.join(procRoot, String(pid), 'net', 'dev')));
}

/** Every interface of the namespace file, from `nsenter --net=<file> -- ip -s -j link show` (root). */
export async function readNetnsCounters(nsPath: string, tools: { nsenter: string; ip: string }): Promise<CountersByInterface> {
  return parseIpStatsJson(await run(tools.nsenter, [`--net=${nsPath}`, '--', tools.ip, '-s', '-j', 'link', 'show'], 3000));
}
