/**
 * The inferred half of the topology build: Docker's own rules for what the probe did not see
 * (bridge names, one veth per bridge endpoint, overlay namespaces `1-<id10>` with br0 and vxlan0,
 * macvlan parents, swarm's ingress and load-balancer namespaces), then the stopped containers.
 * Inference never replaces what was observed: the graph keeps the first writer of an id. Pure.
 */
import type { ContainerModel, EndpointModel, Inventory, NetworkModel } from '../inventory';
import type { LinkKind, NamespaceKind } from './facts';
import type { TopoInterface, TopoNamespace } from './types';
import type { AliasesOf } from './graph';
import { HOST_NS, ROOTLESS_NS, type TopologyGraph, containerRefs, endpointAddresses, gatewayAddresses, overlayNamespaceName } from './graph';
import { hostInNetwork, SLIRP4NETNS_CIDR, SLIRP4NETNS_GUEST_HOST, userModeDetails, userModeInterfaceId } from './userMode';

/** What inference reads: the graph so far, the inventory, and whether the probe looked at the host at all. */
export interface Inference {
  graph: TopologyGraph;
  inventory: Inventory;
  apiOnly: boolean;
  aliasesOf: AliasesOf;
  /** The engine runs rootless: its bridges and their veths live in its rootless network namespace, not on the host. */
  rootless: boolean;
  /** Containers in slirp4netns mode (userMode.ts): a TAP device and a slirp4netns process each, no endpoint. */
  slirp4netns: Set<string>;
}

/** Where the engine's bridges and host-side veth ends live: the host, or a rootless engine's rootless network namespace. */
function plumbingNamespace({ graph, rootless }: Inference): TopoNamespace {
  return rootless ? graph.namespace(ROOTLESS_NS, () => ({ kind: 'rootless', containers: [], source: 'inferred' })) : graph.host;
}

/**
 * A TAP device's slirp4netns process, where the probe did not see it: the node in the host
 * namespace and the TAP link (and the TAP device itself, `tap0` at .100 by Podman's and
 * slirp4netns' defaults, when the probe did not see that either).
 */
function inferredUserMode({ graph }: Inference, ns: TopoNamespace, containerId?: string): void {
  if (ns.interfaces.some((iface) => iface.kind === 'tap' && graph.linkedTo(iface.id, 'userMode').length > 0)) {
    return;
  }
  const guest = `${hostInNetwork(SLIRP4NETNS_CIDR, SLIRP4NETNS_GUEST_HOST)}/${SLIRP4NETNS_CIDR.split('/')[1]}`;
  const tap =
    ns.interfaces.find((iface) => iface.kind === 'tap') ??
    graph.addInterface(ns, { id: `${ns.id}/if:tap0`, name: 'tap0', kind: 'tap', addresses: [guest], source: 'inferred', managed: true, networkIds: [], ...(containerId ? { containerId } : {}) });
  const process = graph.addInterface(graph.host, {
    id: userModeInterfaceId(ns.id),
    name: 'slirp4netns',
    kind: 'userMode',
    addresses: [],
    source: 'inferred',
    managed: true,
    networkIds: [],
    userMode: userModeDetails(SLIRP4NETNS_CIDR),
  });
  graph.edge('userMode', tap.id, process.id, 'inferred', true);
}

/** A bridge network's bridge (docker0, br-<id12> or its custom name): the observed one, else Docker's rule. */
function inferredBridge(inference: Inference, network: NetworkModel): TopoInterface | undefined {
  const { graph, apiOnly } = inference;
  if (!network.bridgeName) {
    return undefined;
  }
  const home = inference.rootless ? graph.namespaces.get(ROOTLESS_NS) : graph.host;
  const existing = home && graph.interfaceByName(home, network.bridgeName);
  if (existing) {
    return existing;
  }
  if (!apiOnly && !network.endpoints.some((endpoint) => endpoint.running)) {
    // The probe looked and did not find it (a bridge appears only once in use on some engines).
    return undefined;
  }
  const ns = plumbingNamespace(inference);
  const bridge = graph.addInterface(ns, {
    id: `${ns.id}/if:${network.bridgeName}`,
    name: network.bridgeName,
    kind: 'bridge',
    addresses: gatewayAddresses(network),
    source: 'inferred',
    managed: true,
    networkIds: [network.id],
  });
  graph.anchor(network.id, bridge.id);
  return bridge;
}

/** An overlay network's namespace `1-<id10>` with br0 and vxlan0 as its port, unless the probe saw br0. */
function inferredOverlay({ graph }: Inference, network: NetworkModel): { ns: TopoNamespace; br0: TopoInterface } {
  const id = `ns:overlay:${network.id}`;
  const ns = graph.namespace(id, () => ({ kind: 'overlay', name: overlayNamespaceName(network.id), networkId: network.id, containers: [], source: 'inferred' }));
  const observed = graph.interfaceByName(ns, 'br0');
  if (observed) {
    return { ns, br0: observed };
  }
  const br0 = graph.addInterface(ns, { id: `${id}/if:br0`, name: 'br0', kind: 'bridge', addresses: gatewayAddresses(network), source: 'inferred', managed: true, networkIds: [network.id] });
  const vxlan = graph.addInterface(ns, { id: `${id}/if:vxlan0`, name: 'vxlan0', kind: 'vxlan', addresses: [], source: 'inferred', managed: true, networkIds: [network.id] });
  graph.edge('bridgePort', vxlan.id, br0.id, 'inferred', true);
  graph.anchor(network.id, br0.id);
  return { ns, br0 };
}

/** The host interface a macvlan/ipvlan network hangs from (its `parent` option). */
function inferredParent({ graph }: Inference, network: NetworkModel): TopoInterface | undefined {
  const parent = network.options.parent;
  if (!parent) {
    return undefined;
  }
  const existing = graph.interfaceByName(graph.host, parent);
  if (existing) {
    return existing;
  }
  const iface = graph.addInterface(graph.host, { id: `${HOST_NS}/if:${parent}`, name: parent, kind: 'other', addresses: [], source: 'inferred', managed: true, networkIds: [network.id] });
  graph.anchor(network.id, iface.id);
  return iface;
}

/** The container's side of one endpoint. Its name is Docker's pick inside the container: left unknown. */
function inferredEndpoint({ graph, aliasesOf }: Inference, ns: TopoNamespace, container: ContainerModel, endpoint: EndpointModel, kind: LinkKind): TopoInterface {
  return graph.addInterface(ns, {
    id: `${ns.id}/ep:${endpoint.networkId}`,
    kind,
    addresses: endpointAddresses(endpoint),
    mac: endpoint.mac,
    source: 'inferred',
    managed: true,
    networkIds: [endpoint.networkId],
    aliases: aliasesOf(endpoint),
    containerId: container.id,
  });
}

/** A new inferred far end of `own`'s veth (made by `make`, joined by an inferred edge), unless `own` has one already. */
function vethEnd(graph: TopologyGraph, own: TopoInterface, make: () => TopoInterface): TopoInterface | undefined {
  const linked = graph.linkedTo(own.id, 'veth');
  if (linked.length > 0) {
    return undefined; // observed (or already inferred): nothing to add
  }
  const end = make();
  graph.edge('veth', own.id, end.id, 'inferred', true);
  return end;
}

/** The kind of interface an endpoint gets inside the container (none for the null and host drivers). */
function endpointKind(network: NetworkModel): LinkKind | undefined {
  switch (network.driver) {
    case 'bridge':
    case 'overlay':
      return 'veth';
    case 'macvlan':
    case 'ipvlan':
      return network.driver;
    case 'null':
    case 'host':
      return undefined;
    default:
      return 'other';
  }
}

/**
 * What lies beyond a namespace's interface `own` on `network`, by the driver's rule: a veth to
 * the bridge or to the overlay's br0, the macvlan/ipvlan parent. Parts already there (observed)
 * are kept; only what is missing is inferred. `key` tells the inferred far ends apart.
 */
function inferMembership(inference: Inference, own: TopoInterface, key: string, network: NetworkModel): void {
  const { graph } = inference;
  if (network.driver === 'bridge') {
    const bridge = inferredBridge(inference, network);
    const home = plumbingNamespace(inference);
    const hostEnd = vethEnd(graph, own, () =>
      graph.addInterface(home, { id: `${home.id}/veth:${network.id}:${key}`, kind: 'veth', addresses: [], source: 'inferred', managed: true, networkIds: [network.id] }),
    );
    if (bridge && hostEnd) {
      graph.edge('bridgePort', hostEnd.id, bridge.id, 'inferred', true);
    }
  } else if (network.driver === 'overlay' && graph.linkedTo(own.id, 'veth').length === 0) {
    const { ns: overlay, br0 } = inferredOverlay(inference, network);
    const overlayEnd = vethEnd(graph, own, () =>
      graph.addInterface(overlay, { id: `${overlay.id}/veth:${key}`, kind: 'veth', addresses: [], source: 'inferred', managed: true, networkIds: [network.id] }),
    );
    graph.edge('bridgePort', overlayEnd!.id, br0.id, 'inferred', true);
  } else if ((network.driver === 'macvlan' || network.driver === 'ipvlan') && graph.linkedTo(own.id, 'parent').length === 0) {
    const parent = inferredParent(inference, network);
    if (parent) {
      graph.edge('parent', own.id, parent.id, 'inferred', true);
    }
  }
}

/**
 * A running container. When the probe did not see it, its namespace is inferred (with loopback
 * only when it has no network); when it did (`seen`), each endpoint keeps the interface the probe
 * matched to it and only what lies beyond that the probe could not see is inferred (the overlay
 * namespace it could not enter, the macvlan parent link).
 */
function inferContainer(inference: Inference, container: ContainerModel, seen: boolean): void {
  const { graph, inventory } = inference;
  const ns = graph.namespace(`ns:ctr:${container.id}`, () => ({ kind: 'container', containers: containerRefs(inventory, container), source: 'inferred' }));
  if (inference.slirp4netns.has(container.id)) {
    // Its own user-mode network: a TAP device and a slirp4netns process, no endpoint, no veth.
    inferredUserMode(inference, ns, container.id);
    return;
  }
  if (container.networkMode.kind === 'none' || container.memberships.every((endpoint) => inventory.networkById.get(endpoint.networkId)?.driver === 'null')) {
    if (!seen) {
      const networkIds = container.memberships.map((endpoint) => endpoint.networkId);
      graph.addInterface(ns, { id: `${ns.id}/if:lo`, name: 'lo', kind: 'loopback', addresses: ['127.0.0.1/8'], source: 'inferred', managed: true, networkIds, containerId: container.id });
    }
    return;
  }
  for (const endpoint of container.memberships) {
    const network = inventory.networkById.get(endpoint.networkId);
    const kind = network && endpointKind(network);
    if (!network || !kind) {
      continue;
    }
    const observed = seen ? ns.interfaces.find((iface) => iface.source === 'observed' && iface.networkIds[0] === endpoint.networkId) : undefined;
    inferMembership(inference, observed ?? inferredEndpoint(inference, ns, container, endpoint, kind), container.id, network);
  }
}

/**
 * Docker's rules, applied where nothing was observed: a bridge per bridge network (docker0,
 * br-<id12> or its custom name), one veth pair per endpoint of a running container, an overlay
 * namespace `1-<id10>` with br0 and vxlan0 per overlay network in use, macvlan/ipvlan
 * sub-interfaces hanging from their parent. Around the containers the probe saw, only what it
 * could not see.
 */
export function inferFromApi(inference: Inference, seenOwners: Set<string>): void {
  const { inventory, apiOnly } = inference;
  if (apiOnly) {
    // Without a probe every bridge is drawn, in use or not; with one, only those it saw or that serve a running container.
    for (const network of inventory.networks) {
      inferredBridge(inference, network);
    }
  }
  for (const container of inventory.containers) {
    if (container.running && !container.sharesStackOf && container.networkMode.kind !== 'host') {
      inferContainer(inference, container, seenOwners.has(container.id));
    }
  }
  const rootlessNs = inference.graph.namespaces.get(ROOTLESS_NS);
  if (rootlessNs) {
    // The rootless network namespace reaches out through its own slirp4netns.
    inferredUserMode(inference, rootlessNs);
  }
}

/** Whether a container is a task of a swarm service. */
function isSwarmTask(container: ContainerModel): boolean {
  return Boolean(container.labels['com.docker.swarm.task.id']);
}

/** An inferred veth end inside one of swarm's namespaces, plugged into `network`'s overlay br0. */
function inferredOverlayLeg(inference: Inference, ns: TopoNamespace, name: string, network: NetworkModel): void {
  const { graph } = inference;
  const own = graph.addInterface(ns, { id: `${ns.id}/if:${name}`, name, kind: 'veth', addresses: [], source: 'inferred', managed: true, networkIds: [network.id] });
  inferMembership(inference, own, ns.name ?? ns.id, network);
}

/**
 * ingress_sbox's leg on docker_gwbridge: joined to the one host port of that bridge whose peer
 * nobody accounts for (the probe saw it, not its namespace), else to an inferred port.
 */
function inferredGatewayLeg(inference: Inference, sbox: TopoNamespace, gateway: NetworkModel): void {
  const { graph } = inference;
  const bridge = inferredBridge(inference, gateway);
  const unpaired = bridge
    ? graph.linkedTo(bridge.id, 'bridgePort').map((id) => graph.interfaceById(id)!).filter((port) => port.source === 'observed' && port.kind === 'veth' && graph.linkedTo(port.id, 'veth').length === 0)
    : [];
  const hostEnd = unpaired.length === 1 ? unpaired[0] : undefined;
  const eth1 = graph.addInterface(sbox, {
    id: `${sbox.id}/if:eth1`,
    name: 'eth1',
    kind: 'veth',
    ...(hostEnd ? { ifindex: hostEnd.linkIndex, linkIndex: hostEnd.ifindex } : {}),
    addresses: [],
    source: 'inferred',
    managed: true,
    networkIds: [gateway.id],
  });
  if (hostEnd) {
    graph.edge('veth', eth1.id, hostEnd.id, 'inferred', true);
  } else {
    inferMembership(inference, eth1, 'ingress_sbox', gateway);
  }
}

/**
 * Swarm's own namespaces where the probe could not enter them: ingress_sbox (eth0 on the ingress
 * overlay, eth1 on docker_gwbridge) on every swarm node, and a load balancer `lb_<id9>` (eth0 on
 * the overlay) for each overlay network that has a service task on this host.
 */
export function inferSwarmNamespaces(inference: Inference): void {
  const { graph, inventory } = inference;
  const seen = (kind: NamespaceKind, networkId?: string) => [...graph.namespaces.values()].some((ns) => ns.kind === kind && (!networkId || ns.networkId === networkId));
  const ingress = inventory.networks.find((network) => network.ingress && network.driver === 'overlay');
  if (ingress && !seen('ingress')) {
    const sbox = graph.namespace('ns:netns:ingress_sbox', () => ({ kind: 'ingress', name: 'ingress_sbox', containers: [], source: 'inferred' }));
    inferredOverlayLeg(inference, sbox, 'eth0', ingress);
    const gateway = inventory.networks.find((network) => network.bridgeName === 'docker_gwbridge');
    if (gateway) {
      inferredGatewayLeg(inference, sbox, gateway);
    }
  }
  for (const network of inventory.networks) {
    const tasks = network.driver === 'overlay' && !network.ingress && network.endpoints.some((endpoint) => endpoint.running && isSwarmTask(inventory.containerById.get(endpoint.containerId)!));
    if (tasks && !seen('loadBalancer', network.id)) {
      const lb = graph.namespace(`ns:lb:${network.id}`, () => ({ kind: 'loadBalancer', name: `lb_${network.id.slice(0, 9)}`, networkId: network.id, containers: [], source: 'inferred' }));
      inferredOverlayLeg(inference, lb, 'eth0', network);
    }
  }
}

/** Stopped containers have no namespace now: drawn from the API alone, linked to the networks they would join. */
export function placeStoppedContainers(graph: TopologyGraph, inventory: Inventory): void {
  for (const container of inventory.containers) {
    if (container.running || container.networkMode.kind === 'host' || container.sharesStackOf) {
      continue;
    }
    const ns = graph.namespace(`ns:ctr:${container.id}`, () => ({ kind: 'container', containers: containerRefs(inventory, container), source: 'inferred', stopped: true }));
    for (const endpoint of container.memberships) {
      for (const anchor of graph.anchorsOf(endpoint.networkId)) {
        graph.edge('stoppedMember', ns.id, anchor, 'inferred', true);
      }
    }
  }
}
