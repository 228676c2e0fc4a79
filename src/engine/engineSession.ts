/**
 * Keeps the current view of one engine, as a small facade over the parts in ./session/: the
 * snapshot and its Inventory with the inspections beside it (SnapshotStore), the one events
 * subscription that drives debounced refreshes (EventFeed), and the swarm lists, poll and peers
 * (SwarmTracker). The facade itself owns what ties them together: the connection state, the
 * refresh (2 list calls, 5 on a swarm manager when the swarm lists may have changed, two more on
 * Podman for its own network and container lists, whatever the engine's size) and the retry with backoff while
 * the engine is unreachable. No `vscode` import:
 * the views, the topology panel and the CLI read `inventory` and listen to `onDidChange`.
 */
import { engineProduct, engineTitle, type EngineProduct } from '../model/engineProduct';
import { EventEmitter } from 'node:events';
import * as os from 'node:os';
import { Debouncer } from '../common/debounce';
import type { ContainerInspectJson, EngineEventJson, EngineInfoJson, EngineSnapshot } from '../model/dockerTypes';
import { EngineTarget, isLocalEngine } from '../model/connectionResolution';
import { classifyUnreachable, UnreachableCause } from '../model/engineErrors';
import type { EndpointNamesLookup } from '../model/endpointNames';
import type { Inventory } from '../model/inventory';
import type { SwarmPeer, SwarmPeersLookup } from '../model/swarm';
import { displayHost } from '../model/displayHost';
import { classifyTlsFailure, TlsFailure } from '../model/tlsFailure';
import type { EngineApi, ExecResult } from './engineApi';
import { EventFeed, EventFeedOptions } from './session/eventFeed';
import { SnapshotStore } from './session/snapshotStore';
import { SwarmTracker } from './session/swarmTracker';
import { PodmanLists } from './session/podmanLists';

export type SessionState =
  | { kind: 'connecting' }
  | { kind: 'connected'; engineVersion?: string; apiVersion?: string; engineHostName?: string; engineProduct?: EngineProduct }
  | { kind: 'unreachable'; cause: UnreachableCause; detail: string; tls?: TlsFailure };

export interface SessionOptions extends EventFeedOptions {
  /** Backoff for re-subscribing to events and retrying an unreachable engine. */
  minBackoffMs?: number;
  /** False for one-shot readers (the CLI): no events subscription, no retry timer. */
  watch?: boolean;
  /** Where the locality facts come from (tests pass their own). */
  platform?: string;
  localHostName?: string;
  /**
   * On a swarm manager, read the swarm lists (nodes, tasks, services) this often even without
   * events, and refresh when they changed: a task placed on another node makes no event on this
   * engine (default 2000 ms; 0 turns it off).
   */
  swarmPollMs?: number;
}

export class EngineSession {
  private readonly emitter = new EventEmitter();
  private stateValue: SessionState = { kind: 'connecting' };
  private readonly store: SnapshotStore;
  private readonly feed: EventFeed;
  private readonly swarm: SwarmTracker;
  /** Podman's own lists and the network modes of its containers without a network (none on Docker). */
  private readonly podman: PodmanLists;
  private readonly retry: Debouncer;
  private backoffMs: number;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private disposed = false;
  /** `/info`, read once per connection (undefined until connected). */
  private connectionInfo: EngineInfoJson | undefined;

  constructor(readonly client: EngineApi, private readonly options: SessionOptions) {
    this.backoffMs = this.minBackoffMs;
    this.retry = new Debouncer(() => void this.refresh(), this.backoffMs);
    this.store = new SnapshotStore(client);
    this.podman = new PodmanLists(client, options.log);
    this.swarm = new SwarmTracker(client, this.store, {
      canPoll: () => this.stateValue.kind === 'connected' && !this.refreshing,
      refresh: () => void this.refreshOnce(),
    }, this.watching ? (options.swarmPollMs ?? 2000) : 0);
    this.feed = new EventFeed(client, options, {
      isConnected: () => this.stateValue.kind === 'connected',
      onEvent: (event) => this.handleEvent(event),
      onNewStream: () => this.swarm.markMayHaveChanged(),
      onStalled: () => {
        this.swarm.markMayHaveChanged();
        this.emitter.emit('containerEvent', undefined);
      },
      onStreamEnd: () => {
        this.emitter.emit('containerEvent', undefined);
        this.stateValue = this.stateValue.kind === 'connected' ? { kind: 'connecting' } : this.stateValue;
        this.swarm.markMayHaveChanged();
      },
      onSubscribeFailed: (error) => this.becomeUnreachable(error),
      // Refreshes that follow events read the swarm lists only when an event asked for it.
      refresh: () => void this.refreshOnce(),
    });
  }

  get target(): EngineTarget {
    return this.client.target;
  }

  /** `docker exec` through this session's client: its transport, SSH and TLS included. */
  execInContainer(containerId: string, argv: string[], timeoutMs: number, maxBytes?: number): Promise<ExecResult> {
    return this.client.execInContainer(containerId, argv, timeoutMs, maxBytes);
  }

  /** The engine's API version while connected (what its answers and options follow). */
  get apiVersion(): string | undefined {
    return this.stateValue.kind === 'connected' ? this.stateValue.apiVersion : undefined;
  }

  get state(): SessionState {
    return this.stateValue;
  }

  get snapshot(): EngineSnapshot | undefined {
    return this.store.snapshot;
  }

  /** The inventory of the latest snapshot, built once per snapshot; undefined while unreachable. */
  get inventory(): Inventory | undefined {
    return this.store.inventory;
  }

  /** Aliases and DNS names of the endpoints whose containers were inspected. */
  get endpointNames(): EndpointNamesLookup {
    return this.store.endpointNames;
  }

  /** Whether the engine says it runs rootless (rootless Podman's /info): its plumbing is not on the host. */
  get rootless(): boolean {
    return this.connectionInfo?.Rootless === true;
  }

  /** Whether the engine runs on this machine (its namespaces and interfaces are ours to read). */
  get isLocal(): boolean {
    const engineHostName = this.stateValue.kind === 'connected' ? this.stateValue.engineHostName : undefined;
    return isLocalEngine(this.target, {
      platform: this.options.platform ?? process.platform,
      localHostName: this.options.localHostName ?? os.hostname(),
      engineHostName,
    });
  }

  /** Fires after each successful refresh and after each state change. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.emitter.on('change', listener);
    return { dispose: () => this.emitter.off('change', listener) };
  }

  /**
   * Fires for each engine event that names a container (its id: its namespace may have changed),
   * and with undefined when events may have been missed (the stream ended). The topology's
   * incremental probe re-reads only the namespaces of the containers named.
   */
  onDidSeeContainerEvent(listener: (containerId: string | undefined) => void): { dispose(): void } {
    this.emitter.on('containerEvent', listener);
    return { dispose: () => this.emitter.off('containerEvent', listener) };
  }

  start(): Promise<void> {
    return this.refresh();
  }

  /**
   * A refresh nobody's event asked for (start, the Refresh button, a retry): events may have been
   * missed, so it reads everything, the swarm lists included.
   */
  refresh(): Promise<void> {
    this.swarm.markMayHaveChanged();
    return this.refreshOnce();
  }

  /**
   * Reads networks and containers (two calls), plus the swarm lists (three more, on a manager) only
   * when they may have changed: a constant number of calls whatever the engine's size. Concurrent
   * calls share one run; a call that arrives during a run schedules exactly one more, so the last
   * event is never lost.
   */
  private refreshOnce(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = this.runRefresh().finally(() => {
      this.refreshing = undefined;
      if (this.refreshAgain && !this.disposed) {
        this.refreshAgain = false;
        void this.refreshOnce();
      }
    });
    return this.refreshing;
  }

  private async runRefresh(): Promise<void> {
    try {
      const connected = this.stateValue.kind === 'connected';
      const podman = this.isPodman;
      const [networks, containers, info, knownSwarm, podmanParts] = await Promise.all([
        this.client.listNetworks(),
        this.client.listContainers(),
        connected ? Promise.resolve(this.connectionInfo) : this.client.info().catch(() => undefined),
        connected ? this.swarm.forRefresh() : Promise.resolve(undefined),
        podman ? this.podman.read() : Promise.resolve(undefined),
      ]);
      if (!connected) {
        this.connectionInfo = info;
        this.swarm.learn(info);
      }
      // The first refresh of a connection learns the swarm role from /info, then reads the swarm lists.
      const swarm = connected ? knownSwarm : await this.swarm.forRefresh(true);
      if (this.disposed) {
        return;
      }
      const snapshot: EngineSnapshot = { networks, containers, ...(swarm ? { swarm } : {}), ...(podmanParts ?? {}) };
      this.store.replace(snapshot);
      if (this.stateValue.kind !== 'connected') {
        await this.becomeConnected(info);
        // Only now is the engine known to be Podman: its own lists (bridges, network modes), read once more here.
        if (this.isPodman && !this.disposed) {
          this.store.replace({ ...snapshot, ...(await this.podman.read()) });
        }
      }
      this.emitter.emit('change');
    } catch (error) {
      if (!this.disposed) {
        this.becomeUnreachable(error);
      }
    }
  }

  /** Connected to Podman (its own /version said so). */
  private get isPodman(): boolean {
    return this.stateValue.kind === 'connected' && this.stateValue.engineProduct === 'Podman';
  }

  /** Peers of the swarm networks whose verbose inspection was read (and is still current). */
  get swarmPeers(): SwarmPeersLookup {
    return this.swarm.peersLookup;
  }

  /**
   * The Peers of one swarm network (`GET /networks/{id}?verbose=true`), read when the network is
   * expanded or drawn, never per refresh; read again once its task placement changed.
   */
  readSwarmPeers(networkId: string): Promise<SwarmPeer[] | undefined> {
    return this.swarm.readPeers(networkId);
  }

  /** An event the trees care about: forget what it may have changed; the feed schedules the refresh. */
  private handleEvent(event: EngineEventJson): void {
    // Aliases of a container change with connect/disconnect/rename/destroy: forget its inspection.
    const containerId = event.Type === 'container' ? event.Actor?.ID : event.Actor?.Attributes?.container;
    if (containerId) {
      this.store.forgetInspection(containerId);
      this.emitter.emit('containerEvent', containerId);
    }
    this.swarm.noteEvent(event);
  }

  private async becomeConnected(info: EngineInfoJson | undefined): Promise<void> {
    // Shown in the UI and used for the locality check; the lists already answered, so a failure
    // here only leaves these unknown. One pair of calls (version, info) per connection, not per refresh.
    const version = await this.client.version().catch(() => undefined);
    this.swarm.startPolling();
    const product = version ? engineProduct(version) : undefined;
    this.stateValue = { kind: 'connected', engineVersion: version?.Version, apiVersion: version?.ApiVersion, engineHostName: info?.Name, engineProduct: product };
    this.backoffMs = this.minBackoffMs;
    const unverified = this.client.target.tls?.verify === false ? '; TLS NOT VERIFIED: the server certificate is not checked' : '';
    this.options.log?.(`connected to ${displayHost(this.client.target.host)} (engine ${engineTitle(product, version?.Version)}, API ${version?.ApiVersion ?? '?'}${unverified})`);
    if (this.watching) {
      this.feed.start();
    }
  }

  private get watching(): boolean {
    return this.options.watch !== false;
  }

  private get minBackoffMs(): number {
    return this.options.minBackoffMs ?? 500;
  }

  /**
   * The target itself could not be resolved (bad host setting, unknown context): show the cause
   * and do not retry; a settings change or a context switch starts a new session.
   */
  reportResolutionFailure(error: unknown): void {
    this.becomeUnreachable(error, false);
  }

  private becomeUnreachable(error: unknown, retry = true): void {
    const tls = classifyTlsFailure(error, this.client.target);
    const cause = tls ? 'tls' : classifyUnreachable(error);
    const detail = displayHost(error instanceof Error ? error.message : String(error));
    const changed = this.stateValue.kind !== 'unreachable' || this.stateValue.cause !== cause || this.stateValue.tls?.check !== tls?.check;
    this.stateValue = { kind: 'unreachable', cause, detail, tls };
    this.store.clear();
    this.swarm.forget();
    this.podman.forget();
    this.feed.stop();
    if (changed) {
      this.options.log?.(`engine ${displayHost(this.client.target.host)} unreachable (${tls ? `tls: ${tls.check}` : cause}): ${detail}`);
      this.emitter.emit('change');
    }
    if (retry && this.watching) {
      this.scheduleRetry();
    }
  }

  /** While unreachable, try again with exponential backoff so the trees come back by themselves. */
  private scheduleRetry(): void {
    if (this.disposed || this.retry.pending) {
      return;
    }
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 5000);
    this.retry.schedule(delay);
  }

  /** Retry now (the welcome view's Retry button), resetting the backoff. */
  retryNow(): Promise<void> {
    this.retry.cancel();
    this.backoffMs = this.minBackoffMs;
    if (this.stateValue.kind === 'unreachable') {
      this.stateValue = { kind: 'connecting' };
      this.emitter.emit('change');
    }
    return this.refresh();
  }

  /**
   * The container's inspection, fetched once and kept until an event names the container. It
   * leaves the inventory as it is and fires no change: the caller that asked renders what it got
   * (a change would make the topology panel, which inspects every running container, redraw again).
   */
  containerDetails(id: string): Promise<ContainerInspectJson | undefined> {
    return this.store.containerDetails(id);
  }

  dispose(): void {
    this.disposed = true;
    this.swarm.dispose();
    this.feed.dispose();
    this.retry.dispose();
    this.store.dispose();
    this.emitter.removeAllListeners();
  }
}
