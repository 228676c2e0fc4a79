/**
 * Focus and filters: cut a topology down to one network or one container, and drop what the
 * toggles hide (stopped containers, interfaces Docker did not make, inferred parts). Pure.
 */
import type { DiagramOptions, TopoEdge, TopoInterface, TopoNamespace, Topology, TopologyScope } from './types';

function interfaceIndex(topology: Topology): Map<string, TopoInterface> {
  const index = new Map<string, TopoInterface>();
  for (const ns of topology.namespaces) {
    for (const iface of ns.interfaces) {
      index.set(iface.id, iface);
    }
  }
  return index;
}

/** The host's own interfaces a host-mode container or the `host` network shares: its uplink. */
function hostOwnInterfaces(ns: TopoNamespace): TopoInterface[] {
  return ns.interfaces.filter((iface) => iface.uplinkGateways !== undefined);
}

/** Where the search starts: interfaces, and namespaces kept even without an interface. */
interface Seeds {
  interfaces: Set<string>;
  namespaces: Set<string>;
}

function seedsOf(topology: Topology, scope: Exclude<TopologyScope, { kind: 'host' }>, index: Map<string, TopoInterface>): Seeds {
  const seeds: Seeds = { interfaces: new Set(), namespaces: new Set() };
  if (scope.kind === 'network') {
    const network = topology.networks.find((candidate) => candidate.id === scope.networkId);
    if (network?.driver === 'host') {
      // The host network is the host's own stack: its namespace (with the host-mode containers) and uplink.
      const host = topology.namespaces.find((ns) => ns.kind === 'host');
      if (host) {
        seeds.namespaces.add(host.id);
        hostOwnInterfaces(host).forEach((iface) => seeds.interfaces.add(iface.id));
      }
      return seeds;
    }
    for (const iface of index.values()) {
      if (iface.networkIds.includes(scope.networkId)) {
        seeds.interfaces.add(iface.id);
      }
    }
    for (const ns of topology.namespaces) {
      if (ns.networkId === scope.networkId) {
        seeds.namespaces.add(ns.id);
      }
    }
    for (const anchor of network?.anchorInterfaceIds ?? []) {
      seeds.interfaces.add(anchor);
    }
    return seeds;
  }
  for (const ns of topology.namespaces) {
    if (ns.containers.some((container) => container.id === scope.containerId)) {
      seeds.namespaces.add(ns.id);
      // A host-mode container shares the host's stack: its uplink, not every bridge of the host.
      (ns.kind === 'host' ? hostOwnInterfaces(ns) : ns.interfaces).forEach((iface) => seeds.interfaces.add(iface.id));
    }
  }
  return seeds;
}

/** Interfaces reached from the seeds along veth pairs, bridge ports and parent links, spreading only through the seeds' bridges. */
function reachable(topology: Topology, seeds: Set<string>, index: Map<string, TopoInterface>): Set<string> {
  const adjacency = new Map<string, TopoEdge[]>();
  for (const edge of topology.edges) {
    for (const end of [edge.from, edge.to]) {
      const list = adjacency.get(end) ?? [];
      list.push(edge);
      adjacency.set(end, list);
    }
  }
  const keep = new Set<string>(seeds);
  const queue = [...seeds];
  while (queue.length > 0) {
    const current = queue.shift()!;
    const iface = index.get(current);
    if (iface && iface.kind === 'bridge' && !seeds.has(current)) {
      continue; // do not spread through a bridge that is not what we focus on
    }
    for (const edge of adjacency.get(current) ?? []) {
      if (edge.kind === 'stoppedMember') {
        continue;
      }
      const other = edge.from === current ? edge.to : edge.from;
      if (!keep.has(other)) {
        keep.add(other);
        queue.push(other);
      }
    }
  }
  return keep;
}

/** The host-mode containers a scope is about: all of them for the host and the `host` network, else the focused one if it is one. */
function hostModeShown(topology: Topology, scope: Exclude<TopologyScope, { kind: 'host' }>, ns: TopoNamespace): TopoNamespace['containers'] {
  if (scope.kind === 'network') {
    return topology.networks.find((network) => network.id === scope.networkId)?.driver === 'host' ? ns.containers : [];
  }
  return ns.containers.filter((container) => container.id === scope.containerId);
}

/**
 * Keeps what a scope is about. From seed interfaces (a network's bridge and endpoints, or a
 * container's interfaces) it follows veth pairs and bridge ports, and expands through a bridge
 * only when that bridge is a seed: the devops scope shows every port of devops' bridge (also a
 * hand-made veth) and the far ends, but not the other ports of the bridges those reach. The host
 * namespace names the host-mode containers only where the scope is about them.
 */
export function focusTopology(topology: Topology, scope: TopologyScope): Topology {
  if (scope.kind === 'host') {
    return topology;
  }
  const index = interfaceIndex(topology);
  const seeds = seedsOf(topology, scope, index);
  const keep = reachable(topology, seeds.interfaces, index);
  // Stopped containers on the focused network, or the focused stopped container.
  for (const edge of topology.edges) {
    if (edge.kind === 'stoppedMember' && (keep.has(edge.to) || seeds.namespaces.has(edge.from))) {
      seeds.namespaces.add(edge.from);
      keep.add(edge.to);
    }
  }
  const namespaces: TopoNamespace[] = [];
  for (const ns of topology.namespaces) {
    const interfaces = ns.interfaces.filter((iface) => keep.has(iface.id));
    if (interfaces.length > 0 || seeds.namespaces.has(ns.id)) {
      namespaces.push({ ...ns, interfaces, containers: ns.kind === 'host' ? hostModeShown(topology, scope, ns) : ns.containers });
    }
  }
  const kept = new Set<string>([...keep, ...namespaces.map((ns) => ns.id)]);
  return {
    ...topology,
    namespaces,
    edges: topology.edges.filter((edge) => kept.has(edge.from) && kept.has(edge.to)),
  };
}

/** Drops what the toggles hide; edges lose an end go with it. */
export function filterTopology(topology: Topology, options: Pick<DiagramOptions, 'showStopped' | 'showUnmanaged' | 'showInferred'>): Topology {
  const keepIface = (iface: TopoInterface) => (options.showUnmanaged || iface.managed) && (options.showInferred || iface.source === 'observed');
  const namespaces: TopoNamespace[] = [];
  for (const ns of topology.namespaces) {
    if (ns.stopped && !options.showStopped) {
      continue;
    }
    if (!options.showInferred && ns.source === 'inferred' && ns.kind !== 'host') {
      continue;
    }
    const containers = options.showStopped ? ns.containers : ns.containers.filter((container) => container.running);
    if (ns.kind === 'container' && containers.length === 0) {
      continue;
    }
    namespaces.push({ ...ns, containers, interfaces: ns.interfaces.filter(keepIface) });
  }
  const present = new Set<string>();
  for (const ns of namespaces) {
    present.add(ns.id);
    for (const iface of ns.interfaces) {
      present.add(iface.id);
    }
  }
  const edges = topology.edges.filter(
    (edge) => present.has(edge.from) && present.has(edge.to) && (options.showUnmanaged || edge.managed) && (options.showInferred || edge.source === 'observed'),
  );
  return { ...topology, namespaces, edges };
}
