/**
 * Which counters to read for a drawn topology, and where: the sampler (src/engine/traffic) asks this
 * once per topology, then reads the same places at every pass. Pure.
 *  - the host namespace: /proc/self/net/dev, one read for all its interfaces (no root), with
 *    /sys/class/net/<if>/statistics for one it does not list (see the sampler for why);
 *  - a container's namespace whose process is known: /proc/<pid>/net/dev (no root), one read for
 *    all its interfaces;
 *  - a namespace without a process (overlay `1-<id>`, ingress_sbox, lb_<id>, `ip netns add`): `ip -s -j
 *    link` through nsenter, root only;
 *  - an engine that is not local: the Engine API's one-shot stats of each running container.
 * Every value that reaches a path or an argument list is checked by type here (interface names by
 * the kernel's rule, pids, namespace files), so nothing an engine says chooses what is read or run.
 */
import { isEngineId, isInterfaceName, isSafePid } from '../engineValues';
import type { HostFacts, SandboxInfo } from '../topology/facts';
import type { TopoInterface, TopoNamespace, Topology } from '../topology/types';

/** One interface to read, with what its readings say about it. */
export interface PlannedInterface {
  interfaceId?: string;
  interface: string;
  namespace: string;
  container?: string;
  peer?: string;
}

export type TrafficRead =
  | { source: 'host'; interfaces: PlannedInterface[] }
  | { source: 'procNetDev'; pid: number; interfaces: PlannedInterface[] }
  | { source: 'netns'; nsPath: string; interfaces: PlannedInterface[] }
  | {
      source: 'engineStats';
      containerId: string;
      namespace: string;
      container: string;
      /** The drawn interfaces of the namespace (named, or one inferred end when the namespace has one). */
      interfaces: PlannedInterface[];
      /** The namespace's only drawn interface when the API named none (inferred): it takes the stats' only network. */
      single?: { interfaceId: string; peer?: string };
    };

/** Why a drawn namespace is not read (the panel may say it). */
export type UnreadReason = 'stopped' | 'otherSwarmNode' | 'needsRoot' | 'noProcess' | 'rootless';

export interface TrafficPlan {
  reads: TrafficRead[];
  unread: Array<{ namespace: string; reason: UnreadReason }>;
}

export interface PlanOptions {
  /** The engine's namespaces are this machine's (else: the stats API). */
  local: boolean;
  /** Root: namespaces without a process are read with nsenter. */
  root: boolean;
  /** The folders whose namespace files may be entered (default: Docker's and `ip netns add`'s). */
  netnsDirs?: readonly string[];
}

const DEFAULT_NETNS_DIRS: readonly string[] = ['/var/run/docker/netns/', '/run/docker/netns/', '/var/run/netns/', '/run/netns/'];

/** The namespace as the readings name it: `host`, the container's name, or its file (`1-<id>`, `ingress_sbox`). */
export function namespaceDisplayName(ns: TopoNamespace): string {
  if (ns.kind === 'host') {
    return 'host';
  }
  const owner = ns.containers.find((ref) => ref.via === 'own') ?? ns.containers[0];
  return owner?.name ?? ns.name ?? ns.id;
}

/** A namespace file under one of `dirs`, one plain component (never `..`). */
function isNamespaceFile(file: string | undefined, dirs: readonly string[]): file is string {
  if (!file) {
    return false;
  }
  const dir = dirs.find((candidate) => file.startsWith(candidate));
  const rest = dir ? file.slice(dir.length) : '';
  return rest !== '' && rest !== '.' && rest !== '..' && /^[A-Za-z0-9_.:-]+$/.test(rest);
}

/** `namespace:interface` of each veth end's peer, by interface id. */
function peersOf(topology: Topology): Map<string, string> {
  const where = new Map<string, string>();
  for (const ns of topology.namespaces) {
    for (const iface of ns.interfaces) {
      where.set(iface.id, `${namespaceDisplayName(ns)}:${iface.name ?? '?'}`);
    }
  }
  const peers = new Map<string, string>();
  for (const edge of topology.edges) {
    if (edge.kind === 'veth') {
      const from = where.get(edge.from);
      const to = where.get(edge.to);
      if (from && to) {
        peers.set(edge.from, to);
        peers.set(edge.to, from);
      }
    }
  }
  return peers;
}

function planned(ns: TopoNamespace, iface: TopoInterface, name: string, peers: Map<string, string>): PlannedInterface {
  const container = ns.kind === 'container' ? namespaceDisplayName(ns) : undefined;
  const peer = peers.get(iface.id);
  return { interfaceId: iface.id, interface: name, namespace: namespaceDisplayName(ns), ...(container ? { container } : {}), ...(peer ? { peer } : {}) };
}

/** The drawn, observed interfaces of a namespace whose names the kernel could have (user-mode processes are not interfaces). */
function readableInterfaces(ns: TopoNamespace, peers: Map<string, string>): PlannedInterface[] {
  return ns.interfaces
    .filter((iface) => iface.source === 'observed' && iface.kind !== 'userMode' && isInterfaceName(iface.name))
    .map((iface) => planned(ns, iface, iface.name!, peers));
}

function runningOwner(ns: TopoNamespace) {
  return ns.containers.find((ref) => ref.running && ref.via === 'own') ?? ns.containers.find((ref) => ref.running);
}

function pidOf(ns: TopoNamespace, sandboxes: Record<string, SandboxInfo>): number | undefined {
  for (const ref of ns.containers) {
    const pid = sandboxes[ref.id]?.pid;
    if (isSafePid(pid)) {
      return pid;
    }
  }
  return undefined;
}

function engineStatsRead(ns: TopoNamespace, peers: Map<string, string>): TrafficRead | undefined {
  const owner = runningOwner(ns);
  if (ns.kind !== 'container' || !owner || !isEngineId(owner.id)) {
    return undefined;
  }
  const named = ns.interfaces.filter((iface) => isInterfaceName(iface.name)).map((iface) => planned(ns, iface, iface.name!, peers));
  const only = ns.interfaces.length === 1 && named.length === 0 ? ns.interfaces[0] : undefined;
  const onlyPeer = only ? peers.get(only.id) : undefined;
  return {
    source: 'engineStats',
    containerId: owner.id,
    namespace: namespaceDisplayName(ns),
    container: namespaceDisplayName(ns),
    interfaces: named,
    ...(only ? { single: { interfaceId: only.id, ...(onlyPeer ? { peer: onlyPeer } : {}) } } : {}),
  };
}

/** The reads of one sampling pass over `topology` (what it draws, as it was probed). */
export function planTrafficReads(topology: Topology, sandboxes: Record<string, SandboxInfo>, facts: Pick<HostFacts, 'namespaces'> | undefined, options: PlanOptions): TrafficPlan {
  const peers = peersOf(topology);
  const reads: TrafficRead[] = [];
  const unread: TrafficPlan['unread'] = [];
  const dirs = options.netnsDirs ?? DEFAULT_NETNS_DIRS;
  const pathByName = new Map((facts?.namespaces ?? []).filter((fact) => fact.path).map((fact) => [fact.name, fact.path!]));
  for (const ns of topology.namespaces) {
    const namespace = namespaceDisplayName(ns);
    if (ns.stopped) {
      unread.push({ namespace, reason: 'stopped' });
      continue;
    }
    if (ns.swarmNode && !ns.swarmNode.self) {
      unread.push({ namespace, reason: 'otherSwarmNode' });
      continue;
    }
    if (!options.local) {
      const read = engineStatsRead(ns, peers);
      if (read) {
        reads.push(read);
      }
      continue;
    }
    const interfaces = readableInterfaces(ns, peers);
    if (interfaces.length === 0) {
      continue;
    }
    if (ns.kind === 'host') {
      reads.push({ source: 'host', interfaces });
      continue;
    }
    if (ns.kind === 'rootless') {
      unread.push({ namespace, reason: 'rootless' });
      continue;
    }
    const pid = ns.kind === 'container' ? pidOf(ns, sandboxes) : undefined;
    if (pid !== undefined) {
      reads.push({ source: 'procNetDev', pid, interfaces });
      continue;
    }
    const nsPath = ns.name ? pathByName.get(ns.name) : undefined;
    if (!isNamespaceFile(nsPath, dirs)) {
      unread.push({ namespace, reason: 'noProcess' });
    } else if (!options.root) {
      unread.push({ namespace, reason: 'needsRoot' });
    } else {
      reads.push({ source: 'netns', nsPath, interfaces });
    }
  }
  return { reads, unread };
}
