/**
 * Gathers everything a topology needs, the same way for the panel, the command line and the doctor
 * (each through the session's TopologySource, topologySource.ts): the
 * session's inventory (two list calls, built once per snapshot), an inspection of each running
 * container for its State.Pid and SandboxKey (on demand, cached by the session), the host probe,
 * then the pure model. No `vscode` here (the CLI depends on it; a lint rule keeps it so).
 * Whether the host namespace alone is read for the overview is the diagram plan's call (diagramPlan.ts).
 */
import type { ContainerInspectJson } from '../model/dockerTypes';
import type { EndpointNamesLookup } from '../model/endpointNames';
import { isSafePid } from '../model/engineValues';
import type { Inventory } from '../model/inventory';
import type { SwarmPeer, SwarmPeersLookup } from '../model/swarm';
import { emptyFacts, type HostFacts, type ProbeLevel, type SandboxInfo } from '../model/topology/facts';
import { buildTopology } from '../model/topology/build';
import { readsHostOnly, type DiagramRequest } from '../model/topology/diagramPlan';
import type { SwarmNodeTopologies, Topology } from '../model/topology/types';
import { probeHost } from '../probe/hostProbe';
import type { IncrementalProbe } from '../probe/incrementalProbe';

/**
 * The containers engine events named since the last take: what an incremental probe must re-read.
 * `take()` gives undefined ("read everything") at first, after `markAll()` (a Refresh, a failed
 * collection) and after the event stream ended (events may have been missed).
 */
export class ChangedContainers {
  private ids: Set<string> | undefined;
  private readonly subscription: { dispose(): void };

  constructor(source: { onDidSeeContainerEvent(listener: (containerId: string | undefined) => void): { dispose(): void } }) {
    this.subscription = source.onDidSeeContainerEvent((id) => (id === undefined ? this.markAll() : this.ids?.add(id)));
  }

  markAll(): void {
    this.ids = undefined;
  }

  take(): string[] | undefined {
    const ids = this.ids ? [...this.ids] : undefined;
    this.ids = new Set();
    return ids;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

/** Probe through an IncrementalProbe: only the namespaces of `changedContainerIds` (and the host) are re-read. */
export interface IncrementalCollect {
  probe: Pick<IncrementalProbe, 'probe'>;
  /** Containers the engine event named; undefined: every namespace (a Refresh). */
  changedContainerIds?: readonly string[];
}

/** What a topology is made from: an EngineSession offers exactly this. */
export interface TopologySession {
  readonly inventory: Inventory | undefined;
  readonly endpointNames: EndpointNamesLookup;
  /** Whether the engine's namespaces are this machine's (otherwise: API level only). */
  readonly isLocal: boolean;
  /** The engine runs rootless (rootless Podman): its bridges live in its rootless network namespace. */
  readonly rootless?: boolean;
  containerDetails(containerId: string): Promise<ContainerInspectJson | undefined>;
  /** On a swarm manager: the Peers of swarm networks, read lazily (one verbose inspection each, when drawn). */
  readonly swarmPeers?: SwarmPeersLookup;
  readSwarmPeers?(networkId: string): Promise<SwarmPeer[] | undefined>;
}

/**
 * Reads the engine's host some other way than this machine's probe: the helper level (a helper
 * container on the engine, src/engine/helperObservation.ts). Rejects when it cannot read.
 */
export type HostObserver = (request: { sandboxes: SandboxInfo[]; hostOnly: boolean }) => Promise<HostFacts>;

/**
 * Another swarm node's own topology, read through the engine configured for that node (its
 * TopologySource: its observer or its probe): `engineUnreachable` when that engine gives none,
 * undefined when no configured engine is that node. The session manager answers it.
 */
export type SwarmNodeLookup = (nodeId: string) => Promise<Topology | 'engineUnreachable' | undefined>;

/** On a swarm manager, every other node's reading (swarmNodes.ts draws them); a lookup that throws counts as unreachable. */
async function swarmNodeTopologies(inventory: Inventory, lookup: SwarmNodeLookup | undefined): Promise<SwarmNodeTopologies | undefined> {
  if (!lookup || inventory.swarm?.role !== 'manager') {
    return undefined;
  }
  const readings = new Map<string, Topology | 'engineUnreachable'>();
  await Promise.all(
    inventory.swarm.nodes
      .filter((node) => !node.self)
      .map(async (node) => {
        const reading = await lookup(node.id).catch((): 'engineUnreachable' => 'engineUnreachable');
        if (reading !== undefined) {
          readings.set(node.id, reading);
        }
      }),
  );
  return readings;
}

export interface Collected {
  inventory: Inventory;
  topology: Topology;
  facts: HostFacts;
  sandboxes: Record<string, SandboxInfo>;
}

export async function sandboxesOf(inventory: Inventory, inspect: TopologySession['containerDetails']): Promise<Record<string, SandboxInfo>> {
  // Containers in `container:` mode share their owner's sandbox: one inspection per sandbox.
  const running = inventory.containers.filter((container) => container.running && container.networkMode.kind !== 'host' && !container.sharesStackOf);
  const sandboxes: Record<string, SandboxInfo> = {};
  await Promise.all(
    running.map(async (container) => {
      const details = await inspect(container.id);
      if (details) {
        sandboxes[container.id] = {
          containerId: container.id,
          // A path component under /proc: a process id this host can have, or none (never `1/../..`).
          pid: isSafePid(details.State?.Pid) ? details.State.Pid : undefined,
          sandboxKey: details.NetworkSettings?.SandboxKey || undefined,
          ...(details.HostConfig?.NetworkMode ? { networkMode: details.HostConfig.NetworkMode } : {}),
        };
      }
    }),
  );
  return sandboxes;
}

/**
 * The observer's reading; when it fails (the observer's owner has said why), this machine's probe's
 * reading instead, with the failure among its warnings: the drawing falls back, it does not go blank.
 */
async function observeOrProbe(observer: HostObserver, request: Parameters<HostObserver>[0], probe: () => Promise<HostFacts>): Promise<HostFacts> {
  try {
    return await observer(request);
  } catch (error) {
    const facts = await probe();
    facts.warnings.push(`helper: ${(error as Error).message}`);
    return facts;
  }
}

/** The topology of the source's current inventory; undefined while the engine is unreachable. */
export async function collectTopology(
  source: TopologySession,
  maxLevel?: ProbeLevel,
  incremental?: IncrementalCollect,
  observer?: HostObserver,
  swarmNodes?: SwarmNodeLookup,
): Promise<Collected | undefined> {
  const inventory = source.inventory;
  const endpointNames = source.endpointNames;
  if (!inventory) {
    return undefined;
  }
  // Inspections give State.Pid and SandboxKey (for the probe) and the aliases (for the labels).
  const sandboxes = await sandboxesOf(inventory, (id) => source.containerDetails(id));
  // A level asked for below the helper's (`--level api`, a test) is this machine's probe's to give.
  const probe = () =>
    incremental
      ? incremental.probe.probe({ local: source.isLocal, sandboxes: Object.values(sandboxes), changedContainerIds: incremental.changedContainerIds, maxLevel, rootless: source.rootless })
      : probeHost({ local: source.isLocal, sandboxes: Object.values(sandboxes), maxLevel, rootless: source.rootless });
  const facts = observer && maxLevel === undefined ? await observeOrProbe(observer, { sandboxes: Object.values(sandboxes), hostOnly: false }, probe) : await probe();
  if (inventory.swarm?.role === 'manager' && source.readSwarmPeers) {
    await Promise.all([...inventory.swarm.networkById.keys()].map((id) => source.readSwarmPeers?.(id)));
  }
  const swarmNodeReadings = await swarmNodeTopologies(inventory, swarmNodes);
  const topology = buildTopology({ inventory, sandboxes, facts, endpointNames, swarmPeers: source.swarmPeers, rootless: source.rootless, swarmNodeTopologies: swarmNodeReadings });
  return { inventory, topology, facts, sandboxes };
}

/**
 * The whole host when the plan (readsHostOnly, diagramPlan.ts) draws it as the overview; undefined
 * when the full plumbing is drawn (then collectTopology reads every namespace). The overview draws
 * networks and containers, which come from the engine's lists, and each network's gateway, which is
 * its bridge on the host: so this reads the host namespace only, with no inspection and no container
 * namespace (at 150 containers, one `ip` call instead of 150 inspections and 300 processes).
 */
export async function collectOverview(source: TopologySession, request: DiagramRequest, maxLevel?: ProbeLevel, observer?: HostObserver): Promise<Collected | undefined> {
  const inventory = source.inventory;
  if (!inventory) {
    return undefined;
  }
  // Rootless: the gateways are bridges of the rootless network namespace (the host's of the same name are another engine's).
  const build = (facts: HostFacts) => buildTopology({ inventory, sandboxes: {}, facts, endpointNames: source.endpointNames, swarmPeers: source.swarmPeers, rootless: source.rootless });
  if (!readsHostOnly(request, () => build(emptyFacts('limitedByOption')))) {
    return undefined;
  }
  const probe = () => probeHost({ local: source.isLocal, sandboxes: [], maxLevel, hostOnly: true });
  const facts = observer && maxLevel === undefined ? await observeOrProbe(observer, { sandboxes: [], hostOnly: true }, probe) : await probe();
  return { inventory, topology: build(facts), facts, sandboxes: {} };
}
