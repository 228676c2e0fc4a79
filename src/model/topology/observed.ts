/**
 * The observed half of the topology build: what the probe saw, in phases that each produce a value
 * - identify: what each observed namespace is (a container's sandbox, an overlay, a load balancer…);
 * - collect: the observed interfaces worth drawing, with what Docker's records say about each;
 * - pair: veth ends matched by their reciprocal ifindex;
 * - classify: who made each pair, the networks both ends serve, the kind of an end only pairing recognised;
 * - place: the observed namespaces, interfaces and edges, written into the graph. Pure.
 */
import type { ContainerModel, Inventory } from '../inventory';
import type { HostFacts, LinkFact, LinkKind, NamespaceFact, NamespaceKind, SandboxInfo, UserModeNetworkFact } from './facts';
import type { TopoInterface } from './types';
import type { AliasesOf, NamespaceDetails } from './graph';
import { HOST_NS, ROOTLESS_NS, type TopologyGraph, containerRefs, endpointAddresses, overlayNamespaceName, ownerOf, sandboxFileName, withNetworksOf } from './graph';
import { fileName, isTap, rootlessLink, userModeParts } from './observedRootless';
import { slirp4netnsContainers } from './userMode';
import type { EdgeSpec, IdentifiedNamespace, NetworkIndex, ObservedLink } from './observedTypes';

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
  if (fact.kind === 'rootless') {
    // Rootless Podman's namespace for its networks' bridges: listed even when it could not be entered.
    return { fact, id: ROOTLESS_NS, details: { kind: 'rootless', name: fact.name, containers: [], source: fact.unread ? 'inferred' : 'observed' } };
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

/** How libnetwork names the host end of the veths it makes. */
const DOCKER_VETH_NAME = /^veth[0-9a-f]{7}$/;

/** Lower-case MAC, or undefined. */
function macKey(mac: string | undefined): string | undefined {
  return mac?.toLowerCase();
}

/**
 * The bridge port (host end of a veth) of a container's interface read through procfs, where only
 * the peer's ifindex joins them. Docker 20.10 moves a veth end into the container, keeping a
 * host-wide ifindex; Docker 28 creates it there, so every container's eth0 is ifindex 2 and many
 * host ends point at "2". Among several: the one whose bridge learned one of the container's MACs,
 * else the ones on the container's own networks when they are all on one bridge; else none.
 */
function hostPortOf(link: LinkFact, owner: ContainerModel, hostLinks: LinkFact[], networks: NetworkIndex): LinkFact | undefined {
  const ports = hostLinks.filter((host) => host.kind === 'veth' && host.linkIndex === link.ifindex && host.master);
  if (ports.length <= 1) {
    return ports[0];
  }
  const ownMacs = new Set(owner.memberships.map((endpoint) => macKey(endpoint.mac)).filter((mac): mac is string => Boolean(mac)));
  const learned = ports.filter((port) => port.learnedMacs?.some((mac) => ownMacs.has(macKey(mac)!)));
  if (learned.length === 1) {
    return learned[0];
  }
  const onOwnNetworks = ports.filter((port) => owner.memberships.some((endpoint) => networks.byBridgeName.get(port.master!)?.id === endpoint.networkId));
  return onOwnNetworks.length > 0 && onOwnNetworks.every((port) => port.master === onOwnNetworks[0].master) ? onOwnNetworks[0] : undefined;
}

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
    const portOf = (link: LinkFact) => hostPortOf(link, owner, hostLinks, networks);
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
function collectNamespaceLinks(identified: IdentifiedNamespace[], inventory: Inventory, settle: SettleAddresses, aliasesOf: AliasesOf, userModes: Map<string, UserModeNetworkFact>, networks: NetworkIndex, slirp4netns: Set<string>): ObservedLink[] {
  const links: ObservedLink[] = [];
  for (const { fact: read, id: namespaceId, details, owner, network } of identified) {
    if (details.kind === 'rootless') {
      links.push(...read.links.filter((link) => link.kind !== 'loopback').map((link) => rootlessLink(namespaceId, link, networks)));
      continue;
    }
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
      const tap = isTap(link, userModes.get(read.name), owner, Boolean(endpoint), slirp4netns);
      links.push({
        id: `${namespaceId}/if:${link.name}`,
        namespaceId,
        namespaceKind: details.kind,
        // Read through procfs, a link has no MAC and no kind: Docker's record of its endpoint tells them.
        link: !link.mac && endpoint?.mac ? { ...link, mac: endpoint.mac } : link,
        kind: tap ? 'tap' : link.kind === 'other' && driver ? kindByDriver(driver) : link.kind,
        linkIndex: link.linkIndex,
        // A TAP device Podman gave the container for slirp4netns is the engine's, endpoint or not.
        managed: !named && (!owner || Boolean(endpoint) || link.kind === 'loopback' || tap),
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
 * Of the interfaces `end` (a veth end that knows its peer's ifindex) may be paired with, the one it
 * is: a candidate that knows `end`'s ifindex back is certain. A candidate read through procfs
 * knows nothing back; when several share the ifindex (Docker 28: every container's eth0 is 2), the
 * one whose MAC the bridge learned behind `end`, else the only one on `end`'s network. Still
 * several: none (left unpaired rather than paired wrong).
 */
function choosePeer(end: ObservedLink, candidates: ObservedLink[]): ObservedLink | undefined {
  if (candidates.length <= 1) {
    return candidates[0];
  }
  const certain = candidates.filter((other) => other.link.linkIndex === end.link.ifindex);
  if (certain.length > 0) {
    return certain[0];
  }
  const learned = new Set((end.link.learnedMacs ?? []).map((mac) => macKey(mac)));
  const byMac = candidates.filter((other) => learned.has(macKey(other.link.mac)));
  if (byMac.length === 1) {
    return byMac[0];
  }
  const sameNetwork = candidates.filter((other) => other.networkIds.some((id) => end.networkIds.includes(id)));
  return sameNetwork.length === 1 && end.networkIds.length > 0 ? sameNetwork[0] : undefined;
}

/**
 * veth pairs: one end's linkIndex is the other's ifindex. A side whose linkIndex is unknown (read
 * through procfs, kind `other`) matches on its ifindex alone (see choosePeer). Each interface is in
 * one pair at most; a pair settled makes the next ones less ambiguous, hence the rounds.
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
  const candidatesOf = (end: ObservedLink, linkIndex: number) =>
    (byIndex.get(linkIndex) ?? []).filter(
      (other) =>
        other !== end &&
        !paired.has(other) &&
        (other.link.linkIndex === undefined || other.link.linkIndex === end.link.ifindex) &&
        (end.link.linkInOtherNamespace === undefined || (other.namespaceId !== end.namespaceId) === end.link.linkInOtherNamespace),
    );
  for (let settled = true; settled; ) {
    settled = false;
    for (const end of veths) {
      if (end.link.linkIndex === undefined || paired.has(end)) {
        continue;
      }
      const peer = choosePeer(end, candidatesOf(end, end.link.linkIndex));
      if (peer) {
        paired.add(end);
        paired.add(peer);
        pairs.push({ end, peer });
        settled = true;
      }
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
    ...(observed.userMode ? { userMode: observed.userMode } : {}),
  };
}

/** What the probe saw, identified, paired and classified: ready to be placed. */
export interface ObservedHost {
  namespaces: IdentifiedNamespace[];
  links: ObservedLink[];
  edges: EdgeSpec[];
}

export function observeHost(inventory: Inventory, sandboxes: Record<string, SandboxInfo>, facts: HostFacts, aliasesOf: AliasesOf, rootless = false): ObservedHost {
  const networks = indexNetworks(inventory);
  const owners = indexSandboxOwners(inventory, sandboxes);
  const namespaces = facts.namespaces
    .filter((fact) => fact.kind !== 'host')
    .map((fact) => identifyNamespace(fact, inventory, networks, owners))
    .filter((ns): ns is IdentifiedNamespace => ns !== undefined);
  const hostFact = facts.namespaces.find((ns) => ns.kind === 'host')?.links ?? [];
  // Rootless: the engine's bridges live in its rootless network namespace, none on the host (a host
  // bridge of the same name is another engine's), and no container end pairs with a host veth.
  const hostNetworks: NetworkIndex = rootless ? { ...networks, byBridgeName: new Map() } : networks;
  const userModes = new Map((facts.userModeNetworks ?? []).map((fact) => [fileName(fact.netnsPath), fact]));
  const namespaceLinks = collectNamespaceLinks(namespaces, inventory, settleAmbiguousAddresses(hostFact, hostNetworks), aliasesOf, userModes, networks, slirp4netnsContainers(inventory, sandboxes));
  const hostLinks = collectHostLinks(facts, rootless ? [] : namespaceLinks, inventory, hostNetworks);
  const userMode = userModeParts(namespaces, namespaceLinks, userModes);
  const collected = uniqueLinks([...namespaceLinks, ...hostLinks, ...userMode.links]);
  const classified = classifyPairs(collected, pairVeths(collected));
  return { namespaces, links: classified.links, edges: [...observedEdges(classified), ...userMode.edges] };
}

/** The probe's view, placed in the graph. Returns the owners of the namespaces it saw: inference leaves those alone. */
export function placeObserved(graph: TopologyGraph, observed: ObservedHost): Set<string> {
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
