/**
 * Builds the host topology from the inventory (Engine API) and the host facts (probe). Where the
 * probe saw a namespace, its interfaces are taken as observed; what the probe could not see is
 * inferred from the API by Docker's own rules (bridge names, one veth per bridge endpoint, overlay
 * namespaces `1-<id10>` with br0 and vxlan0, macvlan parents). Pure.
 *
 * The build runs in phases that each produce a value, so no kind or flag is patched afterwards:
 * - identify: what each observed namespace is (a container's sandbox, an overlay, a load balancer…);
 * - collect: the observed interfaces worth drawing, with what Docker's records say about each;
 * - pair: veth ends matched by their reciprocal ifindex;
 * - classify: who made each pair, the networks both ends serve, the kind of an end only pairing recognised;
 * - place: the observed namespaces, interfaces and edges, written into the graph;
 * - infer: Docker's rules for what the probe did not see, then the stopped containers;
 * - order: a stable order, so the same host always gives the same topology.
 */
import type { ContainerModel, EndpointModel, Inventory, NetworkModel } from '../inventory';
import { cidrOf } from '../inventory';
import type { EndpointNamesLookup } from '../endpointNames';
import type { FactSource, HostFacts, LinkFact, LinkKind, NamespaceFact, NamespaceKind, SandboxInfo } from './facts';
import type { TopoContainerRef, TopoEdge, TopoEdgeKind, TopoInterface, TopoNamespace, TopoNetwork, Topology } from './types';
import type { SwarmPeersLookup } from '../swarm';
import { withSwarmNodes } from './swarmNodes';

export interface TopologyInput {
  inventory: Inventory;
  /** Sandbox key and pid of running containers (from inspect), by container id. */
  sandboxes: Record<string, SandboxInfo>;
  facts: HostFacts;
  /** Aliases of the endpoints whose containers were inspected (kept beside the inventory). */
  endpointNames?: EndpointNamesLookup;
  /** On a swarm manager: the Peers of the swarm networks read so far (the nodes each spans). */
  swarmPeers?: SwarmPeersLookup;
}

/** The user's aliases of an endpoint, or undefined when it has none or they are not known. */
type AliasesOf = (endpoint: EndpointModel | undefined) => string[] | undefined;

function aliasLookup(endpointNames: EndpointNamesLookup | undefined): AliasesOf {
  return (endpoint) => {
    const aliases = endpoint && endpointNames?.(endpoint)?.aliases;
    return aliases && aliases.length > 0 ? aliases : undefined;
  };
}

const HOST_NS = 'ns:host';

/** A namespace as it enters the topology, before it holds interfaces. */
type NamespaceDetails = Omit<TopoNamespace, 'id' | 'interfaces'>;

export function buildTopology(input: TopologyInput): Topology {
  const { inventory, sandboxes, facts } = input;
  const aliasesOf = aliasLookup(input.endpointNames);
  const probed = facts.level !== 'api';
  const networks = inventory.networks.map(topoNetwork);
  const graph = new TopologyGraph(networks, { kind: 'host', containers: hostModeContainers(inventory), source: probed ? 'observed' : 'inferred' });
  const seenOwners = probed ? placeObserved(graph, observeHost(inventory, sandboxes, facts, aliasesOf)) : new Set<string>();
  const inference: Inference = { graph, inventory, apiOnly: !probed, aliasesOf };
  inferFromApi(inference, seenOwners);
  inferSwarmNamespaces(inference);
  placeStoppedContainers(graph, inventory);
  return withSwarmNodes(ordered(graph, facts), inventory.swarm, input.swarmPeers);
}

/** A network as the diagram names it: name, driver, and the macvlan/ipvlan mode. */
function topoNetwork(network: NetworkModel): TopoNetwork {
  const mode = network.driver === 'macvlan' ? network.options.macvlan_mode || 'bridge' : network.driver === 'ipvlan' ? network.options.ipvlan_mode || 'l2' : undefined;
  return { id: network.id, name: network.name, driver: network.driver, ...(mode ? { mode } : {}), anchorInterfaceIds: [] };
}

// ---- the graph the phases write into ---------------------------------------------------------------

/**
 * Namespaces, interfaces and edges by stable id. The first writer of an id wins, so an inferred
 * part never replaces an observed one; adding an interface again only adds its networks.
 */
class TopologyGraph {
  readonly namespaces = new Map<string, TopoNamespace>();
  readonly edges = new Map<string, TopoEdge>();
  readonly host: TopoNamespace;
  private readonly interfaces = new Map<string, TopoInterface>();
  private readonly networkById: Map<string, TopoNetwork>;

  constructor(
    readonly networks: TopoNetwork[],
    host: NamespaceDetails,
  ) {
    this.networkById = new Map(networks.map((network) => [network.id, network]));
    this.host = this.namespace(HOST_NS, () => host);
  }

  namespace(id: string, details: () => NamespaceDetails): TopoNamespace {
    let ns = this.namespaces.get(id);
    if (!ns) {
      ns = { id, interfaces: [], ...details() };
      this.namespaces.set(id, ns);
    }
    return ns;
  }

  interfaceByName(ns: TopoNamespace, name: string | undefined): TopoInterface | undefined {
    return name === undefined ? undefined : this.interfaces.get(`${ns.id}/if:${name}`);
  }

  addInterface(ns: TopoNamespace, iface: Omit<TopoInterface, 'namespaceId'>): TopoInterface {
    const existing = this.interfaces.get(iface.id);
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
    this.interfaces.set(created.id, created);
    return created;
  }

  /** The interfaces joined to `interfaceId` by edges of `kind`. */
  linkedTo(interfaceId: string, kind: TopoEdgeKind): string[] {
    const linked: string[] = [];
    for (const edge of this.edges.values()) {
      if (edge.kind === kind && (edge.from === interfaceId || edge.to === interfaceId)) {
        linked.push(edge.from === interfaceId ? edge.to : edge.from);
      }
    }
    return linked;
  }

  interfaceById(id: string): TopoInterface | undefined {
    return this.interfaces.get(id);
  }

  edge(kind: TopoEdgeKind, a: string, b: string, source: FactSource, managed: boolean): void {
    // A veth pair has no direction: one id whichever end was met first.
    const [from, to] = kind === 'veth' && b < a ? [b, a] : [a, b];
    const id = `${kind}:${from}|${to}`;
    if (!this.edges.has(id)) {
      this.edges.set(id, { id, kind, from, to, source, managed });
    }
  }

  /** Records an interface that stands for a network in the diagram (its bridge, br0, or macvlan parent). */
  anchor(networkId: string, interfaceId: string): void {
    this.networkById.get(networkId)?.anchorInterfaceIds.push(interfaceId);
  }

  anchorsOf(networkId: string): string[] {
    return this.networkById.get(networkId)?.anchorInterfaceIds ?? [];
  }
}

// ---- small readings of the inventory ----------------------------------------------------------------

/** Docker's overlay namespace name: `1-` and the first ten characters of the network id. */
function overlayNamespaceName(networkId: string): string {
  return `1-${networkId.slice(0, 10)}`;
}

function sandboxFileName(key: string | undefined): string | undefined {
  if (!key) {
    return undefined;
  }
  const parts = key.split('/');
  return parts[parts.length - 1] || undefined;
}

/** The container whose network stack this one runs in (itself, unless `container:<x>` mode). */
function ownerOf(inventory: Inventory, container: ContainerModel): ContainerModel {
  return container.sharesStackOf ? inventory.containerById.get(container.sharesStackOf.id) ?? container : container;
}

/** The owner first, then the containers that borrow its stack. */
function containerRefs(inventory: Inventory, owner: ContainerModel): TopoContainerRef[] {
  const refs: TopoContainerRef[] = [{ id: owner.id, name: owner.name, running: owner.running, via: 'own' }];
  for (const guest of owner.sharedBy) {
    const model = inventory.containerById.get(guest.id);
    refs.push({ id: guest.id, name: guest.name, running: model?.running ?? false, via: 'shared' });
  }
  return refs;
}

/** Host-mode containers live in the host namespace. */
function hostModeContainers(inventory: Inventory): TopoContainerRef[] {
  return inventory.containers
    .filter((container) => container.networkMode.kind === 'host')
    .map((container) => ({ id: container.id, name: container.name, running: container.running, via: 'host' }));
}

function endpointAddresses(endpoint: EndpointModel): string[] {
  return [cidrOf(endpoint.ipv4, endpoint.ipv4PrefixLength), cidrOf(endpoint.ipv6, endpoint.ipv6PrefixLength)].filter((address): address is string => Boolean(address));
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

/** `own` followed by what `other` adds, in order: the networks of one veth end after pairing. */
function withNetworksOf(own: string[], other: string[]): string[] {
  const merged = [...own];
  for (const networkId of other) {
    if (!merged.includes(networkId)) {
      merged.push(networkId);
    }
  }
  return merged;
}

// ---- observed: identify -> collect -> pair -> classify -> place -----------------------------------

/** Networks by the names Docker gives their host-side parts. */
interface NetworkIndex {
  byBridgeName: Map<string, NetworkModel>;
  byOverlayNamespace: Map<string, NetworkModel>;
  byLoadBalancerNamespace: Map<string, NetworkModel>;
}

function indexNetworks(inventory: Inventory): NetworkIndex {
  const index: NetworkIndex = { byBridgeName: new Map(), byOverlayNamespace: new Map(), byLoadBalancerNamespace: new Map() };
  for (const network of inventory.networks) {
    if (network.bridgeName) {
      index.byBridgeName.set(network.bridgeName, network);
    }
    if (network.driver === 'overlay') {
      index.byOverlayNamespace.set(overlayNamespaceName(network.id), network);
      index.byLoadBalancerNamespace.set(`lb_${network.id.slice(0, 9)}`, network);
    }
  }
  return index;
}

/** Which container's namespace a sandbox file (root probe) or a pid (procfs probe) stands for. */
interface SandboxOwners {
  byFile: Map<string, ContainerModel>;
  byPid: Map<number, ContainerModel>;
}

function indexSandboxOwners(inventory: Inventory, sandboxes: Record<string, SandboxInfo>): SandboxOwners {
  const owners: SandboxOwners = { byFile: new Map(), byPid: new Map() };
  for (const container of inventory.containers) {
    const info = sandboxes[container.id];
    if (!info || !container.running || container.networkMode.kind === 'host') {
      continue;
    }
    const owner = ownerOf(inventory, container);
    const file = sandboxFileName(info.sandboxKey);
    // A guest's sandbox key names its owner's file already: only the owner registers it.
    if (file && container.id === owner.id) {
      owners.byFile.set(file, owner);
    }
    if (info.pid) {
      owners.byPid.set(info.pid, owner);
    }
  }
  return owners;
}

/** A namespace the probe saw, and what it turned out to be. */
interface IdentifiedNamespace {
  fact: NamespaceFact;
  id: string;
  details: NamespaceDetails;
  /** The container owning it (a sandbox). */
  owner?: ContainerModel;
  /** The overlay network it serves (overlay or load-balancer namespace). */
  network?: NetworkModel;
}

function identifyNamespace(fact: NamespaceFact, inventory: Inventory, networks: NetworkIndex, owners: SandboxOwners): IdentifiedNamespace | undefined {
  const named = fact.containerIds.map((id) => inventory.containerById.get(id)).find(Boolean);
  const owner = named
    ? ownerOf(inventory, named)
    : owners.byFile.get(fact.name) ?? (fact.name.startsWith('pid:') ? owners.byPid.get(Number(fact.name.slice(4))) : undefined);
  if (owner) {
    const details: NamespaceDetails = { kind: 'container', name: fact.name.startsWith('pid:') ? undefined : fact.name, containers: containerRefs(inventory, owner), source: 'observed' };
    return { fact, id: `ns:ctr:${owner.id}`, details, owner };
  }
  const overlay = networks.byOverlayNamespace.get(fact.name);
  if (overlay) {
    return { fact, id: `ns:overlay:${overlay.id}`, details: { kind: 'overlay', name: fact.name, networkId: overlay.id, containers: [], source: 'observed' }, network: overlay };
  }
  const balancers = networks.byLoadBalancerNamespace;
  // Swarm may name the namespace with more of the network id than the nine characters we key by.
  const lb = fact.kind === 'loadBalancer' ? balancers.get(fact.name) ?? [...balancers.entries()].find(([name]) => fact.name.startsWith(name))?.[1] : undefined;
  if (lb) {
    return { fact, id: `ns:lb:${lb.id}`, details: { kind: 'loadBalancer', name: fact.name, networkId: lb.id, containers: [], source: 'observed' }, network: lb };
  }
  if (fact.kind === 'named') {
    // `ip netns add`: not Docker's. Listed without being read (no root): it exists, drawn as inferred.
    return { fact, id: `ns:netns:${fact.name}`, details: { kind: 'named', name: fact.name, containers: [], source: fact.unread ? 'inferred' : 'observed' } };
  }
  if (fact.kind === 'container' || fact.kind === 'other') {
    // A sandbox whose container we do not know (not inspected yet, or it just vanished): leave it out.
    return undefined;
  }
  return { fact, id: `ns:netns:${fact.name}`, details: { kind: fact.kind, name: fact.name, containers: [], source: 'observed' } };
}

/** An interface the probe saw, with what Docker's records say about it. */
interface ObservedLink {
  /** `<namespace id>/if:<name>`. */
  id: string;
  namespaceId: string;
  namespaceKind: NamespaceKind;
  link: LinkFact;
  /** The link's kind, or `veth` for an `other` end that pairing recognised. */
  kind: LinkKind;
  /** The peer's or parent's ifindex (for a recognised veth end: its peer's). */
  linkIndex?: number;
  managed: boolean;
  networkIds: string[];
  aliases?: string[];
  containerId?: string;
  /** Networks this interface stands for in the diagram. */
  anchorFor: string[];
  /** The host's uplink: the gateways of the default routes that leave by it. */
  uplinkGateways?: string[];
}

/** How libnetwork names the host end of the veths it makes. */
const DOCKER_VETH_NAME = /^veth[0-9a-f]{7}$/;

/** A namespace's links with their ambiguous addresses settled (see settleAmbiguousAddresses). */
type SettleAddresses = (links: LinkFact[], owner: ContainerModel) => LinkFact[];

/**
 * Read through procfs, an address whose subnet two interfaces of a namespace have routes to (a
 * hand-made link on a Docker network's subnet) was put on both. The host end of a Docker veth
 * (whose iflink is the interface's ifindex, on a Docker network's bridge) tells which network an
 * interface serves: its endpoint's address stays on it and leaves the interfaces Docker did not make.
 */
function settleAmbiguousAddresses(hostLinks: LinkFact[], networks: NetworkIndex): SettleAddresses {
  return (links, owner) => {
    if (!links.some((link) => link.ambiguousAddresses)) {
      return links;
    }
    const portOf = (link: LinkFact) => hostLinks.find((host) => host.kind === 'veth' && host.linkIndex === link.ifindex && host.master);
    const networkOf = (link: LinkFact) => networks.byBridgeName.get(portOf(link)?.master ?? '');
    const endpointAddress = (link: LinkFact): string[] => {
      const network = networkOf(link);
      // Two links on one network's bridge (one made by hand): Docker's host end is `veth` and 7 hex digits.
      const rivals = network ? links.filter((other) => networkOf(other) === network) : [];
      if (rivals.length > 1 && !DOCKER_VETH_NAME.test(portOf(link)!.name)) {
        return [];
      }
      const endpoint = network && owner.memberships.find((candidate) => candidate.networkId === network.id);
      return endpoint ? endpointAddresses(endpoint) : [];
    };
    const ownAddresses = new Map(links.map((link) => [link, endpointAddress(link)]));
    const claimed = new Set([...ownAddresses.values()].flat());
    return links.map((link) => {
      if (!link.ambiguousAddresses) {
        return link;
      }
      const own = ownAddresses.get(link)!;
      const keep = (address: string) => !link.ambiguousAddresses!.includes(address) || (own.length > 0 ? own.includes(address) : !claimed.has(address));
      return { ...link, addresses: link.addresses.filter(keep) };
    });
  };
}

/** What an interface read through procfs (kind unknown) is, by its endpoint's driver. */
function kindByDriver(driver: string): LinkKind {
  return driver === 'macvlan' || driver === 'ipvlan' ? driver : driver === 'bridge' || driver === 'overlay' ? 'veth' : 'other';
}

/**
 * Interfaces inside the identified namespaces. Docker's endpoints are matched by MAC (then by
 * address) to tell its interfaces from hand-made ones; in Docker's own namespaces (overlay,
 * ingress, load balancer) everything is Docker's.
 */
function collectNamespaceLinks(identified: IdentifiedNamespace[], inventory: Inventory, settle: SettleAddresses, aliasesOf: AliasesOf): ObservedLink[] {
  const links: ObservedLink[] = [];
  for (const { fact: read, id: namespaceId, details, owner, network } of identified) {
    const fact = owner ? { ...read, links: settle(read.links, owner) } : read;
    const endpoints = owner ? owner.memberships : [];
    const named = details.kind === 'named';
    // A `--network none` container's only interface, lo, is what that network gives it.
    const nullNetworks = endpoints.filter((endpoint) => inventory.networkById.get(endpoint.networkId)?.driver === 'null').map((endpoint) => endpoint.networkId);
    // Loopback is noise beside real interfaces, but the only thing a `--network none` container has.
    const usable = fact.links.filter((link) => link.kind !== 'loopback' || fact.links.every((other) => other.kind === 'loopback'));
    for (const link of usable) {
      const endpoint =
        endpoints.find((candidate) => candidate.mac && link.mac && candidate.mac.toLowerCase() === link.mac.toLowerCase()) ??
        endpoints.find((candidate) => candidate.ipv4 && link.addresses.some((address) => address.split('/')[0] === candidate.ipv4));
      const driver = endpoint ? inventory.networkById.get(endpoint.networkId)?.driver : undefined;
      links.push({
        id: `${namespaceId}/if:${link.name}`,
        namespaceId,
        namespaceKind: details.kind,
        // Read through procfs, a link has no MAC and no kind: Docker's record of its endpoint tells them.
        link: !link.mac && endpoint?.mac ? { ...link, mac: endpoint.mac } : link,
        kind: link.kind === 'other' && driver ? kindByDriver(driver) : link.kind,
        linkIndex: link.linkIndex,
        managed: !named && (!owner || Boolean(endpoint) || link.kind === 'loopback'),
        networkIds: endpoint ? [endpoint.networkId] : network ? [network.id] : link.kind === 'loopback' ? nullNetworks : [],
        aliases: aliasesOf(endpoint),
        containerId: owner?.id,
        anchorFor: network && link.kind === 'bridge' ? [network.id] : [],
      });
    }
  }
  return links;
}

/** What makes a host interface worth drawing, beyond Docker's bridges and their ports. */
interface HostRelevance {
  bridgeNames: Set<string>;
  /** ifindexes the namespaces' macvlan/ipvlan links hang from. */
  parentIndexes: Set<number>;
  /** Parents named by macvlan/ipvlan networks (`-o parent=`). */
  parentNames: Set<string>;
  /** Gateways of the default routes, by the interface they leave by. */
  uplinks: Map<string, string[]>;
}

/**
 * The host's interfaces worth drawing: Docker bridges and their ports, macvlan/ipvlan parents,
 * the uplink (default route), the host ends of veths whose other end is in a namespace drawn, and
 * the host-side peer of any of these (a parent that is one end of a veth).
 */
function relevantHostLinks(hostLinks: LinkFact[], namespaceLinks: ObservedLink[], relevance: HostRelevance): LinkFact[] {
  const { bridgeNames, parentIndexes, parentNames, uplinks } = relevance;
  const peerOfNamespace = new Set(namespaceLinks.filter(({ link }) => link.kind === 'veth' && link.linkIndex !== undefined).map(({ link }) => `${link.linkIndex}>${link.ifindex}`));
  const relevant = new Set(
    hostLinks.filter(
      (link) =>
        bridgeNames.has(link.name) ||
        (link.master !== undefined && bridgeNames.has(link.master)) ||
        parentIndexes.has(link.ifindex) ||
        parentNames.has(link.name) ||
        uplinks.has(link.name) ||
        (link.kind === 'veth' && peerOfNamespace.has(`${link.ifindex}>${link.linkIndex}`)),
    ),
  );
  const byIndex = new Map(hostLinks.map((link) => [link.ifindex, link]));
  for (const link of [...relevant]) {
    const peer = link.kind === 'veth' && link.linkInOtherNamespace === false && link.linkIndex !== undefined ? byIndex.get(link.linkIndex) : undefined;
    if (peer && peer.linkIndex === link.ifindex) {
      relevant.add(peer);
    }
  }
  return hostLinks.filter((link) => relevant.has(link));
}

function uplinksOf(facts: HostFacts): Map<string, string[]> {
  const uplinks = new Map<string, string[]>();
  for (const route of facts.defaultRoutes ?? []) {
    const gateways = uplinks.get(route.interface) ?? [];
    if (route.gateway && !gateways.includes(route.gateway)) {
      gateways.push(route.gateway);
    }
    uplinks.set(route.interface, gateways);
  }
  return uplinks;
}

/** The host's interfaces worth drawing, with what Docker's records say about each. */
function collectHostLinks(facts: HostFacts, namespaceLinks: ObservedLink[], inventory: Inventory, networks: NetworkIndex): ObservedLink[] {
  const parentIndexes = new Set<number>();
  for (const { kind, link } of namespaceLinks) {
    if ((kind === 'macvlan' || kind === 'ipvlan') && link.linkIndex !== undefined) {
      parentIndexes.add(link.linkIndex);
    }
  }
  const macvlanNetworks = inventory.networks.filter((network) => (network.driver === 'macvlan' || network.driver === 'ipvlan') && network.options.parent);
  const uplinks = uplinksOf(facts);
  const relevance: HostRelevance = { bridgeNames: new Set(networks.byBridgeName.keys()), parentIndexes, parentNames: new Set(macvlanNetworks.map((n) => n.options.parent)), uplinks };
  const hostLinks = facts.namespaces.find((ns) => ns.kind === 'host')?.links ?? [];
  return relevantHostLinks(hostLinks, namespaceLinks, relevance).map((link) => {
    const bridgeNetwork = networks.byBridgeName.get(link.name);
    const portOf = link.master ? networks.byBridgeName.get(link.master) : undefined;
    const parentOf = macvlanNetworks.filter((network) => network.options.parent === link.name).map((network) => network.id);
    return {
      id: `${HOST_NS}/if:${link.name}`,
      namespaceId: HOST_NS,
      namespaceKind: 'host',
      link,
      kind: link.kind,
      linkIndex: link.linkIndex,
      // The uplink is the host's own, not a hand-made addition to Docker's plumbing: not flagged.
      // A port of docker_gwbridge is Docker's even when its peer (ingress_sbox) could not be read.
      managed: Boolean(bridgeNetwork) || parentIndexes.has(link.ifindex) || parentOf.length > 0 || uplinks.has(link.name) || link.master === 'docker_gwbridge',
      networkIds: [...(bridgeNetwork ? [bridgeNetwork.id] : portOf ? [portOf.id] : []), ...parentOf],
      anchorFor: [...(bridgeNetwork ? [bridgeNetwork.id] : []), ...parentOf],
      uplinkGateways: uplinks.get(link.name),
    };
  });
}

/**
 * One interface per id: a namespace read twice (one stack seen through two pids) gives the same
 * interfaces twice. The first reading stands; the networks of both are kept.
 */
function uniqueLinks(links: ObservedLink[]): ObservedLink[] {
  const byId = new Map<string, ObservedLink>();
  for (const observed of links) {
    const first = byId.get(observed.id);
    byId.set(observed.id, first ? { ...first, networkIds: withNetworksOf(first.networkIds, observed.networkIds) } : observed);
  }
  return [...byId.values()];
}

/** Two ends of a veth. `end` knows its peer's ifindex; `peer` may not (read through procfs). */
interface VethPair {
  end: ObservedLink;
  peer: ObservedLink;
}

/**
 * veth pairs: one end's linkIndex is the other's ifindex. A side whose linkIndex is unknown (read
 * through procfs, kind `other`) matches on its ifindex alone. Each interface is in one pair at most.
 */
function pairVeths(links: ObservedLink[]): VethPair[] {
  const veths = links.filter(({ kind, link }) => kind === 'veth' || (kind === 'other' && link.linkIndex === undefined));
  const byIndex = new Map<number, ObservedLink[]>();
  for (const veth of veths) {
    const sameIndex = byIndex.get(veth.link.ifindex) ?? [];
    sameIndex.push(veth);
    byIndex.set(veth.link.ifindex, sameIndex);
  }
  const paired = new Set<ObservedLink>();
  const pairs: VethPair[] = [];
  for (const end of veths) {
    const { link } = end;
    if (link.linkIndex === undefined || paired.has(end)) {
      continue;
    }
    const peer = (byIndex.get(link.linkIndex) ?? []).find(
      (other) =>
        other !== end &&
        !paired.has(other) &&
        (other.link.linkIndex === undefined || other.link.linkIndex === link.ifindex) &&
        (link.linkInOtherNamespace === undefined || (other.namespaceId !== end.namespaceId) === link.linkInOtherNamespace),
    );
    if (peer) {
      paired.add(end);
      paired.add(peer);
      pairs.push({ end, peer });
    }
  }
  return pairs;
}

/** Overlay, ingress and load-balancer namespaces: Docker makes them and everything in them. */
function isDockerNamespace(kind: NamespaceKind): boolean {
  return kind === 'overlay' || kind === 'ingress' || kind === 'loadBalancer';
}

function pairIsDockers({ end, peer }: VethPair): boolean {
  const sides = [end, peer];
  // Swarm's docker_gwbridge endpoints are not listed among the container's networks: a veth
  // plugged into that bridge is Docker's too.
  if (sides.some((side) => side.link.master === 'docker_gwbridge')) {
    return true;
  }
  // A pair reaching into a container is Docker's when the container end matched one of its
  // endpoints (MAC or address); elsewhere when either end is Docker's.
  const inContainers = sides.filter((side) => side.namespaceKind === 'container');
  return inContainers.length > 0 ? inContainers.every((side) => side.managed) : sides.some((side) => side.managed || isDockerNamespace(side.namespaceKind));
}

/** Links and pairs as pairing settles them: both ends of a pair share who made it and the networks they serve. */
interface ClassifiedLinks {
  links: ObservedLink[];
  pairs: VethPair[];
}

function classifyPairs(links: ObservedLink[], pairs: VethPair[]): ClassifiedLinks {
  const settled = new Map<ObservedLink, ObservedLink>();
  const settledPairs = pairs.map((pair): VethPair => {
    const { end, peer } = pair;
    const managed = pairIsDockers(pair);
    const recognised = peer.link.linkIndex === undefined;
    const settledEnd: ObservedLink = { ...end, managed, networkIds: withNetworksOf(end.networkIds, peer.networkIds) };
    const settledPeer: ObservedLink = {
      ...peer,
      kind: recognised && peer.kind === 'other' ? 'veth' : peer.kind,
      linkIndex: recognised ? end.link.ifindex : peer.linkIndex,
      managed,
      networkIds: withNetworksOf(peer.networkIds, end.networkIds),
    };
    settled.set(end, settledEnd);
    settled.set(peer, settledPeer);
    return { end: settledEnd, peer: settledPeer };
  });
  return { links: links.map((observed) => settled.get(observed) ?? observed), pairs: settledPairs };
}

interface EdgeSpec {
  kind: TopoEdgeKind;
  from: string;
  to: string;
  managed: boolean;
}

/** Bridge ports (same namespace), macvlan/ipvlan parents (host namespace) and veth pairs, between classified links. */
function observedEdges({ links, pairs }: ClassifiedLinks): EdgeSpec[] {
  const edges: EdgeSpec[] = [];
  const byId = new Map(links.map((observed) => [observed.id, observed]));
  const hostByIndex = new Map(links.filter((observed) => observed.namespaceId === HOST_NS).map((observed) => [observed.link.ifindex, observed]));
  for (const observed of links) {
    const { link } = observed;
    const bridge = link.master ? byId.get(`${observed.namespaceId}/if:${link.master}`) : undefined;
    if (bridge) {
      edges.push({ kind: 'bridgePort', from: observed.id, to: bridge.id, managed: observed.managed });
    }
    const parent = link.linkIndex === undefined ? undefined : hostByIndex.get(link.linkIndex);
    if ((observed.kind === 'macvlan' || observed.kind === 'ipvlan') && observed.namespaceId !== HOST_NS && parent) {
      edges.push({ kind: 'parent', from: observed.id, to: parent.id, managed: true });
    }
  }
  for (const { end, peer } of pairs) {
    edges.push({ kind: 'veth', from: end.id, to: peer.id, managed: end.managed });
  }
  return edges;
}

/** The fields of an interface that come from what the probe saw, as classification settled them. */
function observedInterface(observed: ObservedLink): Omit<TopoInterface, 'namespaceId'> {
  const { link } = observed;
  return {
    id: observed.id,
    name: link.name,
    kind: observed.kind,
    ifindex: link.ifindex,
    linkIndex: observed.linkIndex,
    addresses: link.addresses,
    mac: link.mac,
    state: link.state,
    mtu: link.mtu,
    source: 'observed',
    managed: observed.managed,
    networkIds: observed.networkIds,
    aliases: observed.aliases,
    containerId: observed.containerId,
    uplinkGateways: observed.uplinkGateways,
  };
}

/** What the probe saw, identified, paired and classified: ready to be placed. */
interface ObservedHost {
  namespaces: IdentifiedNamespace[];
  links: ObservedLink[];
  edges: EdgeSpec[];
}

function observeHost(inventory: Inventory, sandboxes: Record<string, SandboxInfo>, facts: HostFacts, aliasesOf: AliasesOf): ObservedHost {
  const networks = indexNetworks(inventory);
  const owners = indexSandboxOwners(inventory, sandboxes);
  const namespaces = facts.namespaces
    .filter((fact) => fact.kind !== 'host')
    .map((fact) => identifyNamespace(fact, inventory, networks, owners))
    .filter((ns): ns is IdentifiedNamespace => ns !== undefined);
  const hostFact = facts.namespaces.find((ns) => ns.kind === 'host')?.links ?? [];
  const namespaceLinks = collectNamespaceLinks(namespaces, inventory, settleAmbiguousAddresses(hostFact, networks), aliasesOf);
  const hostLinks = collectHostLinks(facts, namespaceLinks, inventory, networks);
  const collected = uniqueLinks([...namespaceLinks, ...hostLinks]);
  const classified = classifyPairs(collected, pairVeths(collected));
  return { namespaces, links: classified.links, edges: observedEdges(classified) };
}

/** The probe's view, placed in the graph. Returns the owners of the namespaces it saw: inference leaves those alone. */
function placeObserved(graph: TopologyGraph, observed: ObservedHost): Set<string> {
  for (const { id, details } of observed.namespaces) {
    graph.namespace(id, () => details);
  }
  // Host-side veths that are not bridge ports and have no peer drawn are noise (another tool's).
  const connected = new Set(observed.edges.flatMap((edge) => [edge.from, edge.to]));
  for (const link of observed.links) {
    if (link.namespaceId === HOST_NS && link.kind === 'veth' && !connected.has(link.id) && link.networkIds.length === 0 && !link.uplinkGateways) {
      continue;
    }
    graph.addInterface(graph.namespaces.get(link.namespaceId)!, observedInterface(link));
    link.anchorFor.forEach((networkId) => graph.anchor(networkId, link.id));
  }
  for (const edge of observed.edges) {
    graph.edge(edge.kind, edge.from, edge.to, 'observed', edge.managed);
  }
  return new Set(observed.namespaces.flatMap(({ owner }) => (owner ? [owner.id] : [])));
}

// ---- inferred: Docker's rules where nothing was observed --------------------------------------------

/** What inference reads: the graph so far, the inventory, and whether the probe looked at the host at all. */
interface Inference {
  graph: TopologyGraph;
  inventory: Inventory;
  apiOnly: boolean;
  aliasesOf: AliasesOf;
}

/** A bridge network's bridge (docker0, br-<id12> or its custom name): the observed one, else Docker's rule. */
function inferredBridge({ graph, apiOnly }: Inference, network: NetworkModel): TopoInterface | undefined {
  if (!network.bridgeName) {
    return undefined;
  }
  const existing = graph.interfaceByName(graph.host, network.bridgeName);
  if (existing) {
    return existing;
  }
  if (!apiOnly && !network.endpoints.some((endpoint) => endpoint.running)) {
    // The probe looked and did not find it (a bridge appears only once in use on some engines).
    return undefined;
  }
  const bridge = graph.addInterface(graph.host, {
    id: `${HOST_NS}/if:${network.bridgeName}`,
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
    const hostEnd = vethEnd(graph, own, () =>
      graph.addInterface(graph.host, { id: `${HOST_NS}/veth:${network.id}:${key}`, kind: 'veth', addresses: [], source: 'inferred', managed: true, networkIds: [network.id] }),
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
function inferFromApi(inference: Inference, seenOwners: Set<string>): void {
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
function inferSwarmNamespaces(inference: Inference): void {
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
function placeStoppedContainers(graph: TopologyGraph, inventory: Inventory): void {
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

// ---- order -------------------------------------------------------------------------------------------

const NAMESPACE_RANK: Record<NamespaceKind, number> = { host: 0, overlay: 1, ingress: 2, loadBalancer: 3, container: 4, named: 5, other: 6 };

function namespaceSortName(ns: TopoNamespace): string {
  return ns.containers[0]?.name ?? ns.name ?? '';
}

/** Everything sorted by kind, name and id, so neither the engine's nor the probe's order shows in the result. */
function ordered(graph: TopologyGraph, facts: HostFacts): Topology {
  const namespaces = [...graph.namespaces.values()];
  for (const ns of namespaces) {
    ns.interfaces.sort((x, y) => x.id.localeCompare(y.id));
    ns.containers.sort((x, y) => (x.via === 'own' ? -1 : y.via === 'own' ? 1 : x.name.localeCompare(y.name)));
  }
  namespaces.sort((x, y) => NAMESPACE_RANK[x.kind] - NAMESPACE_RANK[y.kind] || namespaceSortName(x).localeCompare(namespaceSortName(y)) || x.id.localeCompare(y.id));
  return {
    level: facts.level,
    reason: facts.reason,
    warnings: [...facts.warnings],
    namespaces,
    edges: [...graph.edges.values()].sort((x, y) => x.id.localeCompare(y.id)),
    networks: graph.networks,
  };
}
