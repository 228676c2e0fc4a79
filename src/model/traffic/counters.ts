/**
 * Interface counters from the three places the kernel (or the engine) reports them, as the same
 * plain `InterfaceCounters`: `/proc/<pid>/net/dev` text, `ip -s -j link` JSON (stats64), and the
 * Engine API's stats `networks` object. Pure: the readers (src/probe/trafficCounters.ts) hand the
 * text over; recorded outputs from a real host check these parsers (test/unit/trafficCounters.test.ts).
 */
import type { InterfaceCounters } from './types';

/** Counters by interface name, in the order the source listed them. */
export type CountersByInterface = Map<string, InterfaceCounters>;

export const ZERO_COUNTERS: Readonly<InterfaceCounters> = Object.freeze({ rxBytes: 0, txBytes: 0, rxPackets: 0, txPackets: 0, rxDropped: 0, txDropped: 0, rxErrors: 0, txErrors: 0 });

/** A counter value: a finite non-negative number, anything else (absent, negative, a string) counts as 0. */
function counter(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/**
 * `/proc/<pid>/net/dev`: two header lines, then `name: rx bytes packets errs drop fifo frame
 * compressed multicast | tx bytes packets errs drop fifo colls carrier compressed`. The kernel pads
 * the name, and a long name can touch the first number (`veth1234567:123 …`), so the line is split
 * at its last colon-before-the-numbers, not at white space.
 */
export function parseProcNetDev(text: string): CountersByInterface {
  const result: CountersByInterface = new Map();
  for (const line of text.split('\n')) {
    const match = /^\s*([^\s:][^:]*):\s*(\d+(?:\s+\d+){15})\s*$/.exec(line);
    if (!match) {
      continue;
    }
    const n = match[2].split(/\s+/).map(Number);
    result.set(match[1], {
      rxBytes: n[0],
      rxPackets: n[1],
      rxErrors: n[2],
      rxDropped: n[3],
      txBytes: n[8],
      txPackets: n[9],
      txErrors: n[10],
      txDropped: n[11],
    });
  }
  return result;
}

interface IpStatsSide {
  bytes?: number;
  packets?: number;
  errors?: number;
  dropped?: number;
}

interface IpStatsLink {
  ifname?: unknown;
  stats64?: { rx?: IpStatsSide; tx?: IpStatsSide };
  stats?: { rx?: IpStatsSide; tx?: IpStatsSide };
}

/** `ip -s -j link show`: each link's `stats64` (or `stats` on an older iproute2). Throws on text that is not ip's JSON. */
export function parseIpStatsJson(text: string): CountersByInterface {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) {
    throw new Error('ip -s -j link: the output is not a JSON array of links');
  }
  const result: CountersByInterface = new Map();
  for (const link of parsed as IpStatsLink[]) {
    const stats = link?.stats64 ?? link?.stats;
    if (typeof link?.ifname !== 'string' || !stats) {
      continue;
    }
    result.set(link.ifname, {
      rxBytes: counter(stats.rx?.bytes),
      txBytes: counter(stats.tx?.bytes),
      rxPackets: counter(stats.rx?.packets),
      txPackets: counter(stats.tx?.packets),
      rxDropped: counter(stats.rx?.dropped),
      txDropped: counter(stats.tx?.dropped),
      rxErrors: counter(stats.rx?.errors),
      txErrors: counter(stats.tx?.errors),
    });
  }
  return result;
}

/** One interface of the Engine API's stats (`GET /containers/{id}/stats`, its `networks` object). */
export interface EngineNetworkStatsJson {
  rx_bytes?: number;
  rx_packets?: number;
  rx_errors?: number;
  rx_dropped?: number;
  tx_bytes?: number;
  tx_packets?: number;
  tx_errors?: number;
  tx_dropped?: number;
}

/** The part of a container's stats this reads (Docker and Podman's compatible API). */
export interface ContainerStatsJson {
  read?: string;
  networks?: Record<string, EngineNetworkStatsJson> | null;
}

/** The stats' `networks` (interface name -> counters, as the container sees them); none for a stopped container. */
export function countersFromEngineStats(stats: ContainerStatsJson): CountersByInterface {
  const result: CountersByInterface = new Map();
  const networks = stats?.networks;
  if (!networks || typeof networks !== 'object') {
    return result;
  }
  for (const [name, entry] of Object.entries(networks)) {
    if (!entry || typeof entry !== 'object') {
      continue;
    }
    result.set(name, {
      rxBytes: counter(entry.rx_bytes),
      txBytes: counter(entry.tx_bytes),
      rxPackets: counter(entry.rx_packets),
      txPackets: counter(entry.tx_packets),
      rxDropped: counter(entry.rx_dropped),
      txDropped: counter(entry.tx_dropped),
      rxErrors: counter(entry.rx_errors),
      txErrors: counter(entry.tx_errors),
    });
  }
  return result;
}

/** The files of /sys/class/net/<if>/statistics this reads, in the order `countersFromSysfs` takes their values. */
export const SYSFS_COUNTER_FILES = ['rx_bytes', 'tx_bytes', 'rx_packets', 'tx_packets', 'rx_dropped', 'tx_dropped', 'rx_errors', 'tx_errors'] as const;

/** The values of SYSFS_COUNTER_FILES (each file's text), as counters; undefined when one is not a number. */
export function countersFromSysfs(values: readonly string[]): InterfaceCounters | undefined {
  const n = values.map((value) => (/^\s*\d+\s*$/.test(value) ? Number(value) : NaN));
  if (n.length !== SYSFS_COUNTER_FILES.length || n.some((value) => !Number.isFinite(value))) {
    return undefined;
  }
  return { rxBytes: n[0], txBytes: n[1], rxPackets: n[2], txPackets: n[3], rxDropped: n[4], txDropped: n[5], rxErrors: n[6], txErrors: n[7] };
}
