/**
 * Keeps the current view of one engine: the latest snapshot (2 list calls per refresh, 5 on a swarm
 * manager when the swarm lists may have changed) and the Inventory built from it (once per
 * snapshot), the container inspections asked for so far (beside the snapshot, never written into
 * it), the connection state, and one events subscription that drives debounced refreshes and
 * re-subscribes with backoff. No `vscode` import: the views, the topology panel and the CLI read
 * `inventory` and listen to `onDidChange`.
 */
import { EventEmitter } from 'node:events';
import * as os from 'node:os';
import { Debouncer } from '../common/debounce';
import type { ContainerInspectJson, EngineEventJson, EngineInfoJson, EngineSnapshot, SwarmSnapshot } from '../model/dockerTypes';
import { EngineTarget, isLocalEngine } from '../model/connectionResolution';
import { classifyUnreachable, UnreachableCause } from '../model/engineErrors';
import { EndpointNamesLookup, namesFromInspections } from '../model/endpointNames';
import { buildInventory, Inventory } from '../model/inventory';
import { peersOf, SwarmPeer, SwarmPeersLookup } from '../model/swarm';
import { displayHost } from '../model/displayHost';
import { classifyTlsFailure, TlsFailure } from '../model/tlsFailure';
import { oneLine } from '../model/safeText';
import type { EngineApi, EventSubscription, ExecResult } from './engineApi';
import { EventLineTooLong } from './eventLines';

export type SessionState =
  | { kind: 'connecting' }
  | { kind: 'connected'; engineVersion?: string; apiVersion?: string; engineHostName?: string }
  | { kind: 'unreachable'; cause: UnreachableCause; detail: string; tls?: TlsFailure };

export interface SessionOptions {
  debounceMs: number;
  /** Backoff for re-subscribing to events and retrying an unreachable engine. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** False for one-shot readers (the CLI): no events subscription, no retry timer. */
  watch?: boolean;
  log?: (message: string) => void;
  /** Where the locality facts come from (tests pass their own). */
  platform?: string;
  localHostName?: string;
  /**
   * On a swarm manager, read the swarm lists (nodes, tasks, services) this often even without
   * events, and refresh when they changed: a task placed on another node makes no event on this
   * engine (default 2000 ms; 0 turns it off).
   */
  swarmPollMs?: number;
  /**
   * While the event stream has been silent this long, check it (default 30 000 ms; 0 turns it
   * off): one request per silent period, never a refresh unless the stream had missed something.
   */
  eventCheckMs?: number;
  /** How long subscribing may take before the engine counts as unreachable (default 10 000 ms). */
  subscribeTimeoutMs?: number;
  /**
   * Events keep postponing their refresh by debounceMs; a burst that never pauses still gets one
   * at most this long after its first event (default 1000 ms).
   */
  maxEventWaitMs?: number;
}

type SwarmInfo = NonNullable<EngineInfoJson['Swarm']>;

/** The container events that change what the trees show (others, like exec or health, do not). */
const CONTAINER_ACTIONS = new Set(['create', 'start', 'restart', 'die', 'stop', 'kill', 'pause', 'unpause', 'destroy', 'rename', 'update']);
/** After the event stream ends, wait this long before asking whether the engine is still there. */
const STREAM_END_REFRESH_MS = 100;
/**
 * A stream that ends with an error before it lived this long counts as failing: each such end in a
 * row doubles the wait before the next refresh and subscription (an engine whose stream keeps
 * breaking, e.g. lines over the cap, does not get a request storm).
 */
const HEALTHY_STREAM_MS = 10_000;
/** Event types that are about the swarm itself (only a manager sends them). */
const SWARM_EVENT_TYPES = new Set(['service', 'node', 'config', 'secret']);
/** Labels the engine puts on a container that runs a swarm task (events carry them as attributes). */
const SWARM_TASK_LABELS = ['com.docker.swarm.task.id', 'com.docker.swarm.service.id'];

/**
 * Whether an event may change the swarm lists (nodes, tasks, services); the others leave them as
 * the last refresh read them, so that refresh costs the two list calls only.
 */
function mayChangeSwarmLists(event: EngineEventJson, inventory: Inventory | undefined): boolean {
  if (SWARM_EVENT_TYPES.has(event.Type ?? '') || event.scope === 'swarm') {
    return true;
  }
  const attributes = event.Actor?.Attributes ?? {};
  if (event.Type === 'container') {
    return SWARM_TASK_LABELS.some((label) => attributes[label] !== undefined);
  }
  return event.Type === 'network' && inventory?.networkById.get(event.Actor?.ID ?? '')?.scope === 'swarm';
}

/** What the swarm poll compares: the three lists as the engine gave them. */
function swarmSignature(swarm: SwarmSnapshot | undefined): string {
  return swarm ? JSON.stringify([swarm.nodes, swarm.tasks, swarm.services]) : '';
}

export class EngineSession {
  private readonly emitter = new EventEmitter();
  private current: { snapshot: EngineSnapshot; inventory: Inventory } | undefined;
  private stateValue: SessionState = { kind: 'connecting' };
  private readonly inspections = new Map<string, ContainerInspectJson>();
  private readonly pendingInspections = new Map<string, Promise<ContainerInspectJson | undefined>>();
  private subscription: EventSubscription | undefined;
  private readonly eventRefresh: Debouncer;
  /** The refresh after a stream ended (its own delay, backed off when streams keep failing). */
  private readonly streamEndRefresh: Debouncer;
  /** Fires when the event stream has been silent for eventCheckMs (see checkEventStream). */
  private readonly streamCheck: Debouncer;
  /** The engine time (seconds) of the newest event seen, and the events seen in that second. */
  private lastEventTime: number | undefined;
  private eventsOfLastSecond = new Set<string>();
  /** timeNano of the latest event handled (a replay's earlier events of that second predate it). */
  private lastEventNano: number | undefined;
  /** During a stream check: the new stream's start (engine seconds); older events are replays. */
  private replayBefore: number | undefined;
  /**
   * During a stream check: the old stream's start. A replayed event of that very second may have
   * come just before the old stream began (the refresh after it read the change); a later one is
   * proof that the old stream missed it.
   */
  private replayAfter: number | undefined;
  private subscribedAt = 0;
  /** Event streams in a row that ended with an error soon after they started. */
  private failingStreams = 0;
  private overflowLogged = false;
  private readonly retry: Debouncer;
  private backoffMs: number;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private disposed = false;
  /** Tells the current event subscription from older ones whose callbacks may still arrive. */
  private generation = 0;
  /** `/info`'s swarm part, read once per connection (undefined until connected). */
  private swarmInfo: SwarmInfo | undefined;
  private connectionInfo: EngineInfoJson | undefined;
  /** Peers of swarm networks, read lazily, kept while the network's placement stays the same. */
  private readonly peers = new Map<string, { signature: string; peers: SwarmPeer[] }>();
  private swarmPoll: ReturnType<typeof setInterval> | undefined;
  /**
   * Whether the next refresh must read the swarm lists: set by an event that may concern the swarm,
   * by a refresh nobody's event asked for (a user's Refresh, a lost or new event stream: events may
   * have been missed); cleared when a refresh takes it.
   */
  private swarmMayHaveChanged = true;
  /** Lists the swarm poll read and found changed: the next refresh uses them instead of reading. */
  private polledSwarm: SwarmSnapshot | undefined;
  /** Counts the refreshes' reads of the swarm lists, so a poll can tell that a refresh read newer ones. */
  private swarmReads = 0;

  constructor(readonly client: EngineApi, private readonly options: SessionOptions) {
    this.backoffMs = this.minBackoffMs;
    // Refreshes that follow events read the swarm lists only when an event asked for it.
    this.eventRefresh = new Debouncer(() => void this.refreshOnce(), options.debounceMs, options.maxEventWaitMs ?? 1000);
    this.retry = new Debouncer(() => void this.refresh(), this.backoffMs);
    this.streamEndRefresh = new Debouncer(() => void this.refreshOnce(), STREAM_END_REFRESH_MS);
    this.streamCheck = new Debouncer(() => void this.checkEventStream(), this.eventCheckMs);
  }

  get target(): EngineTarget {
    return this.client.target;
  }

  /** `docker exec` through this session's client: its transport, SSH and TLS included. */
  execInContainer(containerId: string, argv: string[], timeoutMs: number, maxBytes?: number): Promise<ExecResult> {
    return this.client.execInContainer(containerId, argv, timeoutMs, maxBytes);
  }

  get state(): SessionState {
    return this.stateValue;
  }

  get snapshot(): EngineSnapshot | undefined {
    return this.current?.snapshot;
  }

  /** The inventory of the latest snapshot, built once per snapshot; undefined while unreachable. */
  get inventory(): Inventory | undefined {
    return this.current?.inventory;
  }

  /** Aliases and DNS names of the endpoints whose containers were inspected. */
  get endpointNames(): EndpointNamesLookup {
    const inventory = this.current?.inventory;
    return inventory ? namesFromInspections(inventory, (id) => this.inspections.get(id)) : () => undefined;
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
    this.swarmMayHaveChanged = true;
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
      const [networks, containers, info, knownSwarm] = await Promise.all([
        this.client.listNetworks(),
        this.client.listContainers(),
        connected ? Promise.resolve(this.connectionInfo) : this.client.info().catch(() => undefined),
        connected ? this.swarmForRefresh() : Promise.resolve(undefined),
      ]);
      if (!connected) {
        this.connectionInfo = info;
        this.swarmInfo = info?.Swarm?.LocalNodeState === 'active' ? info.Swarm : undefined;
      }
      // The first refresh of a connection learns the swarm role from /info, then reads the swarm lists.
      const swarm = connected ? knownSwarm : await this.swarmForRefresh(true);
      if (this.disposed) {
        return;
      }
      const snapshot: EngineSnapshot = { networks, containers, ...(swarm ? { swarm } : {}) };
      this.forgetInspectionsOfGoneContainers(snapshot);
      this.current = { snapshot, inventory: buildInventory(snapshot) };
      if (this.stateValue.kind !== 'connected') {
        await this.becomeConnected(info);
      }
      this.emitter.emit('change');
    } catch (error) {
      if (!this.disposed) {
        this.becomeUnreachable(error);
      }
    }
  }

  /**
   * The swarm lists for this refresh: read (three calls) on a new connection or when they may have
   * changed; else the lists the poll just read and found changed; else the last snapshot's, the same
   * object (no call). Takes the flag now, so an event during the read asks for the next refresh.
   */
  private swarmForRefresh(newConnection = false): Promise<SwarmSnapshot | undefined> {
    const polled = this.polledSwarm;
    const mayHaveChanged = this.swarmMayHaveChanged || newConnection || !this.current;
    this.polledSwarm = undefined;
    this.swarmMayHaveChanged = false;
    if (mayHaveChanged) {
      this.swarmReads++;
      return this.readSwarm(this.swarmInfo);
    }
    return Promise.resolve(polled ?? this.current?.snapshot.swarm);
  }

  /** On a manager, three list calls (nodes, tasks, services); on a worker, only what /info said. */
  private async readSwarm(info: SwarmInfo | undefined): Promise<SwarmSnapshot | undefined> {
    if (!info) {
      return undefined;
    }
    if (!info.ControlAvailable) {
      return { nodes: [], tasks: [], services: [], info };
    }
    const [nodes, tasks, services] = await Promise.all([this.client.listSwarmNodes(), this.client.listTasks(), this.client.listServices()]);
    return { nodes, tasks, services, info };
  }

  /** Peers of the swarm networks whose verbose inspection was read (and is still current). */
  get swarmPeers(): SwarmPeersLookup {
    return (networkId) => {
      const known = this.peers.get(networkId);
      return known && known.signature === this.placementSignature(networkId) ? known.peers : undefined;
    };
  }

  private placementSignature(networkId: string): string | undefined {
    const network = this.current?.inventory.swarm?.networkById.get(networkId);
    return network ? network.spans.map((span) => `${span.nodeId}:${span.tasks.map((task) => task.id).join(',')}`).join(';') : undefined;
  }

  /**
   * The Peers of one swarm network (`GET /networks/{id}?verbose=true`), read when the network is
   * expanded or drawn, never per refresh; read again once its task placement changed.
   */
  async readSwarmPeers(networkId: string): Promise<SwarmPeer[] | undefined> {
    const signature = this.placementSignature(networkId);
    if (signature === undefined || this.current?.inventory.swarm?.role !== 'manager') {
      return undefined;
    }
    const known = this.swarmPeers(networkId);
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

  private forgetInspectionsOfGoneContainers(snapshot: EngineSnapshot): void {
    const ids = new Set(snapshot.containers.map((container) => container.Id));
    for (const id of [...this.inspections.keys()]) {
      if (!ids.has(id)) {
        this.inspections.delete(id);
      }
    }
  }

  private async becomeConnected(info: EngineInfoJson | undefined): Promise<void> {
    // Shown in the UI and used for the locality check; the lists already answered, so a failure
    // here only leaves these unknown. One pair of calls (version, info) per connection, not per refresh.
    const version = await this.client.version().catch(() => undefined);
    this.startSwarmPoll();
    this.stateValue = { kind: 'connected', engineVersion: version?.Version, apiVersion: version?.ApiVersion, engineHostName: info?.Name };
    this.backoffMs = this.minBackoffMs;
    const unverified = this.client.target.tls?.verify === false ? '; TLS NOT VERIFIED: the server certificate is not checked' : '';
    this.options.log?.(`connected to ${displayHost(this.client.target.host)} (engine ${version?.Version ?? '?'}, API ${version?.ApiVersion ?? '?'}${unverified})`);
    if (this.watching) {
      void this.subscribe();
    }
  }

  private startSwarmPoll(): void {
    const every = this.options.swarmPollMs ?? 2000;
    if (this.swarmPoll || !this.watching || every <= 0 || !this.swarmInfo?.ControlAvailable) {
      return;
    }
    this.swarmPoll = setInterval(() => void this.pollSwarm(), every);
  }

  /**
   * Tasks placed on other nodes make no event here, so the swarm lists are read on a timer; the
   * whole refresh (and the views' redraw) only follows when they changed, and uses the lists read
   * here rather than reading them again (two calls, not five).
   */
  private async pollSwarm(): Promise<void> {
    if (this.stateValue.kind !== 'connected' || this.refreshing) {
      return;
    }
    const readsBefore = this.swarmReads;
    const swarm = await this.readSwarm(this.swarmInfo).catch(() => undefined);
    // A refresh that read the lists meanwhile has lists at least as new as these.
    if (this.disposed || this.swarmReads !== readsBefore || swarmSignature(swarm) === swarmSignature(this.current?.snapshot.swarm)) {
      return;
    }
    if (swarm) {
      this.polledSwarm = swarm;
    } else {
      this.swarmMayHaveChanged = true; // the read failed: the refresh tells whether the engine is still there
    }
    void this.refreshOnce();
  }

  private stopSwarmPoll(): void {
    clearInterval(this.swarmPoll);
    this.swarmPoll = undefined;
  }

  private get watching(): boolean {
    return this.options.watch !== false;
  }

  private get eventCheckMs(): number {
    return this.options.eventCheckMs ?? 30_000;
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
    this.current = undefined;
    this.inspections.clear();
    this.peers.clear();
    this.stopSwarmPoll();
    this.streamCheck.cancel();
    this.subscription?.close();
    this.subscription = undefined;
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
   * Subscribes to events. A new stream (no `since`) is followed by one refresh that reads
   * everything: what changed between the list calls and the subscription told no event. A stream
   * check passes `since`: the engine replays what the old stream should have delivered.
   */
  private async subscribe(since?: number): Promise<void> {
    if (this.disposed || this.subscription) {
      return;
    }
    const generation = ++this.generation;
    try {
      const subscription = await this.subscribeWithin(generation, since);
      if (this.disposed || generation !== this.generation) {
        subscription.close();
        return;
      }
      this.subscription = subscription;
      this.subscribedAt = Date.now();
      this.replayBefore = since !== undefined ? subscription.startedAt : undefined;
      this.watchStream();
      if (since === undefined) {
        this.swarmMayHaveChanged = true;
        this.eventRefresh.schedule();
      }
    } catch (error) {
      if (generation === this.generation && !this.disposed) {
        this.becomeUnreachable(error);
      }
    }
  }

  /** The subscription, or a timeout error: a stream that never answers must not leave the session waiting forever. */
  private subscribeWithin(generation: number, since: number | undefined): Promise<EventSubscription> {
    const pending = this.client.subscribe(
      (event) => this.handleEvent(generation, event),
      (error) => this.handleStreamEnd(generation, error),
      since,
    );
    const timeoutMs = this.options.subscribeTimeoutMs ?? 10_000;
    return new Promise<EventSubscription>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.then((late) => late.close(), () => undefined);
        reject(Object.assign(new Error(`the event stream did not answer within ${timeoutMs} ms (timed out)`), { code: 'ETIMEDOUT' }));
      }, timeoutMs);
      pending.then(
        (subscription) => {
          clearTimeout(timer);
          resolve(subscription);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** (Re)starts the silence timer of the current stream. */
  private watchStream(): void {
    if (this.eventCheckMs > 0 && this.subscription && this.watching) {
      this.streamCheck.schedule(this.eventCheckMs);
    }
  }

  /**
   * The stream has been silent for eventCheckMs. Docker's /events sends nothing while nothing
   * happens, so silence proves nothing; a stream that stalled without closing (a stuck proxy, a
   * half-open connection) looks the same. One request tells them apart: a new subscription with
   * `since` = the second of the last event seen (else the old stream's start) makes the engine
   * replay what the old stream should have delivered. Nothing new: the old stream was fine, no
   * refresh. Events it never delivered: it had stalled; they drive the usual refresh.
   */
  private checkEventStream(): void {
    const old = this.subscription;
    if (this.disposed || !old || this.stateValue.kind !== 'connected') {
      return;
    }
    this.subscription = undefined;
    old.close();
    this.replayAfter = old.startedAt;
    void this.subscribe(this.lastEventTime ?? old.startedAt);
  }

  private handleStreamEnd(generation: number, error: unknown): void {
    if (generation !== this.generation || this.disposed) {
      return;
    }
    this.subscription = undefined;
    this.streamCheck.cancel();
    this.emitter.emit('containerEvent', undefined);
    const lived = Date.now() - this.subscribedAt;
    this.failingStreams = error && lived < HEALTHY_STREAM_MS ? this.failingStreams + 1 : 0;
    const overflow = error instanceof EventLineTooLong;
    if (!overflow || !this.overflowLogged) {
      this.options.log?.(oneLine(`event stream ended${error ? `: ${error instanceof Error ? error.message : String(error)}` : ''}; refreshing`));
    }
    this.overflowLogged ||= overflow;
    // The stream ends when the engine stops: a refresh tells whether it is gone, and either
    // re-subscribes (connected) or starts the retry backoff (unreachable).
    this.stateValue = this.stateValue.kind === 'connected' ? { kind: 'connecting' } : this.stateValue;
    this.swarmMayHaveChanged = true;
    const delay = STREAM_END_REFRESH_MS * 2 ** Math.max(0, this.failingStreams - 1);
    this.eventRefresh.cancel();
    this.streamEndRefresh.schedule(Math.min(delay, this.options.maxBackoffMs ?? 5000));
  }

  /** Whether the event was already handled: a replay (`since`) repeats the events of its first second. */
  private alreadySeen(event: EngineEventJson): boolean {
    const time = event.time;
    if (typeof time !== 'number') {
      return false;
    }
    const key = `${event.timeNano ?? ''} ${event.Type ?? ''} ${event.Action ?? ''} ${event.Actor?.ID ?? ''}`;
    const nano = typeof event.timeNano === 'number' ? event.timeNano : undefined;
    if (this.lastEventTime === undefined || time > this.lastEventTime) {
      this.lastEventTime = time;
      this.lastEventNano = nano;
      this.eventsOfLastSecond = new Set([key]);
      return false;
    }
    if (time === this.lastEventTime) {
      if (this.eventsOfLastSecond.has(key)) {
        return true;
      }
      // The engine's log is ordered: an event of that second earlier than the latest one handled,
      // and never delivered, happened before this session subscribed (its snapshot holds it).
      if (nano !== undefined && this.lastEventNano !== undefined && nano < this.lastEventNano) {
        return true;
      }
      this.eventsOfLastSecond.add(key);
      this.lastEventNano = Math.max(this.lastEventNano ?? nano ?? 0, nano ?? 0);
    }
    return false;
  }

  private handleEvent(generation: number, event: EngineEventJson): void {
    if (generation !== this.generation || this.disposed || this.alreadySeen(event)) {
      return;
    }
    this.watchStream();
    const time = event.time;
    if (this.replayBefore !== undefined && typeof time === 'number' && time <= this.replayBefore && time > (this.replayAfter ?? -Infinity)) {
      // An event the previous stream never delivered, replayed (times are whole seconds: one that
      // came live in the second the check began would look the same, hence "seems").
      this.replayBefore = undefined;
      this.options.log?.('event stream seems to have stalled (the check replayed an event it never delivered); refreshing');
      this.swarmMayHaveChanged = true;
      this.emitter.emit('containerEvent', undefined);
    }
    const action = (event.Action ?? '').split(':')[0];
    if (event.Type === 'container' && !CONTAINER_ACTIONS.has(action)) {
      return;
    }
    // Aliases of a container change with connect/disconnect/rename/destroy: forget its inspection.
    const containerId = event.Type === 'container' ? event.Actor?.ID : event.Actor?.Attributes?.container;
    if (containerId) {
      this.inspections.delete(containerId);
      this.emitter.emit('containerEvent', containerId);
    }
    if (mayChangeSwarmLists(event, this.current?.inventory)) {
      this.swarmMayHaveChanged = true;
    }
    // Trailing, one window after the last event: the engine sends `network connect` before its list
    // shows the new endpoint (a refresh begun on the event itself missed it in 3 of 6 connects here).
    this.eventRefresh.schedule();
  }

  /**
   * The container's inspection, fetched once and kept until an event names the container. It
   * leaves the inventory as it is and fires no change: the caller that asked renders what it got
   * (a change would make the topology panel, which inspects every running container, redraw again).
   */
  containerDetails(id: string): Promise<ContainerInspectJson | undefined> {
    const known = this.inspections.get(id);
    if (known) {
      return Promise.resolve(known);
    }
    const pending = this.pendingInspections.get(id);
    if (pending) {
      return pending;
    }
    const request = this.client
      .inspectContainer(id)
      .then((details) => {
        if (!this.disposed && this.current) {
          this.inspections.set(id, details);
        }
        return details;
      })
      .catch(() => undefined)
      .finally(() => this.pendingInspections.delete(id));
    this.pendingInspections.set(id, request);
    return request;
  }

  dispose(): void {
    this.disposed = true;
    this.stopSwarmPoll();
    this.streamCheck.dispose();
    this.streamEndRefresh.dispose();
    this.subscription?.close();
    this.eventRefresh.dispose();
    this.retry.dispose();
    this.emitter.removeAllListeners();
  }
}
