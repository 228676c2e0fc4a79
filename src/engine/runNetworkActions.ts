/**
 * The network actions' core flows, run against an EngineApi: validate (pure model), send, and
 * report every step's outcome. No `vscode` import: the command files ask the user and show the
 * outcome; the engine-tier tests call these functions directly against the real dockerd.
 */
import { classifyOperationError, OperationError } from '../model/engineErrors';
import { buildInventory, Inventory } from '../model/inventory';
import {
  DisconnectTarget,
  engineGone,
  podmanKeepsRefusedConnect,
  PruneCandidate,
  RemovalPlan,
  StepOutcome,
} from '../model/networkActions';
import { ConnectSpec, validateConnect } from '../model/connectSpec';
import { CreateNetworkSpec, DriverContext, toCreateRequest, validateCreateSpec } from '../model/createNetworkSpec';
import { AddressPool, SubnetFacts, subnetFacts } from '../model/subnetFacts';
import type { ContainerModel, NetworkModel } from '../model/inventory';
import type { EngineInfoJson } from '../model/dockerTypes';
import type { EngineApi } from './engineApi';
import { engineProduct, type EngineProduct } from '../model/engineProduct';

/** A fresh inventory (two list calls), for flows that run outside the extension's session. */
export async function readInventory(client: EngineApi): Promise<Inventory> {
  const [networks, containers] = await Promise.all([client.listNetworks(), client.listContainers()]);
  return buildInventory({ networks, containers });
}

/**
 * What the create flow needs to know about the engine: its network drivers, swarm role, API
 * version and product (`apiVersion` and `product` when the caller knows them already, as the
 * session does; else asked).
 */
export async function readDriverContext(client: EngineApi, apiVersion?: string, product?: EngineProduct): Promise<DriverContext> {
  const known = apiVersion && product;
  const [info, version] = await Promise.all([client.info(), known ? undefined : client.version().catch(() => undefined)]);
  return {
    engineDrivers: info.Plugins?.Network ?? undefined,
    swarmManager: Boolean(info.Swarm?.ControlAvailable),
    swarmWorker: info.Swarm?.LocalNodeState === 'active' && !info.Swarm.ControlAvailable,
    apiVersion: apiVersion ?? version?.ApiVersion,
    // Podman applies fewer create options than Docker: the validation names the ones it would drop.
    engineProduct: product ?? (version ? engineProduct(version) : undefined),
  };
}

/** The network a create action is about: its name, and its id once the engine made it. */
export interface CreateItem {
  name: string;
  id?: string;
}

/** Validates the spec (refused: nothing is sent), then creates the network. */
export async function createNetwork(client: EngineApi, spec: CreateNetworkSpec, inventory: Inventory, context: DriverContext): Promise<StepOutcome<CreateItem>> {
  const item: CreateItem = { name: spec.name.trim() };
  const issues = validateCreateSpec(spec, inventory, context);
  if (issues.length > 0) {
    return { item, ok: false, issues };
  }
  try {
    return { item: { ...item, id: await client.createNetwork(toCreateRequest(spec, context.engineProduct)) }, ok: true };
  } catch (error) {
    return { item, ok: false, error: classifyOperationError(error) };
  }
}

/** The engine's default address pools, when `GET /info` lists them (newer engines); else undefined. */
function poolsOf(info: EngineInfoJson | undefined): AddressPool[] | undefined {
  const pools = (info?.DefaultAddressPools ?? []).filter((pool) => pool.Base && pool.Size).map((pool) => ({ base: pool.Base!, size: pool.Size! }));
  return pools.length > 0 ? pools : undefined;
}

/**
 * The network's subnets as its inspect (`GET /networks/{id}`) shows them, on demand: which ones
 * the user gave and the gateway the engine took in each (see src/model/subnetFacts.ts).
 */
export async function readSubnetFacts(client: EngineApi, network: NetworkModel): Promise<SubnetFacts[]> {
  const [inspect, info] = await Promise.all([client.inspectNetwork(network.id), client.info().catch(() => undefined)]);
  return subnetFacts(network, inspect, poolsOf(info));
}

export interface ConnectPair {
  containerId: string;
  networkId: string;
}

export interface ConnectItem extends ConnectPair {
  containerName: string;
  networkName: string;
}

/**
 * Whether the container is already on the network as asked (a retry of an action that stopped
 * half-way): connected, at the fixed addresses asked for, with the aliases asked for. Aliases are
 * not in the engine's list: when some are asked, the container is inspected (one request, only
 * for a pair that is already connected). Otherwise the pair goes on to the validation, which
 * refuses it as already connected.
 */
async function alreadyConnected(client: EngineApi, container: ContainerModel, network: NetworkModel, spec: ConnectSpec): Promise<boolean> {
  const endpoint = container.memberships.find((membership) => membership.networkId === network.id);
  const ipv4 = spec.ipv4Address?.trim();
  const ipv6 = spec.ipv6Address?.trim();
  if (!endpoint || (ipv4 && endpoint.ipv4 !== ipv4) || (ipv6 && endpoint.ipv6 !== ipv6) || (spec.gwPriority !== undefined && (endpoint.gwPriority ?? 0) !== spec.gwPriority)) {
    return false;
  }
  if (spec.aliases.length === 0) {
    return true;
  }
  const inspected = await client.inspectContainer(container.id);
  const aliases = inspected.NetworkSettings?.Networks?.[network.name]?.Aliases ?? [];
  return spec.aliases.every((alias) => aliases.includes(alias));
}

/**
 * Connects each pair with the same options. Each pair is validated against the inventory first;
 * a refused pair changes nothing and does not stop the others. A pair already connected as asked
 * is done without a request (so a retry finishes an action that stopped half-way); once the
 * engine is unreachable, the remaining pairs are not sent.
 */
export async function connectContainers(
  client: EngineApi,
  inventory: Inventory,
  pairs: ConnectPair[],
  spec: ConnectSpec,
  onStep?: (item: ConnectItem) => void,
): Promise<StepOutcome<ConnectItem>[]> {
  const outcomes: StepOutcome<ConnectItem>[] = [];
  // A gateway priority is checked against the engine's own API version (an older one would drop it).
  let apiVersion: string | undefined;
  for (const pair of pairs) {
    const container = inventory.containerById.get(pair.containerId);
    const network = inventory.networkById.get(pair.networkId);
    const item: ConnectItem = {
      ...pair,
      containerName: container?.name ?? pair.containerId.slice(0, 12),
      networkName: network?.name ?? pair.networkId.slice(0, 12),
    };
    const gone = engineGone(outcomes);
    if (gone) {
      outcomes.push({ item, ok: false, error: gone, notSent: true });
      continue;
    }
    onStep?.(item);
    if (!container || !network) {
      outcomes.push({
        item,
        ok: false,
        error: { kind: container ? 'networkNotFound' : 'containerNotFound', params: { network: item.networkName, container: item.containerName }, engineMessage: '' },
      });
      continue;
    }
    try {
      if (await alreadyConnected(client, container, network, spec)) {
        outcomes.push({ item, ok: true, already: true });
        continue;
      }
      // A fixed address is checked against the network's inspect: its real gateway, its user subnets.
      const facts = spec.ipv4Address?.trim() || spec.ipv6Address?.trim() ? await readSubnetFacts(client, network) : undefined;
      if (spec.gwPriority !== undefined && apiVersion === undefined) {
        apiVersion = (await client.version()).ApiVersion ?? '';
      }
      const issues = validateConnect(container, network, spec, facts, apiVersion);
      if (issues.length > 0) {
        outcomes.push({ item, ok: false, issues });
        continue;
      }
      await client
        .connect(network.id, container.id, {
          aliases: spec.aliases,
          ipv4Address: spec.ipv4Address?.trim() || undefined,
          ipv6Address: spec.ipv6Address?.trim() || undefined,
          gwPriority: spec.gwPriority,
        })
        .catch(async (error: unknown) => {
          // Podman keeps the refused membership (and then fails every container list): undo it, so the refusal changes nothing.
          if (inventory.podman && podmanKeepsRefusedConnect(classifyOperationError(error))) {
            await client.disconnect(network.id, container.id, true).catch(() => undefined);
          }
          throw error;
        });
      outcomes.push({ item, ok: true });
    } catch (error) {
      outcomes.push({ item, ok: false, error: classifyOperationError(error) });
    }
  }
  return outcomes;
}

export async function disconnectEndpoints(
  client: EngineApi,
  targets: DisconnectTarget[],
  force: boolean,
  onStep?: (target: DisconnectTarget) => void,
): Promise<StepOutcome<DisconnectTarget>[]> {
  const outcomes: StepOutcome<DisconnectTarget>[] = [];
  for (const target of targets) {
    const gone = engineGone(outcomes);
    if (gone) {
      outcomes.push({ item: target, ok: false, error: gone, notSent: true });
      continue;
    }
    onStep?.(target);
    if (target.managedBy) {
      outcomes.push({ item: target, ok: false, issues: [target.managedBy.issue] });
      continue;
    }
    try {
      await client.disconnect(target.networkId, target.containerId, force);
      outcomes.push({ item: target, ok: true });
    } catch (error) {
      outcomes.push({ item: target, ok: false, error: classifyOperationError(error) });
    }
  }
  return outcomes;
}

export interface RemovalItem {
  networkId: string;
  networkName: string;
  /** Endpoints that had to be disconnected first (names of their containers). */
  endpoints: string[];
}

/**
 * Removes networks. With `disconnectEndpoints`, each network's endpoints are disconnected (with
 * Force) first; a failure stops that network's removal and the outcome lists what was already
 * disconnected. Without it, a network with endpoints is left alone and reported.
 */
export async function removeNetworks(
  client: EngineApi,
  plans: RemovalPlan[],
  options: { disconnectEndpoints: boolean },
  onStep?: (item: RemovalItem) => void,
): Promise<StepOutcome<RemovalItem>[]> {
  const outcomes: StepOutcome<RemovalItem>[] = [];
  for (const plan of plans) {
    const item: RemovalItem = { networkId: plan.network.id, networkName: plan.network.name, endpoints: plan.endpoints.map((endpoint) => endpoint.containerName) };
    const gone = engineGone(outcomes);
    if (gone) {
      outcomes.push({ item, ok: false, error: gone, notSent: true });
      continue;
    }
    onStep?.(item);
    if (plan.blocked === 'swarm' && plan.issue) {
      outcomes.push({ item, ok: false, issues: [plan.issue] });
      continue;
    }
    if (plan.blocked) {
      outcomes.push({ item, ok: false, error: { kind: 'predefinedNetwork', params: { network: plan.network.name }, engineMessage: '' } });
      continue;
    }
    const disconnected: string[] = [];
    let failure: OperationError | undefined;
    if (options.disconnectEndpoints) {
      for (const endpoint of plan.endpoints) {
        try {
          await client.disconnect(plan.network.id, endpoint.containerId, true);
          disconnected.push(endpoint.containerName);
        } catch (error) {
          const classified = classifyOperationError(error);
          // Already gone is what we wanted.
          if (classified.kind !== 'notConnected' && classified.kind !== 'containerNotFound') {
            failure = classified;
            break;
          }
        }
      }
    }
    if (!failure) {
      try {
        await client.removeNetwork(plan.network.removalRef);
      } catch (error) {
        failure = classifyOperationError(error);
      }
    }
    outcomes.push(failure ? { item, ok: false, error: failure, partial: disconnected } : { item, ok: true, partial: disconnected });
  }
  return outcomes;
}


export interface PruneItem {
  networkId: string;
  networkName: string;
}

/**
 * Removes exactly the previewed networks, one by one (a network created or put to use after the
 * preview is never touched: the engine refuses to remove a network with active endpoints).
 */
export async function pruneNetworks(client: EngineApi, candidates: PruneCandidate[], onStep?: (item: PruneItem) => void): Promise<StepOutcome<PruneItem>[]> {
  const outcomes: StepOutcome<PruneItem>[] = [];
  for (const candidate of candidates) {
    const item: PruneItem = { networkId: candidate.network.id, networkName: candidate.network.name };
    const gone = engineGone(outcomes);
    if (gone) {
      outcomes.push({ item, ok: false, error: gone, notSent: true });
      continue;
    }
    onStep?.(item);
    try {
      await client.removeNetwork(candidate.network.removalRef);
      outcomes.push({ item, ok: true });
    } catch (error) {
      outcomes.push({ item, ok: false, error: classifyOperationError(error) });
    }
  }
  return outcomes;
}
