/**
 * Traffic as plain data: cumulative interface counters read at one instant, and the rates two
 * readings give. Shared by the sampler (src/engine/traffic), the topology panel's Traffic overlay,
 * the trees' tooltips and the CLI's `traffic` command, so that all of them say the same numbers.
 */

/**
 * Where a reading came from (the panel and the JSON name it):
 *  - `sysfs`: /sys/class/net/<if>/statistics on the host (no root);
 *  - `procNetDev`: /proc/<pid>/net/dev, a container's interfaces seen from the host (no root); the
 *    host's own interfaces are read the same way, all at once, from /proc/self/net/dev (same kernel
 *    counters as sysfs, one read instead of eight per interface);
 *  - `netns`: `ip -s -j link` inside a namespace (root);
 *  - `engineStats`: the Engine API's one-shot stats (`networks`), for engines that are not local.
 */
export type CounterSource = 'sysfs' | 'procNetDev' | 'netns' | 'engineStats';

/** Cumulative counters of one interface, as the kernel (or the engine) reports them. */
export interface InterfaceCounters {
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
  rxDropped: number;
  txDropped: number;
  rxErrors: number;
  txErrors: number;
}

/** One interface's counters at one instant. */
export interface CounterReading {
  /** The topology's interface key (`TopoInterface.id`: `<namespace id>/if:<name>`), when the interface is drawn. */
  interfaceId?: string;
  /** The namespace's display name (`host`, the container's name, `1-<id>`, ...). */
  namespace: string;
  interface: string;
  /** The container whose namespace holds the interface (its name). */
  container?: string;
  /** The other end: a veth's peer as `namespace:interface`, when known. */
  peer?: string;
  source: CounterSource;
  counters: InterfaceCounters;
}

/** A sampling pass: every reading taken at (about) the same instant. */
export interface CounterSnapshot {
  /** Milliseconds (a monotonic clock): rates divide by the difference of two of these. */
  atMs: number;
  readings: CounterReading[];
  /** Reads that failed in this pass (a container that stopped meanwhile, a namespace gone); never fatal. */
  warnings?: string[];
}

/** One interface's rates between two snapshots (per second; an interface whose counters went backwards, or that is new, has none). */
export interface InterfaceRate {
  interfaceId?: string;
  namespace: string;
  interface: string;
  container?: string;
  peer?: string;
  source: CounterSource;
  rxBytesPerSecond: number;
  txBytesPerSecond: number;
  rxPacketsPerSecond: number;
  txPacketsPerSecond: number;
  /** Packets dropped (rx + tx) during the interval. */
  drops: number;
  /** Errors (rx + tx) during the interval. */
  errors: number;
}

/** What the CLI prints with `--format json` (issue 19's contract) and what the panel receives. */
export interface TrafficReport {
  intervalSeconds: number;
  interfaces: InterfaceRate[];
}
