/**
 * One engine session's topology source, shared by everyone who draws or reads that engine's host:
 * the panel, the command line and the connectivity doctor. It owns the collect (collectTopology.ts),
 * the incremental probe (namespaces re-read only for the containers engine events named since the
 * last read) and the watcher of the host's interfaces (started only while someone listens: the
 * panel; the command line and the doctor never do). Created beside the session (the session manager
 * keeps one per engine, the command line makes its own), disposed with it. No `vscode` here.
 */
import type { DiagramRequest } from '../model/topology/diagramPlan';
import type { ProbeLevel } from '../model/topology/facts';
import { HostInterfaceWatcher, type HostInterfaceChange } from '../probe/hostInterfaceWatcher';
import { IncrementalProbe } from '../probe/incrementalProbe';
import type { Inventory } from '../model/inventory';
import type { Topology } from '../model/topology/types';
import { ChangedContainers, type Collected, collectOverview, collectTopology, type HostObserver, type SwarmNodeLookup, type TopologySession } from './collectTopology';

/** What the source reads: the session's inventory and inspections, and the containers its events name. */
export interface SourceSession extends TopologySession {
  onDidSeeContainerEvent(listener: (containerId: string | undefined) => void): { dispose(): void };
}

export class TopologySource {
  private readonly probe: IncrementalProbe;
  private readonly changed: ChangedContainers;
  private watcher: HostInterfaceWatcher | undefined;
  private readonly hostListeners = new Set<(change: HostInterfaceChange) => void>();
  private disposed = false;
  private observer: HostObserver | undefined;
  private dropObserver: (() => void) | undefined;
  private readonly readerListeners = new Set<() => void>();
  private swarmNodes: SwarmNodeLookup | undefined;
  /** This engine's topology as another engine's swarm manager draws it: one per snapshot (nodeTopology()). */
  private asNode: { inventory: Inventory; topology: Promise<Topology | undefined> } | undefined;

  constructor(readonly session: SourceSession) {
    this.probe = new IncrementalProbe({ local: session.isLocal });
    this.changed = new ChangedContainers(session);
  }

  /**
   * The topology of the session's current inventory, every namespace read through the incremental
   * probe; undefined while the engine is unreachable. The containers events named are taken just
   * before the probe is queued, so that probes run in the order their changes were taken; a probe
   * that fails gives them back (the next read reads everything).
   */
  async collect(maxLevel?: ProbeLevel): Promise<Collected | undefined> {
    return this.collectWith(maxLevel, this.swarmNodes);
  }

  private async collectWith(maxLevel: ProbeLevel | undefined, swarmNodes: SwarmNodeLookup | undefined): Promise<Collected | undefined> {
    if (this.observer) {
      return collectTopology(this.session, maxLevel, undefined, this.observer, swarmNodes);
    }
    const incremental = {
      probe: {
        probe: (request: Parameters<IncrementalProbe['probe']>[0]) =>
          this.probe.probe({ ...request, changedContainerIds: this.changed.take() }).catch((error: unknown) => {
            this.changed.markAll();
            throw error;
          }),
      },
    };
    return collectTopology(this.session, maxLevel, incremental, undefined, swarmNodes);
  }

  /**
   * On a swarm manager, the other nodes are drawn from their own engines' topologies: `lookup`
   * (the session manager's, matching each configured engine's swarm node id) gives them; undefined:
   * every other node inferred from the swarm lists.
   */
  useSwarmNodes(lookup: SwarmNodeLookup | undefined): void {
    this.swarmNodes = lookup;
  }

  /**
   * This engine's own topology, for a swarm manager that draws this engine's node (every namespace
   * read, through the observer when one is set), without other nodes' (two managers never ask each
   * other in a loop). Read once per snapshot; undefined while the engine is unreachable.
   */
  nodeTopology(): Promise<Topology | undefined> {
    const inventory = this.session.inventory;
    if (!inventory) {
      return Promise.resolve(undefined);
    }
    if (this.asNode?.inventory !== inventory) {
      const topology = this.collectWith(undefined, undefined).then((collected) => collected?.topology);
      this.asNode = { inventory, topology };
      // A failed read is not kept: the next manager's collect tries again.
      topology.catch(() => {
        if (this.asNode?.topology === topology) {
          this.asNode = undefined;
        }
      });
    }
    return this.asNode.topology;
  }

  /**
   * What a diagram request needs: the host namespace alone when the plan draws the whole host as the
   * overview (diagramPlan.ts), else every namespace (collect()).
   */
  async collectFor(request: DiagramRequest, maxLevel?: ProbeLevel): Promise<Collected | undefined> {
    return (await collectOverview(this.session, request, maxLevel, this.observer)) ?? this.collect(maxLevel);
  }

  /**
   * From now on the engine's host is read by `observer` (the helper level) instead of this machine's
   * probe, for everyone who reads this source (panel, doctor, command line); undefined goes back to
   * the probe. Each read runs the observer once. `onDrop` is called once when this observer is
   * replaced (another one, or undefined) or the source is disposed: what it keeps on the engine
   * (a kept helper container) goes then.
   */
  useObserver(observer: HostObserver | undefined, onDrop?: () => void): void {
    // The observer being replaced lets go of what it holds (a kept helper container).
    const drop = this.dropObserver;
    this.dropObserver = onDrop;
    drop?.();
    this.observer = observer;
    this.changed.markAll();
    for (const listener of [...this.readerListeners]) {
      listener();
    }
  }

  /** Fires when the reader of the host changes (useObserver): what was drawn was read by the other one. */
  onDidChangeReader(listener: () => void): { dispose(): void } {
    this.readerListeners.add(listener);
    return { dispose: () => this.readerListeners.delete(listener) };
  }

  /** Whether a host observer (the helper level) reads the host instead of this machine's probe. */
  get observed(): boolean {
    return this.observer !== undefined;
  }

  /** The next read reads every namespace again (Refresh, a failed collection). */
  readEverythingNextTime(): void {
    this.changed.markAll();
  }

  /**
   * Listens to changes of the host's interfaces made outside Docker (a veth made by hand). The
   * watcher (`ip monitor`, a child process) runs while at least one listener is subscribed.
   */
  onDidChangeHost(listener: (change: HostInterfaceChange) => void): { dispose(): void } {
    if (this.disposed) {
      return { dispose: () => undefined };
    }
    this.hostListeners.add(listener);
    if (!this.watcher) {
      this.watcher = new HostInterfaceWatcher({ local: this.session.isLocal });
      this.watcher.onDidChange((change) => {
        for (const each of [...this.hostListeners]) {
          each(change);
        }
      });
    }
    return {
      dispose: () => {
        this.hostListeners.delete(listener);
        if (this.hostListeners.size === 0) {
          this.stopWatching();
        }
      },
    };
  }

  private stopWatching(): void {
    this.watcher?.dispose();
    this.watcher = undefined;
  }

  dispose(): void {
    this.disposed = true;
    const drop = this.dropObserver;
    this.dropObserver = undefined;
    this.observer = undefined;
    drop?.();
    this.hostListeners.clear();
    this.readerListeners.clear();
    this.stopWatching();
    this.changed.dispose();
  }
}

/**
 * The lookup a manager's source draws the other swarm nodes with (useSwarmNodes): among the
 * engines configured (`sources`, read at each call: the list changes with the settings), the one
 * whose own swarm node id (/info Swarm.NodeID, the inventory's `localNodeId`) is that node, read
 * through its own source (nodeTopology: once per snapshot). An engine keeps the node id it last
 * showed, so while it is unreachable its node says so instead of "no engine configured".
 */
export function swarmNodeLookup(sources: () => readonly TopologySource[], asking: TopologySource): SwarmNodeLookup {
  const lastNodeIds = new WeakMap<TopologySource, string>();
  return async (nodeId) => {
    const candidates = sources().filter((source) => source !== asking);
    for (const source of candidates) {
      const own = source.session.inventory?.swarm?.localNodeId;
      if (own) {
        lastNodeIds.set(source, own);
      }
    }
    const engine = candidates.find((source) => lastNodeIds.get(source) === nodeId);
    if (!engine) {
      return undefined;
    }
    return (await engine.nodeTopology()) ?? 'engineUnreachable';
  };
}
