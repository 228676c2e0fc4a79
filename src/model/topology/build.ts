/**
 * Builds the host topology from the inventory (Engine API) and the host facts (probe). Where the
 * probe saw a namespace, its interfaces are taken as observed; what the probe could not see is
 * inferred from the API by Docker's own rules (bridge names, one veth per bridge endpoint, overlay
 * namespaces `1-<id10>` with br0 and vxlan0, macvlan parents). Pure.
 */
import type { ContainerModel, EndpointModel, Inventory, NetworkModel } from '../inventory';
import { cidrOf } from '../inventory';
import type { EndpointNamesLookup } from '../endpointNames';
import type { FactSource, HostFacts, LinkFact, NamespaceFact, SandboxInfo } from './facts';
import type { TopoContainerRef, TopoEdge, TopoInterface, TopoNamespace, TopoNetwork, Topology } from './types';

export interface TopologyInput {
  inventory: Inventory;
  /** Sandbox key and pid of running containers (from inspect), by container id. */
  sandboxes: Record<string, SandboxInfo>;
  facts: HostFacts;
  /** Aliases of the endpoints whose containers were inspected (kept beside the inventory). */
  endpointNames?: EndpointNamesLookup;
}

/** The user's aliases of an endpoint, or undefined when there are none or they are not known. */
function aliasesOf(endpointNames: EndpointNamesLookup | undefined, endpoint: EndpointModel | undefined): string[] | undefined {
  const aliases = endpoint && endpointNames?.(endpoint)?.aliases;
  return aliases && aliases.length > 0 ? aliases : undefined;
}

export const HOST_NS = 'ns:host';

/** Docker's overlay namespace name: `1-` and the first ten characters of the network id. */
export function overlayNamespaceName(networkId: string): string {
  return `1-${networkId.slice(0, 10)}`;
}

function sandboxFileName(key: string | undefined): string | undefined {
  if (!key) {
    return undefined;
  }
  const parts = key.split('/');
  return parts[parts.length - 1] || undefined;
}

class Builder {
  readonly namespaces = new Map<string, TopoNamespace>();
  readonly edges = new Map<string, TopoEdge>();
  private readonly inventory: Inventory;

  constructor(inventory: Inventory) {
    this.inventory = inventory;
  }

  namespace(id: string, init: () => Omit<TopoNamespace, 'id' | 'interfaces'>): TopoNamespace {
    let ns = this.namespaces.get(id);
    if (!ns) {
      ns = { id, interfaces: [], ...init() };
      this.namespaces.set(id, ns);
    }
    return ns;
  }

  private readonly interfaceById = new Map<string, TopoInterface>();

  /** Any interface added so far, by its id. */
  interfaceWithId(id: string): TopoInterface | undefined {
    return this.interfaceById.get(id);
  }

  interfaceByName(ns: TopoNamespace, name: string | undefined): TopoInterface | undefined {
    return name === undefined ? undefined : this.interfaceById.get(`${ns.id}/if:${name}`);
  }

  addInterface(ns: TopoNamespace, iface: Omit<TopoInterface, 'namespaceId'>): TopoInterface {
    const existing = this.interfaceById.get(iface.id);
    if (existing) {
      for (const networkId of iface.networkIds) {
        if (!existing.networkIds.includes(networkId)) {
          existing.networkIds.push(networkId);
        }
      }
      return existing;
    }
    // Callers pass a fresh literal: complete it in place (same key order as a spread, one object less).
    const created = iface as TopoInterface;
    created.namespaceId = ns.id;
    ns.interfaces.push(created);
    this.interfaceById.set(created.id, created);
    return created;
  }

  edge(kind: TopoEdge['kind'], a: string, b: string, source: FactSource, managed: boolean): void {
    const [from, to] = kind === 'veth' && b < a ? [b, a] : [a, b];
    const id = `${kind}:${from}|${to}`;
    if (!this.edges.has(id)) {
      this.edges.set(id, { id, kind, from, to, source, managed });
    }
  }

  host(): TopoNamespace {
    return this.namespace(HOST_NS, () => ({ kind: 'host', containers: [], source: 'observed' }));
  }

  containerRefs(owner: ContainerModel): TopoContainerRef[] {
    const refs: TopoContainerRef[] = [{ id: owner.id, name: owner.name, running: owner.running, via: 'own' }];
    for (const guest of owner.sharedBy) {
      const model = this.inventory.containerById.get(guest.id);
      refs.push({ id: guest.id, name: guest.name, running: model?.running ?? false, via: 'shared' });
    }
    return refs;
  }
}

function ownerOf(inventory: Inventory, container: ContainerModel): ContainerModel {
  return container.sharesStackOf ? inventory.containerById.get(container.sharesStackOf.id) ?? container : container;
}

function endpointAddresses(endpoint: EndpointModel): string[] {
  const addresses: string[] = [];
  const v4 = cidrOf(endpoint.ipv4, endpoint.ipv4PrefixLength);
  if (v4) {
    addresses.push(v4);
  }
  const v6 = cidrOf(endpoint.ipv6, endpoint.ipv6PrefixLength);
  if (v6) {
    addresses.push(v6);
  }
  return addresses;
}

function gatewayAddresses(network: NetworkModel): string[] {
  const addresses: string[] = [];
  for (const subnet of network.subnets) {
    if (subnet.gateway && subnet.subnet) {
      addresses.push(`${subnet.gateway}/${subnet.subnet.split('/')[1]}`);
    }
  }
  return addresses;
}

/** Interfaces of the host namespace worth drawing: Docker bridges, their ports, and parents of macvlan/ipvlan links. */
/** The fields of an interface that come straight from what the probe saw. */
function observedInterface(namespaceId: string, link: LinkFact) {
  return {
    id: `${namespaceId}/if:${link.name}`,
    name: link.name,
    kind: link.kind,
    ifindex: link.ifindex,
    linkIndex: link.linkIndex,
    addresses: link.addresses,
    mac: link.mac,
    state: link.state,
    mtu: link.mtu,
    source: 'observed' as const,
  };
}

function hostInterfaceRelevant(link: LinkFact, bridgeNames: Set<string>, neededIndexes: Set<number>): boolean {
  if (bridgeNames.has(link.name)) {
    return true;
  }
  if (link.master && bridgeNames.has(link.master)) {
    return true;
  }
  return neededIndexes.has(link.ifindex);
}

export function buildTopology(input: TopologyInput): Topology {
  const { inventory, sandboxes, facts } = input;
  const b = new Builder(inventory);
  const host = b.host();
  host.source = facts.level === 'api' ? 'inferred' : 'observed';

  const networks: TopoNetwork[] = inventory.networks.map((network) => ({ id: network.id, name: network.name, driver: network.driver, anchorInterfaceIds: [] }));
  const topoNetworkById = new Map(networks.map((network) => [network.id, network]));
  const bridgeNetworkByName = new Map<string, NetworkModel>();
  for (const network of inventory.networks) {
    if (network.bridgeName) {
      bridgeNetworkByName.set(network.bridgeName, network);
    }
  }
  const overlayByNsName = new Map<string, NetworkModel>();
  const lbByNsName = new Map<string, NetworkModel>();
  for (const network of inventory.networks) {
    if (network.driver === 'overlay') {
      overlayByNsName.set(overlayNamespaceName(network.id), network);
      lbByNsName.set(`lb_${network.id.slice(0, 9)}`, network);
    }
  }

  // Which container namespace a sandbox file or pid stands for.
  const ownerBySandbox = new Map<string, ContainerModel>();
  const ownerByPid = new Map<number, ContainerModel>();
  for (const container of inventory.containers) {
    const info = sandboxes[container.id];
    if (!info || !container.running || container.networkMode.kind === 'host') {
      continue;
    }
    const owner = ownerOf(inventory, container);
    const file = sandboxFileName(info.sandboxKey);
    if (file && container.id === owner.id) {
      ownerBySandbox.set(file, owner);
    }
    if (info.pid) {
      ownerByPid.set(info.pid, owner);
    }
  }

  // Host-mode containers live in the host namespace.
  for (const container of inventory.containers) {
    if (container.networkMode.kind === 'host') {
      host.containers.push({ id: container.id, name: container.name, running: container.running, via: 'host' });
    }
  }

  const seenOwners = new Set<string>();

  // ---- observed namespaces -----------------------------------------------------------------------
  if (facts.level !== 'api') {
    const hostFact = facts.namespaces.find((ns) => ns.kind === 'host');
    const nsFacts = facts.namespaces.filter((ns) => ns.kind !== 'host');
    // First pass: decide each namespace's identity.
    const placed: { fact: NamespaceFact; ns: TopoNamespace; owner?: ContainerModel; network?: NetworkModel }[] = [];
    for (const fact of nsFacts) {
      const ownerFromIds = fact.containerIds.map((id) => inventory.containerById.get(id)).find(Boolean);
      const owner = ownerFromIds
        ? ownerOf(inventory, ownerFromIds)
        : ownerBySandbox.get(fact.name) ?? (fact.name.startsWith('pid:') ? ownerByPid.get(Number(fact.name.slice(4))) : undefined);
      if (owner) {
        seenOwners.add(owner.id);
        const ns = b.namespace(`ns:ctr:${owner.id}`, () => ({ kind: 'container', name: fact.name.startsWith('pid:') ? undefined : fact.name, containers: b.containerRefs(owner), source: 'observed' }));
        placed.push({ fact, ns, owner });
        continue;
      }
      const overlay = overlayByNsName.get(fact.name);
      if (overlay) {
        placed.push({ fact, ns: b.namespace(`ns:overlay:${overlay.id}`, () => ({ kind: 'overlay', name: fact.name, networkId: overlay.id, containers: [], source: 'observed' })), network: overlay });
        continue;
      }
      const lb = fact.kind === 'loadBalancer' ? lbByNsName.get(fact.name) ?? [...lbByNsName.entries()].find(([name]) => fact.name.startsWith(name))?.[1] : undefined;
      if (lb) {
        placed.push({ fact, ns: b.namespace(`ns:lb:${lb.id}`, () => ({ kind: 'loadBalancer', name: fact.name, networkId: lb.id, containers: [], source: 'observed' })), network: lb });
        continue;
      }
      if (fact.kind === 'container' || fact.kind === 'other') {
        // A sandbox whose container we do not know (not inspected yet, or it just vanished): leave it out.
        continue;
      }
      placed.push({ fact, ns: b.namespace(`ns:netns:${fact.name}`, () => ({ kind: fact.kind, name: fact.name, containers: [], source: 'observed' })) });
    }

    // Container-side interfaces: match Docker's endpoints by MAC (then by address) to tell managed from hand-made.
    const neededHostIndexes = new Set<number>();
    const linkByIface = new Map<TopoInterface, LinkFact>();
    for (const { fact, ns, owner, network } of placed) {
      const endpoints = owner ? owner.memberships : [];
      const usable = fact.links.filter((link) => link.kind !== 'loopback' || fact.links.every((other) => other.kind === 'loopback'));
      for (const link of usable) {
        const endpoint =
          endpoints.find((candidate) => candidate.mac && link.mac && candidate.mac.toLowerCase() === link.mac.toLowerCase()) ??
          endpoints.find((candidate) => candidate.ipv4 && link.addresses.some((address) => address.split('/')[0] === candidate.ipv4));
        const dockerNs = !owner; // overlay, ingress, load balancer: all Docker's
        const managed = dockerNs || Boolean(endpoint) || link.kind === 'loopback';
        const networkIds = endpoint ? [endpoint.networkId] : network ? [network.id] : [];
        const iface = b.addInterface(ns, {
          ...observedInterface(ns.id, link),
          managed,
          networkIds,
          aliases: aliasesOf(input.endpointNames, endpoint),
          containerId: owner?.id,
        });
        linkByIface.set(iface, link);
        if ((link.kind === 'macvlan' || link.kind === 'ipvlan') && link.linkIndex !== undefined) {
          neededHostIndexes.add(link.linkIndex);
        }
        if (network && link.kind === 'bridge') {
          topoNetworkById.get(network.id)?.anchorInterfaceIds.push(iface.id);
        }
      }
    }

    // Host interfaces: bridges of Docker networks (and custom-named ones), their ports, macvlan parents.
    const bridgeNames = new Set(bridgeNetworkByName.keys());
    const hostLinks = hostFact?.links ?? [];
    const hostIfaceByIndex = new Map<number, TopoInterface>();
    for (const link of hostLinks) {
      if (!hostInterfaceRelevant(link, bridgeNames, neededHostIndexes)) {
        continue;
      }
      const bridgeNetwork = bridgeNetworkByName.get(link.name);
      const iface = b.addInterface(host, {
        ...observedInterface(HOST_NS, link),
        managed: Boolean(bridgeNetwork) || neededHostIndexes.has(link.ifindex),
        networkIds: bridgeNetwork ? [bridgeNetwork.id] : link.master && bridgeNetworkByName.get(link.master) ? [bridgeNetworkByName.get(link.master)!.id] : [],
      });
      linkByIface.set(iface, link);
      hostIfaceByIndex.set(link.ifindex, iface);
      if (bridgeNetwork) {
        topoNetworkById.get(bridgeNetwork.id)?.anchorInterfaceIds.push(iface.id);
      }
    }
    // macvlan/ipvlan parents anchor their networks.
    for (const network of inventory.networks) {
      const parent = network.options.parent;
      if ((network.driver === 'macvlan' || network.driver === 'ipvlan') && parent) {
        const iface = b.interfaceByName(host, parent);
        if (iface) {
          iface.networkIds.push(network.id);
          topoNetworkById.get(network.id)?.anchorInterfaceIds.push(iface.id);
        }
      }
    }

    // Edges: bridge ports (same namespace), veth pairs (reciprocal ifindex), parents (host namespace).
    const allNamespaces = [...b.namespaces.values()];
    for (const ns of allNamespaces) {
      for (const iface of ns.interfaces) {
        const link = linkByIface.get(iface);
        if (!link) {
          continue;
        }
        if (link.master) {
          const bridge = ns.interfaces.find((candidate) => candidate.name === link.master);
          if (bridge) {
            b.edge('bridgePort', iface.id, bridge.id, 'observed', iface.managed);
          }
        }
        if ((iface.kind === 'macvlan' || iface.kind === 'ipvlan') && link.linkIndex !== undefined && ns.id !== HOST_NS) {
          const parent = hostIfaceByIndex.get(link.linkIndex);
          if (parent) {
            b.edge('parent', iface.id, parent.id, 'observed', true);
          }
        }
      }
    }
    // veth pairs: one end's linkIndex is the other's ifindex. A side whose linkIndex is unknown
    // (read through procfs) matches on its ifindex alone.
    const veths: { iface: TopoInterface; link: LinkFact }[] = [];
    for (const [iface, link] of linkByIface) {
      if (link.kind === 'veth' || (link.kind === 'other' && link.linkIndex === undefined)) {
        veths.push({ iface, link });
      }
    }
    const byIndex = new Map<number, { iface: TopoInterface; link: LinkFact }[]>();
    for (const entry of veths) {
      const list = byIndex.get(entry.link.ifindex) ?? [];
      list.push(entry);
      byIndex.set(entry.link.ifindex, list);
    }
    const paired = new Set<TopoInterface>();
    for (const entry of veths) {
      const { iface, link } = entry;
      if (link.linkIndex === undefined || paired.has(iface)) {
        continue;
      }
      const candidates = (byIndex.get(link.linkIndex) ?? []).filter(
        (other) =>
          other !== entry &&
          !paired.has(other.iface) &&
          (other.link.linkIndex === undefined || other.link.linkIndex === link.ifindex) &&
          (link.linkInOtherNamespace === undefined || (other.iface.namespaceId !== iface.namespaceId) === link.linkInOtherNamespace),
      );
      const peer = candidates[0];
      if (!peer) {
        continue;
      }
      paired.add(iface);
      paired.add(peer.iface);
      if (peer.iface.kind === 'other') {
        peer.iface.kind = 'veth';
        peer.iface.linkIndex = link.ifindex;
      }
      // A pair reaching into a container is Docker's when the container end matched one of its
      // endpoints (MAC or address); elsewhere when either end is Docker's.
      const sides = [iface, peer.iface];
      const inContainers = sides.filter((side) => b.namespaces.get(side.namespaceId)?.kind === 'container');
      // Swarm's docker_gwbridge endpoints are not listed among the container's networks: a veth
      // plugged into that bridge is Docker's too.
      const onGwBridge = sides.some((side) => linkByIface.get(side)?.master === 'docker_gwbridge');
      const managed = onGwBridge || (inContainers.length > 0 ? inContainers.every((side) => side.managed) : sides.some((side) => side.managed || isDockerSide(side, b)));
      iface.managed = managed;
      peer.iface.managed = managed;
      for (const networkId of [...iface.networkIds, ...peer.iface.networkIds]) {
        if (!iface.networkIds.includes(networkId)) iface.networkIds.push(networkId);
        if (!peer.iface.networkIds.includes(networkId)) peer.iface.networkIds.push(networkId);
      }
      b.edge('veth', iface.id, peer.iface.id, 'observed', managed);
    }
    // Bridge-port edges were made before the veth pass settled `managed`: refresh them.
    for (const edge of b.edges.values()) {
      if (edge.kind === 'bridgePort') {
        const port = b.interfaceWithId(edge.from);
        edge.managed = port?.managed ?? edge.managed;
      }
    }
    // Host-side veths that are not bridge ports and have no peer drawn are noise (another tool's).
    const connected = new Set<string>();
    for (const edge of b.edges.values()) {
      connected.add(edge.from);
      connected.add(edge.to);
    }
    host.interfaces = host.interfaces.filter((iface) => iface.kind !== 'veth' || connected.has(iface.id));
  }

  // ---- inferred parts: whatever the probe did not see ---------------------------------------------
  inferFromApi(b, inventory, seenOwners, facts.level === 'api', topoNetworkById, input.endpointNames);

  // ---- stopped containers --------------------------------------------------------------------------
  for (const container of inventory.containers) {
    if (container.running || container.networkMode.kind === 'host' || container.sharesStackOf) {
      continue;
    }
    const ns = b.namespace(`ns:ctr:${container.id}`, () => ({ kind: 'container', containers: b.containerRefs(container), source: 'inferred', stopped: true }));
    for (const endpoint of container.memberships) {
      const network = topoNetworkById.get(endpoint.networkId);
      for (const anchor of network?.anchorInterfaceIds ?? []) {
        b.edge('stoppedMember', ns.id, anchor, 'inferred', true);
      }
    }
  }

  const namespaces = [...b.namespaces.values()];
  for (const ns of namespaces) {
    ns.interfaces.sort((x, y) => x.id.localeCompare(y.id));
    ns.containers.sort((x, y) => (x.via === 'own' ? -1 : y.via === 'own' ? 1 : x.name.localeCompare(y.name)));
  }
  const rank = { host: 0, overlay: 1, ingress: 2, loadBalancer: 3, container: 4, other: 5 } as const;
  namespaces.sort((x, y) => rank[x.kind] - rank[y.kind] || nsSortName(x).localeCompare(nsSortName(y)) || x.id.localeCompare(y.id));
  return {
    level: facts.level,
    reason: facts.reason,
    warnings: [...facts.warnings],
    namespaces,
    edges: [...b.edges.values()].sort((x, y) => x.id.localeCompare(y.id)),
    networks,
  };
}

function nsSortName(ns: TopoNamespace): string {
  return ns.containers[0]?.name ?? ns.name ?? '';
}

function isDockerSide(iface: TopoInterface, b: Builder): boolean {
  const ns = b.namespaces.get(iface.namespaceId);
  return Boolean(ns && ns.kind !== 'host' && ns.kind !== 'container' && ns.kind !== 'other');
}

/**
 * Docker's rules, applied where nothing was observed: a bridge per bridge network (docker0,
 * br-<id12> or its custom name), one veth pair per endpoint of a running container, an overlay
 * namespace `1-<id10>` with br0 and vxlan0 per overlay network in use, macvlan/ipvlan
 * sub-interfaces hanging from their parent.
 */
function inferFromApi(b: Builder, inventory: Inventory, seenOwners: Set<string>, apiOnly: boolean, topoNetworkById: Map<string, TopoNetwork>, endpointNames: EndpointNamesLookup | undefined): void {
  const host = b.host();
  const bridgeIface = (network: NetworkModel): TopoInterface | undefined => {
    if (!network.bridgeName) {
      return undefined;
    }
    const existing = b.interfaceByName(host, network.bridgeName);
    if (existing) {
      return existing;
    }
    if (!apiOnly && !network.endpoints.some((endpoint) => endpoint.running)) {
      // The probe looked and did not find it (a bridge appears only once in use on some engines).
      return undefined;
    }
    const iface = b.addInterface(host, {
      id: `${HOST_NS}/if:${network.bridgeName}`,
      name: network.bridgeName,
      kind: 'bridge',
      addresses: gatewayAddresses(network),
      source: 'inferred',
      managed: true,
      networkIds: [network.id],
    });
    topoNetworkById.get(network.id)?.anchorInterfaceIds.push(iface.id);
    return iface;
  };
  if (apiOnly) {
    for (const network of inventory.networks) {
      bridgeIface(network);
    }
  }
  const overlayNs = (network: NetworkModel): { ns: TopoNamespace; br0: TopoInterface } => {
    const id = `ns:overlay:${network.id}`;
    const ns = b.namespace(id, () => ({ kind: 'overlay', name: overlayNamespaceName(network.id), networkId: network.id, containers: [], source: 'inferred' }));
    let br0 = b.interfaceByName(ns, 'br0');
    if (!br0) {
      br0 = b.addInterface(ns, { id: `${id}/if:br0`, name: 'br0', kind: 'bridge', addresses: gatewayAddresses(network), source: 'inferred', managed: true, networkIds: [network.id] });
      const vxlan = b.addInterface(ns, { id: `${id}/if:vxlan0`, name: 'vxlan0', kind: 'vxlan', addresses: [], source: 'inferred', managed: true, networkIds: [network.id] });
      b.edge('bridgePort', vxlan.id, br0.id, 'inferred', true);
      topoNetworkById.get(network.id)?.anchorInterfaceIds.push(br0.id);
    }
    return { ns, br0 };
  };
  const parentIface = (network: NetworkModel): TopoInterface | undefined => {
    const parent = network.options.parent;
    if (!parent) {
      return undefined;
    }
    const existing = b.interfaceByName(host, parent);
    if (existing) {
      return existing;
    }
    const iface = b.addInterface(host, { id: `${HOST_NS}/if:${parent}`, name: parent, kind: 'other', addresses: [], source: 'inferred', managed: true, networkIds: [network.id] });
    topoNetworkById.get(network.id)?.anchorInterfaceIds.push(iface.id);
    return iface;
  };

  for (const container of inventory.containers) {
    if (!container.running || container.sharesStackOf || container.networkMode.kind === 'host' || seenOwners.has(container.id)) {
      continue;
    }
    const ns = b.namespace(`ns:ctr:${container.id}`, () => ({ kind: 'container', containers: b.containerRefs(container), source: 'inferred' }));
    if (container.networkMode.kind === 'none' || container.memberships.every((endpoint) => inventory.networkById.get(endpoint.networkId)?.driver === 'null')) {
      b.addInterface(ns, { id: `${ns.id}/if:lo`, name: 'lo', kind: 'loopback', addresses: ['127.0.0.1/8'], source: 'inferred', managed: true, networkIds: [], containerId: container.id });
      continue;
    }
    for (const endpoint of container.memberships) {
      const network = inventory.networkById.get(endpoint.networkId);
      if (!network) {
        continue;
      }
      const inner = (kind: TopoInterface['kind']) =>
        b.addInterface(ns, {
          id: `${ns.id}/ep:${network.id}`,
          kind,
          addresses: endpointAddresses(endpoint),
          mac: endpoint.mac,
          source: 'inferred',
          managed: true,
          networkIds: [network.id],
          aliases: aliasesOf(endpointNames, endpoint),
          containerId: container.id,
        });
      if (network.driver === 'bridge') {
        const bridge = bridgeIface(network) ?? b.interfaceByName(host, network.bridgeName);
        const own = inner('veth');
        const hostEnd = b.addInterface(host, { id: `${HOST_NS}/veth:${network.id}:${container.id}`, kind: 'veth', addresses: [], source: 'inferred', managed: true, networkIds: [network.id] });
        b.edge('veth', own.id, hostEnd.id, 'inferred', true);
        if (bridge) {
          b.edge('bridgePort', hostEnd.id, bridge.id, 'inferred', true);
        }
      } else if (network.driver === 'overlay') {
        const { ns: overlay, br0 } = overlayNs(network);
        const own = inner('veth');
        const end = b.addInterface(overlay, { id: `${overlay.id}/veth:${container.id}`, kind: 'veth', addresses: [], source: 'inferred', managed: true, networkIds: [network.id] });
        b.edge('veth', own.id, end.id, 'inferred', true);
        b.edge('bridgePort', end.id, br0.id, 'inferred', true);
      } else if (network.driver === 'macvlan' || network.driver === 'ipvlan') {
        const own = inner(network.driver);
        const parent = parentIface(network);
        if (parent) {
          b.edge('parent', own.id, parent.id, 'inferred', true);
        }
      } else if (network.driver !== 'null' && network.driver !== 'host') {
        inner('other');
      }
    }
  }
}
