/**
 * The shared piece of the topology build: the graph the phases write into (namespaces, interfaces
 * and edges by stable id, first writer wins) and the small readings of the inventory that both the
 * observed phases (observed.ts) and the inferred ones (inferred.ts) make. Pure.
 */
import type { ContainerModel, EndpointModel, Inventory, NetworkModel } from '../inventory';
import { cidrOf } from '../inventory';
import type { EndpointNamesLookup } from '../endpointNames';
import type { FactSource } from './facts';
import type { TopoContainerRef, TopoEdge, TopoEdgeKind, TopoInterface, TopoNamespace, TopoNetwork } from './types';

/** The user's aliases of an endpoint, or undefined when it has none or they are not known. */
export type AliasesOf = (endpoint: EndpointModel | undefined) => string[] | undefined;

export function aliasLookup(endpointNames: EndpointNamesLookup | undefined): AliasesOf {
  return (endpoint) => {
    const aliases = endpoint && endpointNames?.(endpoint)?.aliases;
    return aliases && aliases.length > 0 ? aliases : undefined;
  };
}

export const HOST_NS = 'ns:host';
/** Rootless Podman's rootless network namespace (one per user): where its networks' bridges live. */
export const ROOTLESS_NS = 'ns:rootless';

/** A namespace as it enters the topology, before it holds interfaces. */
export type NamespaceDetails = Omit<TopoNamespace, 'id' | 'interfaces'>;

// ---- the graph the phases write into ---------------------------------------------------------------

/**
 * Namespaces, interfaces and edges by stable id. The first writer of an id wins, so an inferred
 * part never replaces an observed one; adding an interface again only adds its networks.
 */
export class TopologyGraph {
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
export function overlayNamespaceName(networkId: string): string {
  return `1-${networkId.slice(0, 10)}`;
}

export function sandboxFileName(key: string | undefined): string | undefined {
  if (!key) {
    return undefined;
  }
  const parts = key.split('/');
  return parts[parts.length - 1] || undefined;
}

/** The container whose network stack this one runs in (itself, unless `container:<x>` mode). */
export function ownerOf(inventory: Inventory, container: ContainerModel): ContainerModel {
  return container.sharesStackOf ? inventory.containerById.get(container.sharesStackOf.id) ?? container : container;
}

/** The owner first, then the containers that borrow its stack. */
export function containerRefs(inventory: Inventory, owner: ContainerModel): TopoContainerRef[] {
  const refs: TopoContainerRef[] = [{ id: owner.id, name: owner.name, running: owner.running, via: 'own' }];
  for (const guest of owner.sharedBy) {
    const model = inventory.containerById.get(guest.id);
    refs.push({ id: guest.id, name: guest.name, running: model?.running ?? false, via: 'shared' });
  }
  return refs;
}

/** Host-mode containers live in the host namespace. */
export function hostModeContainers(inventory: Inventory): TopoContainerRef[] {
  return inventory.containers
    .filter((container) => container.networkMode.kind === 'host')
    .map((container) => ({ id: container.id, name: container.name, running: container.running, via: 'host' }));
}

export function endpointAddresses(endpoint: EndpointModel): string[] {
  return [cidrOf(endpoint.ipv4, endpoint.ipv4PrefixLength), cidrOf(endpoint.ipv6, endpoint.ipv6PrefixLength)].filter((address): address is string => Boolean(address));
}

export function gatewayAddresses(network: NetworkModel): string[] {
  const addresses: string[] = [];
  for (const subnet of network.subnets) {
    if (subnet.gateway && subnet.subnet) {
      addresses.push(`${subnet.gateway}/${subnet.subnet.split('/')[1]}`);
    }
  }
  return addresses;
}

/** `own` followed by what `other` adds, in order: the networks of one veth end after pairing. */
export function withNetworksOf(own: string[], other: string[]): string[] {
  const merged = [...own];
  for (const networkId of other) {
    if (!merged.includes(networkId)) {
      merged.push(networkId);
    }
  }
  return merged;
}
