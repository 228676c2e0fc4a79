/**
 * A swarm as the manager sees it, joined with the engine's networks: the nodes (host name,
 * address, role), the tasks (service name.slot, state, node, address on each network) and, for
 * each swarm-scoped network, its VNI, subnets, the services that use it and the nodes it spans
 * with the tasks on each. Built from three list calls (nodes, tasks, services), whatever the
 * number of networks; the Peers of one network (`GET /networks/{id}?verbose=true`) are read
 * lazily and joined here by node address. Pure.
 */
import type { NetworkJson, SwarmNodeJson, SwarmServiceJson, SwarmSnapshot, SwarmTaskJson } from './dockerTypes';
import { compareNames } from './naturalOrder';

/** The option that carries an overlay network's VXLAN id(s). */
export const VXLAN_ID_OPTION = 'com.docker.network.driver.overlay.vxlanid_list';
/** Docker's default VXLAN data path port (swarm init --data-path-port changes it). */
export const DEFAULT_DATA_PATH_PORT = 4789;

export type SwarmRole = 'manager' | 'worker';

export interface SwarmNodeModel {
  id: string;
  hostname: string;
  /** The address other nodes reach it at (VXLAN tunnel endpoint). */
  address?: string;
  role: SwarmRole;
  leader: boolean;
  availability: string;
  state: string;
  /** The node whose engine the extension talks to. */
  self: boolean;
}

export interface SwarmTaskModel {
  id: string;
  serviceId: string;
  serviceName: string;
  /** `service.slot` for replicated services, `service.<node id>` for global ones (as Docker names them). */
  name: string;
  slot?: number;
  nodeId?: string;
  state: string;
  desiredState: string;
  message?: string;
  containerId?: string;
  /** Network id -> the task's address there (CIDR form, as the manager allocated it). */
  addresses: Map<string, string>;
}

export interface SwarmSpan {
  nodeId: string;
  /** The node's tasks on this network, by name. */
  tasks: SwarmTaskModel[];
  /** Listed in the network's Peers (once they were read). */
  peer: boolean;
}

export interface SwarmPeer {
  name: string;
  ip: string;
}

export interface SwarmNetworkModel {
  id: string;
  name: string;
  /** VXLAN network identifier(s), e.g. "4097". */
  vni?: string;
  subnets: string[];
  attachable: boolean;
  ingress: boolean;
  /** Names of the services whose tasks attach to this network (by the service spec). */
  services: string[];
  /** The nodes this network spans (tasks placed there, or listed as peers), by host name. */
  spans: SwarmSpan[];
}

export interface SwarmModel {
  role: SwarmRole;
  localNodeId?: string;
  localAddress?: string;
  dataPathPort: number;
  nodes: SwarmNodeModel[];
  nodeById: Map<string, SwarmNodeModel>;
  tasks: SwarmTaskModel[];
  taskById: Map<string, SwarmTaskModel>;
  networkById: Map<string, SwarmNetworkModel>;
}

/** Network id -> its Peers, as read lazily with `GET /networks/{id}?verbose=true`. */
export type SwarmPeersLookup = (networkId: string) => SwarmPeer[] | undefined;


function nodeModelOf(node: SwarmNodeJson, localNodeId: string | undefined): SwarmNodeModel {
  return {
    id: node.ID,
    hostname: node.Description?.Hostname ?? node.ID.slice(0, 12),
    address: node.Status?.Addr || node.ManagerStatus?.Addr?.replace(/:\d+$/, '') || undefined,
    role: node.Spec?.Role === 'manager' ? 'manager' : 'worker',
    leader: Boolean(node.ManagerStatus?.Leader),
    availability: node.Spec?.Availability ?? 'active',
    state: node.Status?.State ?? 'unknown',
    self: node.ID === localNodeId,
  };
}

function serviceNetworks(service: SwarmServiceJson): string[] {
  const entries = service.Spec?.TaskTemplate?.Networks ?? service.Spec?.Networks ?? [];
  return entries.map((entry) => entry.Target ?? '').filter(Boolean);
}

function taskModelOf(task: SwarmTaskJson, serviceNames: Map<string, string>): SwarmTaskModel {
  const serviceId = task.ServiceID ?? '';
  const serviceName = serviceNames.get(serviceId) ?? serviceId.slice(0, 12);
  const addresses = new Map<string, string>();
  for (const attachment of task.NetworksAttachments ?? []) {
    const networkId = attachment.Network?.ID;
    const address = attachment.Addresses?.[0];
    if (networkId && address) {
      addresses.set(networkId, address);
    }
  }
  return {
    id: task.ID,
    serviceId,
    serviceName,
    name: task.Slot ? `${serviceName}.${task.Slot}` : `${serviceName}.${task.NodeID ?? task.ID}`,
    slot: task.Slot || undefined,
    nodeId: task.NodeID || undefined,
    state: task.Status?.State ?? 'unknown',
    desiredState: task.DesiredState ?? 'unknown',
    message: task.Status?.Err || task.Status?.Message || undefined,
    containerId: task.Status?.ContainerStatus?.ContainerID || undefined,
    addresses,
  };
}

/** Tasks the orchestrator wants running: the ones that occupy a node now (older ones are history). */
function isCurrent(task: SwarmTaskModel): boolean {
  return task.desiredState === 'running' || task.desiredState === 'ready';
}

/** The VNI: the network's own options, or what a task attachment carries. */
function vniOf(network: NetworkJson, tasks: readonly SwarmTaskJson[]): string | undefined {
  const own = network.Options?.[VXLAN_ID_OPTION];
  if (own) {
    return own;
  }
  for (const task of tasks) {
    const attachment = (task.NetworksAttachments ?? []).find((entry) => entry.Network?.ID === network.Id);
    const fromTask = attachment?.Network?.DriverState?.Options?.[VXLAN_ID_OPTION];
    if (fromTask) {
      return fromTask;
    }
  }
  return undefined;
}

function spansOf(networkId: string, tasks: readonly SwarmTaskModel[], nodeById: Map<string, SwarmNodeModel>): SwarmSpan[] {
  const byNode = new Map<string, SwarmTaskModel[]>();
  for (const task of tasks) {
    if (task.nodeId && isCurrent(task) && task.addresses.has(networkId)) {
      byNode.set(task.nodeId, [...(byNode.get(task.nodeId) ?? []), task]);
    }
  }
  return [...byNode.entries()]
    .map(([nodeId, nodeTasks]) => ({ nodeId, tasks: nodeTasks.sort((a, b) => compareNames(a.name, b.name)), peer: false }))
    .sort((a, b) => compareNames(nodeById.get(a.nodeId)?.hostname ?? a.nodeId, nodeById.get(b.nodeId)?.hostname ?? b.nodeId));
}

/** Builds the swarm model; `networks` are the engine's list (only swarm-scoped ones are kept). */
export function buildSwarmModel(snapshot: SwarmSnapshot, networks: readonly NetworkJson[]): SwarmModel {
  const localNodeId = snapshot.info.NodeID || undefined;
  const nodes = snapshot.nodes.map((node) => nodeModelOf(node, localNodeId)).sort((a, b) => compareNames(a.hostname, b.hostname));
  const nodeById = new Map(nodes.map((node) => [node.id, node]));
  const serviceNames = new Map(snapshot.services.map((service) => [service.ID, service.Spec?.Name ?? service.ID.slice(0, 12)]));
  const tasks = snapshot.tasks.map((task) => taskModelOf(task, serviceNames));
  const networkById = new Map<string, SwarmNetworkModel>();
  for (const network of networks.filter((entry) => entry.Scope === 'swarm')) {
    const services = snapshot.services.filter((service) => serviceNetworks(service).includes(network.Id)).map((service) => service.Spec?.Name ?? service.ID);
    networkById.set(network.Id, {
      id: network.Id,
      name: network.Name,
      vni: vniOf(network, snapshot.tasks),
      subnets: (network.IPAM?.Config ?? []).map((config) => config.Subnet ?? '').filter(Boolean),
      attachable: Boolean(network.Attachable),
      ingress: Boolean(network.Ingress),
      services: services.sort(compareNames),
      spans: spansOf(network.Id, tasks, nodeById),
    });
  }
  return {
    role: snapshot.info.ControlAvailable ? 'manager' : 'worker',
    localNodeId,
    localAddress: snapshot.info.NodeAddr || undefined,
    dataPathPort: snapshot.info.Cluster?.DataPathPort || DEFAULT_DATA_PATH_PORT,
    nodes,
    nodeById,
    tasks,
    taskById: new Map(tasks.map((task) => [task.id, task])),
    networkById,
  };
}

/** The Peers of a `GET /networks/{id}?verbose=true` answer (empty when the engine lists none). */
export function peersOf(verbose: NetworkJson): SwarmPeer[] {
  return (verbose.Peers ?? []).map((peer) => ({ name: peer.Name, ip: peer.IP }));
}

/**
 * The nodes a network spans: the nodes its tasks run on, plus (once read) the nodes listed in its
 * Peers, matched by address. A peer the manager does not know as a node is left out.
 */
export function networkSpans(swarm: SwarmModel, networkId: string, peersLookup?: SwarmPeersLookup): SwarmSpan[] {
  const network = swarm.networkById.get(networkId);
  if (!network) {
    return [];
  }
  const peers = peersLookup?.(networkId);
  if (!peers) {
    return network.spans;
  }
  const peerAddresses = new Set(peers.map((peer) => peer.ip));
  const spans = network.spans.map((span) => ({ ...span, peer: peerAddresses.has(swarm.nodeById.get(span.nodeId)?.address ?? '') }));
  for (const node of swarm.nodes) {
    if (node.address && peerAddresses.has(node.address) && !spans.some((span) => span.nodeId === node.id)) {
      spans.push({ nodeId: node.id, tasks: [], peer: true });
    }
  }
  return spans.sort((a, b) => compareNames(swarm.nodeById.get(a.nodeId)?.hostname ?? a.nodeId, swarm.nodeById.get(b.nodeId)?.hostname ?? b.nodeId));
}

/** The task whose container this is (swarm labels it with the task id). */
export function taskOfContainer(swarm: SwarmModel, labels: Record<string, string>): SwarmTaskModel | undefined {
  const taskId = labels['com.docker.swarm.task.id'];
  return taskId ? swarm.taskById.get(taskId) : undefined;
}
