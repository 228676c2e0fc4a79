/**
 * The two trees as plain data: node identities and their children, derived from an Inventory.
 * Nodes carry ids only; the views look the objects up in the current inventory when they render,
 * so a node never shows stale data. Pure: the glue turns nodes into localized TreeItems.
 */
import { EndpointNamesLookup, NO_NAMES_KNOWN } from './endpointNames';
import type { ContainerModel, DnsNameSource, EndpointModel, Inventory, LegacyLink, NetworkModel } from './inventory';

export type TreeNode =
  | { kind: 'network'; id: string; networkId: string }
  | { kind: 'endpoint'; id: string; networkId: string; containerId: string }
  | { kind: 'container'; id: string; containerId: string }
  | { kind: 'membership'; id: string; containerId: string; networkId: string }
  | { kind: 'dnsName'; id: string; name: string; source: DnsNameSource; containerId: string; networkId: string }
  | { kind: 'link'; id: string; link: LegacyLink }
  | { kind: 'sharedStack'; id: string; containerId: string; ownerId: string }
  | { kind: 'sharedBy'; id: string; containerId: string; guestId: string }
  | { kind: 'address'; id: string; field: 'mac' | 'gateway' | 'ipv6Gateway' | 'ipv6'; value: string };

export type NetworkNode = Extract<TreeNode, { kind: 'network' }>;
export type EndpointNode = Extract<TreeNode, { kind: 'endpoint' }>;
export type ContainerNode = Extract<TreeNode, { kind: 'container' }>;
export type MembershipNode = Extract<TreeNode, { kind: 'membership' }>;

export interface TreeFilter {
  showStoppedContainers: boolean;
}

export function networkNode(network: NetworkModel): NetworkNode {
  return { kind: 'network', id: `network:${network.id}`, networkId: network.id };
}

export function endpointNode(endpoint: EndpointModel): EndpointNode {
  return { kind: 'endpoint', id: `endpoint:${endpoint.networkId}/${endpoint.containerId}`, networkId: endpoint.networkId, containerId: endpoint.containerId };
}

export function containerNode(container: ContainerModel): ContainerNode {
  return { kind: 'container', id: `container:${container.id}`, containerId: container.id };
}

export function membershipNode(endpoint: EndpointModel): MembershipNode {
  return { kind: 'membership', id: `membership:${endpoint.containerId}/${endpoint.networkId}`, containerId: endpoint.containerId, networkId: endpoint.networkId };
}

export function findEndpoint(inventory: Inventory, networkId: string, containerId: string): EndpointModel | undefined {
  return inventory.networkById.get(networkId)?.endpoints.find((endpoint) => endpoint.containerId === containerId);
}

function nameNodes(endpoint: EndpointModel, parentId: string, namesOf: EndpointNamesLookup, withLinks: boolean): TreeNode[] {
  const nodes: TreeNode[] = [];
  const seen = new Set<string>();
  const names = namesOf(endpoint);
  // Aliases first (what the user typed), then the other names the embedded DNS answers.
  for (const alias of names?.aliases ?? []) {
    seen.add(alias);
    nodes.push({ kind: 'dnsName', id: `${parentId}/alias:${alias}`, name: alias, source: 'alias', containerId: endpoint.containerId, networkId: endpoint.networkId });
  }
  for (const dns of names?.dnsNames ?? []) {
    if (!seen.has(dns.name)) {
      seen.add(dns.name);
      nodes.push({ kind: 'dnsName', id: `${parentId}/dns:${dns.name}`, name: dns.name, source: dns.source, containerId: endpoint.containerId, networkId: endpoint.networkId });
    }
  }
  for (const link of withLinks ? endpoint.links : []) {
    nodes.push({ kind: 'link', id: `${parentId}/link:${link.alias}:${link.toId}`, link });
  }
  return nodes;
}

export function networkRoots(inventory: Inventory): NetworkNode[] {
  return inventory.networks.map(networkNode);
}

export function containerRoots(inventory: Inventory, filter: TreeFilter): ContainerNode[] {
  return inventory.containers.filter((container) => filter.showStoppedContainers || container.running).map(containerNode);
}

/** Whether a node can have children before its container is inspected (aliases are lazy). */
export function mayHaveChildren(inventory: Inventory, node: TreeNode, filter: TreeFilter, namesOf: EndpointNamesLookup = NO_NAMES_KNOWN): boolean {
  switch (node.kind) {
    case 'network':
      return (inventory.networkById.get(node.networkId)?.endpoints ?? []).some((e) => filter.showStoppedContainers || e.running);
    case 'endpoint': {
      const endpoint = findEndpoint(inventory, node.networkId, node.containerId);
      if (!endpoint || endpoint.viaContainer) {
        return false;
      }
      const network = inventory.networkById.get(node.networkId);
      const dnsCapable = network ? !['host', 'none'].includes(network.predefined ?? '') : false;
      return endpoint.links.length > 0 || (dnsCapable && network?.predefined !== 'bridge') || (namesOf(endpoint)?.aliases.length ?? 0) > 0;
    }
    case 'container':
      return true;
    case 'membership':
      return true;
    default:
      return false;
  }
}

/** Children of a node; aliases and DNS names appear once `namesOf` knows them (after an inspection). */
export function childrenOf(inventory: Inventory, node: TreeNode, filter: TreeFilter, namesOf: EndpointNamesLookup = NO_NAMES_KNOWN): TreeNode[] {
  switch (node.kind) {
    case 'network': {
      const network = inventory.networkById.get(node.networkId);
      return (network?.endpoints ?? []).filter((endpoint) => filter.showStoppedContainers || endpoint.running).map(endpointNode);
    }
    case 'endpoint': {
      const endpoint = findEndpoint(inventory, node.networkId, node.containerId);
      return endpoint ? nameNodes(endpoint, node.id, namesOf, true) : [];
    }
    case 'container': {
      const container = inventory.containerById.get(node.containerId);
      if (!container) {
        return [];
      }
      const nodes: TreeNode[] = container.memberships.map(membershipNode);
      if (container.sharesStackOf) {
        nodes.push({ kind: 'sharedStack', id: `${node.id}/shares:${container.sharesStackOf.id}`, containerId: container.id, ownerId: container.sharesStackOf.id });
      }
      for (const guest of container.sharedBy) {
        nodes.push({ kind: 'sharedBy', id: `${node.id}/sharedBy:${guest.id}`, containerId: container.id, guestId: guest.id });
      }
      for (const link of container.links) {
        nodes.push({ kind: 'link', id: `${node.id}/link:${link.alias}:${link.toId}`, link });
      }
      return nodes;
    }
    case 'membership': {
      const endpoint = findEndpoint(inventory, node.networkId, node.containerId);
      if (!endpoint) {
        return [];
      }
      const nodes: TreeNode[] = [];
      if (endpoint.mac) {
        nodes.push({ kind: 'address', id: `${node.id}/mac`, field: 'mac', value: endpoint.mac });
      }
      if (endpoint.gateway) {
        nodes.push({ kind: 'address', id: `${node.id}/gateway`, field: 'gateway', value: endpoint.gateway });
      }
      if (endpoint.ipv6) {
        nodes.push({ kind: 'address', id: `${node.id}/ipv6`, field: 'ipv6', value: `${endpoint.ipv6}/${endpoint.ipv6PrefixLength ?? ''}` });
      }
      if (endpoint.ipv6Gateway) {
        nodes.push({ kind: 'address', id: `${node.id}/ipv6Gateway`, field: 'ipv6Gateway', value: endpoint.ipv6Gateway });
      }
      return [...nodes, ...nameNodes(endpoint, node.id, namesOf, false)];
    }
    case 'sharedStack': {
      const owner = inventory.containerById.get(node.ownerId);
      // Prefixed ids: the owner's memberships also appear under the owner itself, and a tree
      // must not hold two elements with one id.
      return owner ? owner.memberships.map((m) => ({ ...membershipNode(m), id: `${node.id}/${membershipNode(m).id}` })) : [];
    }
    default:
      return [];
  }
}

/** The parent of a node, for TreeView.reveal. Name nodes and details are found by id prefix. */
export function parentOf(node: TreeNode): TreeNode | undefined {
  switch (node.kind) {
    case 'endpoint':
      return { kind: 'network', id: `network:${node.networkId}`, networkId: node.networkId };
    case 'membership':
      return { kind: 'container', id: `container:${node.containerId}`, containerId: node.containerId };
    default:
      return undefined;
  }
}
