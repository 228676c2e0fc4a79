/**
 * What the session knows of the swarm: the role `/info` gave at connection, the three swarm lists
 * (nodes, tasks, services: read only when they may have changed, so most refreshes cost the two
 * list calls), the 2 s poll a manager needs (a task placed on another node makes no event on this
 * engine), and the Peers of swarm networks, read on demand and kept while their placement holds.
 */
import type { EngineEventJson, EngineInfoJson, SwarmSnapshot } from '../../model/dockerTypes';
import { peersOf, SwarmPeer, SwarmPeersLookup } from '../../model/swarm';
import type { EngineApi } from '../engineApi';
import type { SnapshotStore } from './snapshotStore';

type SwarmInfo = NonNullable<EngineInfoJson['Swarm']>;

/** Event types that are about the swarm itself (only a manager sends them). */
const SWARM_EVENT_TYPES = new Set(['service', 'node', 'config', 'secret']);
/** Labels the engine puts on a container that runs a swarm task (events carry them as attributes). */
const SWARM_TASK_LABELS = ['com.docker.swarm.task.id', 'com.docker.swarm.service.id'];

/** What the swarm poll compares: the three lists as the engine gave them. */
function swarmSignature(swarm: SwarmSnapshot | undefined): string {
  return swarm ? JSON.stringify([swarm.nodes, swarm.tasks, swarm.services]) : '';
}

/** What the tracker asks of the session that owns it. */
export interface SwarmTrackerHost {
  /** Whether a poll may read now: connected, and no refresh in flight (that one reads newer lists). */
  canPoll(): boolean;
  /** The poll found the lists changed (or could not read them): one refresh, which takes them. */
  refresh(): void;
}

export class SwarmTracker {
  /** `/info`'s swarm part, read once per connection (undefined until connected, or off the swarm). */
  private info: SwarmInfo | undefined;
  /** Peers of swarm networks, read lazily, kept while the network's placement stays the same. */
  private readonly peers = new Map<string, { signature: string; peers: SwarmPeer[] }>();
  private poll: ReturnType<typeof setInterval> | undefined;
  /**
   * Whether the next refresh must read the swarm lists: set by an event that may concern the swarm,
   * by a refresh nobody's event asked for (a user's Refresh, a lost or new event stream: events may
   * have been missed); cleared when a refresh takes it.
   */
  private mayHaveChanged = true;
  /** Lists the poll read and found changed: the next refresh uses them instead of reading. */
  private polled: SwarmSnapshot | undefined;
  /** Counts the refreshes' reads of the swarm lists, so a poll can tell that a refresh read newer ones. */
  private reads = 0;
  private disposed = false;

  /** `pollMs` 0 turns the poll off (one-shot sessions, tests). */
  constructor(
    private readonly client: EngineApi,
    private readonly store: SnapshotStore,
    private readonly host: SwarmTrackerHost,
    private readonly pollMs: number,
  ) {}

  /** A new connection: its `/info` says whether this engine is on a swarm, and as what. */
  learn(info: EngineInfoJson | undefined): void {
    this.info = info?.Swarm?.LocalNodeState === 'active' ? info.Swarm : undefined;
  }

  /** Events may have been missed (or a user asked): the next refresh reads the lists. */
  markMayHaveChanged(): void {
    this.mayHaveChanged = true;
  }

  /**
   * Whether an event may change the swarm lists (nodes, tasks, services); the others leave them as
   * the last refresh read them, so that refresh costs the two list calls only.
   */
  noteEvent(event: EngineEventJson): void {
    if (this.concernsSwarm(event)) {
      this.mayHaveChanged = true;
    }
  }

  private concernsSwarm(event: EngineEventJson): boolean {
    if (SWARM_EVENT_TYPES.has(event.Type ?? '') || event.scope === 'swarm') {
      return true;
    }
    const attributes = event.Actor?.Attributes ?? {};
    if (event.Type === 'container') {
      return SWARM_TASK_LABELS.some((label) => attributes[label] !== undefined);
    }
    return event.Type === 'network' && this.store.inventory?.networkById.get(event.Actor?.ID ?? '')?.scope === 'swarm';
  }

  /**
   * The swarm lists for this refresh: read (three calls) on a new connection or when they may have
   * changed; else the lists the poll just read and found changed; else the last snapshot's, the same
   * object (no call). Takes the flag now, so an event during the read asks for the next refresh.
   */
  forRefresh(newConnection = false): Promise<SwarmSnapshot | undefined> {
    const polled = this.polled;
    const mayHaveChanged = this.mayHaveChanged || newConnection || !this.store.snapshot;
    this.polled = undefined;
    this.mayHaveChanged = false;
    if (mayHaveChanged) {
      this.reads++;
      return this.read();
    }
    return Promise.resolve(polled ?? this.store.snapshot?.swarm);
  }

  /** On a manager, three list calls (nodes, tasks, services); on a worker, only what /info said. */
  private async read(): Promise<SwarmSnapshot | undefined> {
    const info = this.info;
    if (!info) {
      return undefined;
    }
    if (!info.ControlAvailable) {
      return { nodes: [], tasks: [], services: [], info };
    }
    const [nodes, tasks, services] = await Promise.all([this.client.listSwarmNodes(), this.client.listTasks(), this.client.listServices()]);
    return { nodes, tasks, services, info };
  }

  /** Connected: on a manager, the poll starts (once). */
  startPolling(): void {
    if (this.poll || this.pollMs <= 0 || !this.info?.ControlAvailable) {
      return;
    }
    this.poll = setInterval(() => void this.pollOnce(), this.pollMs);
  }

  /**
   * Tasks placed on other nodes make no event here, so the swarm lists are read on a timer; the
   * whole refresh (and the views' redraw) only follows when they changed, and uses the lists read
   * here rather than reading them again (two calls, not five).
   */
  private async pollOnce(): Promise<void> {
    if (!this.host.canPoll()) {
      return;
    }
    const readsBefore = this.reads;
    const swarm = await this.read().catch(() => undefined);
    // A refresh that read the lists meanwhile has lists at least as new as these.
    if (this.disposed || this.reads !== readsBefore || swarmSignature(swarm) === swarmSignature(this.store.snapshot?.swarm)) {
      return;
    }
    if (swarm) {
      this.polled = swarm;
    } else {
      this.mayHaveChanged = true; // the read failed: the refresh tells whether the engine is still there
    }
    this.host.refresh();
  }

  /** The engine is unreachable: no poll, and the peers read are no longer known to hold. */
  forget(): void {
    this.peers.clear();
    this.stopPolling();
  }

  private stopPolling(): void {
    clearInterval(this.poll);
    this.poll = undefined;
  }

  /** Peers of the swarm networks whose verbose inspection was read (and is still current). */
  get peersLookup(): SwarmPeersLookup {
    return (networkId) => {
      const known = this.peers.get(networkId);
      return known && known.signature === this.placementSignature(networkId) ? known.peers : undefined;
    };
  }

  private placementSignature(networkId: string): string | undefined {
    const network = this.store.inventory?.swarm?.networkById.get(networkId);
    return network ? network.spans.map((span) => `${span.nodeId}:${span.tasks.map((task) => task.id).join(',')}`).join(';') : undefined;
  }

  /**
   * The Peers of one swarm network (`GET /networks/{id}?verbose=true`), read when the network is
   * expanded or drawn, never per refresh; read again once its task placement changed.
   */
  async readPeers(networkId: string): Promise<SwarmPeer[] | undefined> {
    const signature = this.placementSignature(networkId);
    if (signature === undefined || this.store.inventory?.swarm?.role !== 'manager') {
      return undefined;
    }
    const known = this.peersLookup(networkId);
    if (known) {
      return known;
    }
    try {
      const peers = peersOf(await this.client.inspectNetwork(networkId, true));
      this.peers.set(networkId, { signature, peers });
      return peers;
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.stopPolling();
  }
}
