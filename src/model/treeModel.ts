/**
 * The two trees as plain data: node identities and their children, derived from an Inventory.
 * Nodes carry ids only; the views look the objects up in the current inventory when they render,
 * so a node never shows stale data. Pure: the glue turns nodes into localized TreeItems.
 */
import { EndpointNamesLookup, NO_NAMES_KNOWN } from './endpointNames';
import type { ContainerModel, DnsNameSource, EndpointModel, Inventory, LegacyLink, NetworkModel, PublishedPort } from './inventory';
import { cidrOf } from './inventory';
import { networkSpans, SwarmPeersLookup } from './swarm';
import { compareNames } from './naturalOrder';

export type TreeKind = 'networks' | 'containers';

export type TreeNode =
  | { kind: 'composeProject'; id: string; tree: TreeKind; project: string }
  | { kind: 'network'; id: string; networkId: string }
  | { kind: 'endpoint'; id: string; networkId: string; containerId: string }
  | { kind: 'container'; id: string; containerId: string }
  | { kind: 'membership'; id: string; containerId: string; networkId: string }
  | { kind: 'port'; id: string; containerId: string; port: PublishedPort }
  | { kind: 'dnsName'; id: string; name: string; source: DnsNameSource; containerId: string; networkId: string }
  | { kind: 'link'; id: string; link: LegacyLink }
  | { kind: 'sharedStack'; id: string; containerId: string; ownerId: string }
  | { kind: 'sharedBy'; id: string; containerId: string; guestId: string }
  | { kind: 'address'; id: string; field: 'mac' | 'gateway' | 'ipv6Gateway' | 'ipv6'; value: string }
  | { kind: 'swarmNode'; id: string; networkId: string; nodeId: string }
  | { kind: 'swarmTask'; id: string; networkId: string; nodeId: string; taskId: string };

export type NetworkNode = Extract<TreeNode, { kind: 'network' }>;
export type EndpointNode = Extract<TreeNode, { kind: 'endpoint' }>;
export type ContainerNode = Extract<TreeNode, { kind: 'container' }>;
export type MembershipNode = Extract<TreeNode, { kind: 'membership' }>;
export type ComposeProjectNode = Extract<TreeNode, { kind: 'composeProject' }>;
export type SwarmNodeNode = Extract<TreeNode, { kind: 'swarmNode' }>;
export type SwarmTaskNode = Extract<TreeNode, { kind: 'swarmTask' }>;

/** What the view-title toggles and the name filter choose; the optional fields default to "show all". */
export interface TreeFilter {
  showStoppedContainers: boolean;
  /** Show bridge, host, none (and the swarm's ingress, docker_gwbridge) in the Networks tree. */
  showPredefinedNetworks?: boolean;
  /** Keep only what this text (case-insensitive) appears in: a network, a container, or one of theirs. */
  nameFilter?: string;
  /** Group the roots under their Docker Compose project. */
  groupByComposeProject?: boolean;
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

export function composeProjectNode(tree: TreeKind, project: string): ComposeProjectNode {
  return { kind: 'composeProject', id: `project:${tree}:${project}`, tree, project };
}

/** Under a swarm-scoped network (on a manager): the nodes it spans, each with its tasks there. */
function swarmNodesOf(inventory: Inventory, networkId: string, peers?: SwarmPeersLookup): SwarmNodeNode[] {
  const swarm = inventory.swarm;
  if (!swarm || swarm.role !== 'manager' || !swarm.networkById.has(networkId)) {
    return [];
  }
  return networkSpans(swarm, networkId, peers).map((span) => ({ kind: 'swarmNode', id: `network:${networkId}/node:${span.nodeId}`, networkId, nodeId: span.nodeId }));
}

function swarmTasksOf(inventory: Inventory, node: SwarmNodeNode, peers?: SwarmPeersLookup): SwarmTaskNode[] {
  const span = inventory.swarm ? networkSpans(inventory.swarm, node.networkId, peers).find((entry) => entry.nodeId === node.nodeId) : undefined;
  return (span?.tasks ?? []).map((task) => ({ kind: 'swarmTask', id: `${node.id}/task:${task.id}`, networkId: node.networkId, nodeId: node.nodeId, taskId: task.id }));
}

export function findEndpoint(inventory: Inventory, networkId: string, containerId: string): EndpointModel | undefined {
  return inventory.networkById.get(networkId)?.endpoints.find((endpoint) => endpoint.containerId === containerId);
}

function matches(name: string, filter: TreeFilter): boolean {
  const wanted = filter.nameFilter?.trim().toLowerCase();
  return !wanted || name.toLowerCase().includes(wanted);
}

function shownEndpoints(network: NetworkModel, filter: TreeFilter): EndpointModel[] {
  const running = network.endpoints.filter((endpoint) => filter.showStoppedContainers || endpoint.running);
  // A network found by its own name shows all its endpoints; otherwise only the matching ones.
  return matches(network.name, filter) ? running : running.filter((endpoint) => matches(endpoint.containerName, filter));
}

/** The networks the Networks tree shows under this filter (ungrouped, in inventory order). */
export function shownNetworks(inventory: Inventory, filter: TreeFilter): NetworkModel[] {
  return inventory.networks.filter(
    (network) => (filter.showPredefinedNetworks !== false || !network.predefined) && (matches(network.name, filter) || shownEndpoints(network, filter).length > 0),
  );
}

/** The containers the Containers tree shows under this filter (ungrouped, in inventory order). */
export function shownContainers(inventory: Inventory, filter: TreeFilter): ContainerModel[] {
  return inventory.containers.filter(
    (container) => (filter.showStoppedContainers || container.running) && (matches(container.name, filter) || container.memberships.some((m) => matches(m.networkName, filter))),
  );
}

/** Compose projects first (by name), then what belongs to none; or everything, ungrouped. */
function grouped<T extends { composeProject?: string }>(tree: TreeKind, items: T[], filter: TreeFilter, nodeOf: (item: T) => TreeNode): TreeNode[] {
  if (!filter.groupByComposeProject) {
    return items.map(nodeOf);
  }
  const projects = [...new Set(items.map((item) => item.composeProject).filter((p): p is string => Boolean(p)))].sort(compareNames);
  return [...projects.map((project) => composeProjectNode(tree, project)), ...items.filter((item) => !item.composeProject).map(nodeOf)];
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

export function networkRoots(inventory: Inventory, filter: TreeFilter = { showStoppedContainers: true }): TreeNode[] {
  return grouped('networks', shownNetworks(inventory, filter), filter, networkNode);
}

export function containerRoots(inventory: Inventory, filter: TreeFilter): TreeNode[] {
  return grouped('containers', shownContainers(inventory, filter), filter, containerNode);
}

/** Whether names (aliases, DNS names) can exist on this network: only where the embedded DNS answers. */
function mayHaveNames(network: NetworkModel | undefined): boolean {
  return Boolean(network) && !['bridge', 'host', 'none'].includes(network!.predefined ?? '');
}

/** Whether a node can have children before its container is inspected (aliases are lazy). */
export function mayHaveChildren(inventory: Inventory, node: TreeNode, filter: TreeFilter, namesOf: EndpointNamesLookup = NO_NAMES_KNOWN): boolean {
  switch (node.kind) {
    case 'composeProject':
      return true;
    case 'network': {
      const network = inventory.networkById.get(node.networkId);
      return network ? shownEndpoints(network, filter).length > 0 || swarmNodesOf(inventory, node.networkId).length > 0 : false;
    }
    case 'swarmNode':
      return swarmTasksOf(inventory, node).length > 0;
    case 'endpoint':
    case 'membership': {
      const endpoint = findEndpoint(inventory, node.networkId, node.containerId);
      if (!endpoint || endpoint.viaContainer) {
        return node.kind === 'membership' && childrenOf(inventory, node, filter, namesOf).length > 0;
      }
      if (childrenOf(inventory, node, filter, namesOf).length > 0) {
        return true;
      }
      // Names are known only after an inspection: until then, say "maybe" where names can exist.
      return namesOf(endpoint) === undefined && mayHaveNames(inventory.networkById.get(node.networkId));
    }
    case 'container':
    case 'sharedStack':
      return childrenOf(inventory, node, filter, namesOf).length > 0;
    default:
      return false;
  }
}

/** Children of a node; aliases and DNS names appear once `namesOf` knows them (after an inspection). */
export function childrenOf(inventory: Inventory, node: TreeNode, filter: TreeFilter, namesOf: EndpointNamesLookup = NO_NAMES_KNOWN, peers?: SwarmPeersLookup): TreeNode[] {
  switch (node.kind) {
    case 'composeProject':
      return node.tree === 'networks'
        ? shownNetworks(inventory, filter).filter((network) => network.composeProject === node.project).map(networkNode)
        : shownContainers(inventory, filter).filter((container) => container.composeProject === node.project).map(containerNode);
    case 'network': {
      const network = inventory.networkById.get(node.networkId);
      // A swarm network lists the nodes it spans first, then this engine's own endpoints as before.
      return network ? [...swarmNodesOf(inventory, node.networkId, peers), ...shownEndpoints(network, filter).map(endpointNode)] : [];
    }
    case 'swarmNode':
      return swarmTasksOf(inventory, node, peers);
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
      for (const port of container.publishedPorts) {
        nodes.push({ kind: 'port', id: `${node.id}/port:${port.hostIp ?? ''}:${port.hostPort}:${port.containerPort}/${port.protocol}`, containerId: container.id, port });
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
export function parentOf(node: TreeNode, inventory?: Inventory, filter?: TreeFilter): TreeNode | undefined {
  switch (node.kind) {
    case 'endpoint':
    case 'swarmNode':
      return { kind: 'network', id: `network:${node.networkId}`, networkId: node.networkId };
    case 'swarmTask':
      return { kind: 'swarmNode', id: `network:${node.networkId}/node:${node.nodeId}`, networkId: node.networkId, nodeId: node.nodeId };
    case 'membership':
      return { kind: 'container', id: `container:${node.containerId}`, containerId: node.containerId };
    case 'network': {
      const project = filter?.groupByComposeProject ? inventory?.networkById.get(node.networkId)?.composeProject : undefined;
      return project ? composeProjectNode('networks', project) : undefined;
    }
    case 'container': {
      const project = filter?.groupByComposeProject ? inventory?.containerById.get(node.containerId)?.composeProject : undefined;
      return project ? composeProjectNode('containers', project) : undefined;
    }
    default:
      return undefined;
  }
}

/** What "Copy" offers on a node: every value it knows, by field. */
export type CopyField = 'containerName' | 'containerId' | 'networkName' | 'networkId' | 'ipv4' | 'ipv4Cidr' | 'ipv6' | 'ipv6Cidr' | 'mac' | 'gateway' | 'ipv6Gateway';
export const COPY_FIELDS: readonly CopyField[] = ['containerName', 'containerId', 'networkName', 'networkId', 'ipv4', 'ipv4Cidr', 'ipv6', 'ipv6Cidr', 'mac', 'gateway', 'ipv6Gateway'];

function endpointCopyValues(endpoint: EndpointModel): Partial<Record<CopyField, string>> {
  return {
    containerName: endpoint.containerName,
    containerId: endpoint.containerId,
    networkName: endpoint.networkName,
    networkId: endpoint.networkId,
    ipv4: endpoint.ipv4,
    ipv4Cidr: endpoint.ipv4 && endpoint.ipv4PrefixLength ? cidrOf(endpoint.ipv4, endpoint.ipv4PrefixLength) : undefined,
    ipv6: endpoint.ipv6,
    ipv6Cidr: endpoint.ipv6 && endpoint.ipv6PrefixLength ? cidrOf(endpoint.ipv6, endpoint.ipv6PrefixLength) : undefined,
    mac: endpoint.mac,
    gateway: endpoint.gateway,
    ipv6Gateway: endpoint.ipv6Gateway,
  };
}

/**
 * The values "Copy" offers on a node. A network: its name and id. An endpoint or a membership:
 * the container (name, id), the network (name, id) and the addresses on that network. A container:
 * its name and id, plus the network and addresses of its only network when it has exactly one.
 */
export function copyValuesOf(inventory: Inventory, node: TreeNode): Partial<Record<CopyField, string>> {
  const defined = (values: Partial<Record<CopyField, string>>) => Object.fromEntries(Object.entries(values).filter(([, value]) => Boolean(value))) as Partial<Record<CopyField, string>>;
  switch (node.kind) {
    case 'network': {
      const network = inventory.networkById.get(node.networkId);
      return network ? defined({ networkName: network.name, networkId: network.id }) : {};
    }
    case 'endpoint':
    case 'membership': {
      const endpoint = findEndpoint(inventory, node.networkId, node.containerId);
      return endpoint ? defined(endpointCopyValues(endpoint)) : {};
    }
    case 'container': {
      const container = inventory.containerById.get(node.containerId);
      if (!container) {
        return {};
      }
      const only = container.memberships.length === 1 ? endpointCopyValues(container.memberships[0]) : {};
      return defined({ ...only, containerName: container.name, containerId: container.id });
    }
    default:
      return {};
  }
}
