/**
 * The packet story: while the doctor's probes run, every hop of the path is captured (filtered to
 * the probes' own packets), and the counts say where the packets were last seen and where they
 * vanished. This module is the pure half: which hops can be captured, the capture filter, and the
 * path rewritten from the counts. The captures themselves run in src/engine/reachability/storyCaptures.ts,
 * and tcpdump's closing count is read as Capture Packets reads it (model/capture/tcpdumpOutput.ts).
 */
import { isInterfaceName, isIpAddress } from '../engineValues';
import type { PathHop, ReachPath } from './types';

/** A hop the story captures on: an interface with a name, in the host's or a container's namespace. */
export interface StoryPoint {
  /** `namespace|name`: how counts are matched back to the path's hops. */
  key: string;
  namespace: string;
  interface: string;
  /** The container whose namespace holds it (`ns:ctr:<id>`), undefined for the host's own namespace. */
  containerId?: string;
}

const CAPTURED_KINDS = new Set<PathHop['kind']>(['interface', 'veth', 'bridge']);

export function hopKey(hop: Pick<PathHop, 'namespace' | 'name'>): string {
  return `${hop.namespace ?? ''}|${hop.name ?? ''}`;
}

/** The hops worth a capture: named interfaces, veths and bridges in the host's or a container's namespace. */
export function storyPoints(hops: readonly PathHop[]): StoryPoint[] {
  const points: StoryPoint[] = [];
  for (const hop of hops) {
    if (!CAPTURED_KINDS.has(hop.kind) || !hop.name || !hop.namespace || !isInterfaceName(hop.name)) {
      continue;
    }
    const container = /^ns:ctr:([0-9a-f]{12,64})$/.exec(hop.namespace)?.[1];
    if (hop.namespace !== 'ns:host' && !container) {
      continue;
    }
    const key = hopKey(hop);
    if (!points.some((point) => point.key === key)) {
      points.push({ key, namespace: hop.namespace, interface: hop.name, containerId: container });
    }
  }
  return points;
}

/**
 * The BPF filter that keeps the probes' own packets on their way to B: ICMP echo requests (ICMPv6
 * type 128) to B's addresses, or TCP to B's port. Replies are left out, so every hop counts the
 * same packets. Undefined when no address is one (nothing to filter on: no story).
 */
export function storyFilter(addresses: readonly string[], port?: number): string | undefined {
  const valid = addresses.filter((address) => isIpAddress(address));
  if (valid.length === 0 || (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))) {
    return undefined;
  }
  const parts = valid.map((address) => {
    const v6 = address.includes(':');
    if (port !== undefined) {
      return `(${v6 ? 'ip6' : 'ip'} and tcp and dst host ${address} and dst port ${port})`;
    }
    return v6 ? `(icmp6 and ip6[40] == 128 and dst host ${address})` : `(icmp and icmp[icmptype] == icmp-echo and dst host ${address})`;
  });
  return parts.join(' or ');
}

/**
 * The path with the story's counts. Every hop captured gets `seen`. When packets were seen and
 * then not, the path stops after the last hop that saw them (the drop hop moves there when the
 * check was unreachable), and the hops captured past it are listed as `unreached` (seen 0).
 * `planned` is the whole path the packets would take (captured on), `seen` the counts by hopKey.
 */
export function withStory(path: ReachPath, planned: readonly PathHop[], seen: ReadonlyMap<string, number>): ReachPath {
  if (seen.size === 0) {
    return path;
  }
  const annotate = (hop: PathHop): PathHop => (hop.kind !== 'drop' && seen.has(hopKey(hop)) ? { ...hop, seen: seen.get(hopKey(hop)) } : hop);
  const drop = path.dropAt !== undefined ? path.hops[path.dropAt] : undefined;
  const plannedSeen = planned.map(annotate);
  const lastSeen = findLastIndex(plannedSeen, (hop) => (hop.seen ?? 0) > 0);
  const after = plannedSeen.slice(lastSeen + 1).filter((hop) => hop.seen === 0);
  if (lastSeen < 0 || after.length === 0) {
    // Never left A, or arrived everywhere: the counts annotate the path as drawn.
    return { ...path, hops: path.hops.map(annotate) };
  }
  if (!drop) {
    // Reachable by another way (a second address), or the probes' packets took another route: annotate only.
    return { ...path, hops: path.hops.map(annotate), unreached: after };
  }
  const kept = plannedSeen.slice(0, lastSeen + 1);
  return { ...path, hops: [...kept, drop], dropAt: kept.length, unreached: after };
}

function findLastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index--) {
    if (test(items[index])) {
      return index;
    }
  }
  return -1;
}
