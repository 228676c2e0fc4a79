/**
 * Pure planning for the network actions: what a command may offer (connect candidates, removable
 * networks, prune preview) and the shape of an action's outcome, so that a multi-step action can
 * say exactly what was done and what was not. No I/O: src/engine/runNetworkActions.ts runs the plans.
 */
import type { OperationError } from './engineErrors';
import { ContainerModel, EndpointModel, Inventory, isConnectable, isDisconnectable, isUserDefinedNetwork, NetworkModel } from './inventory';
import { canConnect } from './connectSpec';
import { issue, ValidationIssue } from './validation';

/** One step of an action and how it ended. */
export interface StepOutcome<T> {
  item: T;
  ok: boolean;
  /** Refused before anything was sent (nothing changed on the engine). */
  issues?: ValidationIssue[];
  /** Refused by the engine. */
  error?: OperationError;
  /** Steps that succeeded before this item failed (e.g. endpoints disconnected before a removal failed). */
  partial?: string[];
  /** Done without a request: the engine already was as asked (a retry after a failure half-way). */
  already?: boolean;
  /**
   * Not sent: an earlier item found the engine unreachable (`error` is that failure). Sending the
   * rest would make each wait for its own timeout, and a restarted engine would take them out of order.
   */
  notSent?: boolean;
}

/**
 * The failure that stopped the action when an earlier item found the engine unreachable; the
 * remaining items are then not sent.
 */
export function engineGone<T>(outcomes: readonly StepOutcome<T>[]): OperationError | undefined {
  return outcomes.find((outcome) => outcome.error?.kind === 'unreachable' && !outcome.notSent)?.error;
}

export interface ActionSummary<T> {
  done: StepOutcome<T>[];
  failed: StepOutcome<T>[];
}

export function summarize<T>(outcomes: readonly StepOutcome<T>[]): ActionSummary<T> {
  return { done: outcomes.filter((outcome) => outcome.ok), failed: outcomes.filter((outcome) => !outcome.ok) };
}

// ---------------------------------------------------------------------------------------------
// Connect

/** Networks a container can still be connected to (not already on, not host/none/ingress/config-only). */
export function connectableNetworks(inventory: Inventory, container: ContainerModel): NetworkModel[] {
  if (!isConnectable(container)) {
    return [];
  }
  return inventory.networks.filter((network) => !canConnect(container, network));
}

/**
 * Whether a refused connect leaves the container half-connected on Podman 4.3: when its network
 * plugin refuses the address (outside the subnet, taken) or fails otherwise, Podman has already
 * recorded the membership, keeps it, and then fails every container list until it is removed (seen
 * on the real engine: test/engine/podmanActions.test.ts). Docker records nothing on a refusal.
 */
export function podmanKeepsRefusedConnect(error: OperationError): boolean {
  return error.kind === 'addressOutOfRange' || error.kind === 'addressInUse' || error.kind === 'unknown';
}

/** Containers that can still be connected to a network. */
export function connectableContainers(inventory: Inventory, network: NetworkModel): ContainerModel[] {
  return inventory.containers.filter((container) => isConnectable(container) && !canConnect(container, network));
}

// ---------------------------------------------------------------------------------------------
// Disconnect

export interface DisconnectTarget {
  networkId: string;
  networkName: string;
  containerId: string;
  containerName: string;
  /** The container is stopped (or gone): the engine may need Force. */
  stopped: boolean;
  /** After this, the container is on no network at all (only loopback). */
  leavesLoopbackOnly: boolean;
  /** The container is a swarm task attached to this swarm network by its service: refused before sending. */
  managedBy?: { service: string; issue: ValidationIssue };
}

/** Swarm labels its task containers with their service; the service owns the task's swarm networks. */
const SERVICE_NAME_LABEL = 'com.docker.swarm.service.name';

function managingService(container: ContainerModel | undefined, network: NetworkModel | undefined): DisconnectTarget['managedBy'] {
  const service = container?.labels[SERVICE_NAME_LABEL];
  if (!container || !service || network?.scope !== 'swarm') {
    return undefined;
  }
  return { service, issue: issue('taskNetworkManaged', 'container', { container: container.name, service, network: network.name }) };
}

/** The memberships of a container that can be disconnected. */
export function disconnectableMemberships(inventory: Inventory, container: ContainerModel): EndpointModel[] {
  return container.memberships.filter((endpoint) => isDisconnectable(endpoint, inventory.networkById.get(endpoint.networkId)));
}

/**
 * Turns (container, network) pairs into disconnect targets, marking the ones that leave their
 * container with loopback only (every remaining network of the container is being disconnected).
 */
export function disconnectTargets(inventory: Inventory, pairs: { containerId: string; networkId: string }[]): DisconnectTarget[] {
  const targets: DisconnectTarget[] = [];
  const leaving = new Map<string, Set<string>>();
  for (const pair of pairs) {
    const set = leaving.get(pair.containerId) ?? new Set<string>();
    set.add(pair.networkId);
    leaving.set(pair.containerId, set);
  }
  const seen = new Set<string>();
  for (const pair of pairs) {
    const key = `${pair.containerId}/${pair.networkId}`;
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    const container = inventory.containerById.get(pair.containerId);
    const network = inventory.networkById.get(pair.networkId);
    const remaining = (container?.memberships ?? []).filter((endpoint) => !leaving.get(pair.containerId)!.has(endpoint.networkId));
    targets.push({
      networkId: pair.networkId,
      networkName: network?.name ?? pair.networkId,
      containerId: pair.containerId,
      containerName: container?.name ?? pair.containerId.slice(0, 12),
      stopped: !container || !container.running,
      leavesLoopbackOnly: remaining.length === 0,
      managedBy: managingService(container, network),
    });
  }
  return targets;
}

// ---------------------------------------------------------------------------------------------
// Remove

export interface RemovalPlan {
  network: NetworkModel;
  /** Endpoints to disconnect first (only when the user chose "Disconnect N endpoints and remove"). */
  endpoints: EndpointModel[];
  /** Why it cannot be removed at all. */
  blocked?: 'predefined' | 'swarm';
  /** For `swarm`: what to tell (a service uses it, or this engine is a worker). */
  issue?: ValidationIssue;
}

/** Swarm networks: a service that uses it (named), or a worker engine, blocks the removal. */
function swarmRemovalIssue(inventory: Inventory, network: NetworkModel): ValidationIssue | undefined {
  const swarm = inventory.swarm;
  if (network.scope !== 'swarm' || !swarm) {
    return undefined;
  }
  if (swarm.role === 'worker') {
    return issue('swarmNetworkNeedsManager', 'network', { network: network.name });
  }
  const services = swarm.networkById.get(network.id)?.services ?? [];
  return services.length > 0 ? issue('networkUsedByService', 'network', { network: network.name, services: services.join(', ') }) : undefined;
}

export function removalPlans(inventory: Inventory, networkIds: string[]): RemovalPlan[] {
  const plans: RemovalPlan[] = [];
  for (const id of [...new Set(networkIds)]) {
    const network = inventory.networkById.get(id);
    if (!network) {
      continue;
    }
    // Borrowed stacks (container: mode) are listed under the network but have no endpoint of their own.
    const endpoints = network.endpoints.filter((endpoint) => !endpoint.viaContainer);
    const swarmIssue = isUserDefinedNetwork(network) ? swarmRemovalIssue(inventory, network) : undefined;
    plans.push({ network, endpoints, blocked: !isUserDefinedNetwork(network) ? 'predefined' : swarmIssue ? 'swarm' : undefined, ...(swarmIssue ? { issue: swarmIssue } : {}) });
  }
  return plans;
}

export function removableNetworks(inventory: Inventory): NetworkModel[] {
  return inventory.networks.filter(isUserDefinedNetwork);
}

// ---------------------------------------------------------------------------------------------
// Prune

export interface PruneCandidate {
  network: NetworkModel;
  /** Stopped containers still attached: the engine prunes the network anyway; they lose it. */
  stoppedContainers: string[];
}

/** `key` or `key=value`. */
export function matchesLabelFilter(labels: Record<string, string>, filters: readonly string[]): boolean {
  return filters.every((filter) => {
    const eq = filter.indexOf('=');
    if (eq < 0) {
      return filter in labels;
    }
    return labels[filter.slice(0, eq)] === filter.slice(eq + 1);
  });
}

/**
 * What `docker network prune` removes: user-defined local networks with no active endpoint (no
 * running container), optionally only those whose labels match every filter. Podman refuses to
 * remove a network that a stopped container is still on ("has associated containers"), as
 * `podman network prune` keeps it: there, only networks no container is on.
 */
export function prunePreview(inventory: Inventory, labelFilters: readonly string[] = []): PruneCandidate[] {
  return inventory.networks
    .filter((network) => isUserDefinedNetwork(network) && network.scope !== 'swarm' && !network.ingress)
    .filter((network) => !network.endpoints.some((endpoint) => (endpoint.running || inventory.podman) && !endpoint.viaContainer))
    .filter((network) => matchesLabelFilter(network.labels, labelFilters))
    .map((network) => ({
      network,
      stoppedContainers: network.endpoints.filter((endpoint) => !endpoint.viaContainer).map((endpoint) => endpoint.containerName),
    }));
}
