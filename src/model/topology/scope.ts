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

/**
 * Keeps what a scope is about. From seed interfaces (a network's bridge and endpoints, or a
 * container's interfaces) it follows veth pairs and bridge ports, and expands through a bridge
 * only when that bridge is a seed: the devops scope shows every port of devops' bridge (also a
 * hand-made veth) and the far ends, but not the other ports of the bridges those reach.
 */
export function focusTopology(topology: Topology, scope: TopologyScope): Topology {
  if (scope.kind === 'host') {
    return topology;
  }
  const index = interfaceIndex(topology);
  const seeds = new Set<string>();
  const seedNamespaces = new Set<string>();
  if (scope.kind === 'network') {
    for (const iface of index.values()) {
      if (iface.networkIds.includes(scope.networkId)) {
        seeds.add(iface.id);
      }
    }
    for (const ns of topology.namespaces) {
      if (ns.networkId === scope.networkId) {
        seedNamespaces.add(ns.id);
      }
    }
    for (const anchor of topology.networks.find((network) => network.id === scope.networkId)?.anchorInterfaceIds ?? []) {
      seeds.add(anchor);
    }
  } else {
    for (const ns of topology.namespaces) {
      if (ns.containers.some((container) => container.id === scope.containerId)) {
        seedNamespaces.add(ns.id);
        for (const iface of ns.interfaces) {
          seeds.add(iface.id);
        }
      }
    }
  }
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
  // Stopped containers on the focused network, or the focused stopped container.
  for (const edge of topology.edges) {
    if (edge.kind === 'stoppedMember' && (keep.has(edge.to) || seedNamespaces.has(edge.from))) {
      seedNamespaces.add(edge.from);
      keep.add(edge.to);
    }
  }
  const namespaces: TopoNamespace[] = [];
  for (const ns of topology.namespaces) {
    const interfaces = ns.interfaces.filter((iface) => keep.has(iface.id));
    if (interfaces.length > 0 || seedNamespaces.has(ns.id)) {
      namespaces.push({ ...ns, interfaces });
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
