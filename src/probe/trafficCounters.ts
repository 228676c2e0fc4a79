/**
 * Reads interface counters on this host: /sys/class/net/<if>/statistics (the host's interfaces, no
 * root), /proc/<pid>/net/dev (a container's interfaces seen from the host, no root, one read for all
 * of them) and `ip -s -j link` inside a namespace file through nsenter (root). The callers pass names
 * and pids already checked by type (model/traffic/plan.ts); the tools are the system's own, by
 * absolute path (systemTools.ts), with argument arrays.
 */
import { promises as fs } from 'node:fs';
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

/** Every interface of the process's network namespace, from /proc/<pid>/net/dev. */
export async function readProcNetDev(pid: number, procRoot = '/proc'): Promise<CountersByInterface> {
  return parseProcNetDev(await fs.readFile(path.join(procRoot, String(pid), 'net', 'dev'), 'latin1'));
}

/** Every interface of the namespace file, from `nsenter --net=<file> -- ip -s -j link show` (root). */
export async function readNetnsCounters(nsPath: string, tools: { nsenter: string; ip: string }): Promise<CountersByInterface> {
  return parseIpStatsJson(await run(tools.nsenter, [`--net=${nsPath}`, '--', tools.ip, '-s', '-j', 'link', 'show'], 3000));
}
