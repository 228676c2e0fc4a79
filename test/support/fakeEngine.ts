/**
 * An in-memory EngineApi fed from fixtures recorded from a real engine. It unit-tests the
 * session's own logic (debounce, refresh-again, backoff, generations, unreachable -> back); it
 * makes no claim about what the engine does (test/engine does that against a real dockerd).
 */
import type { ConnectRequest, EngineApi, EngineVersion, EventSubscription, ExecResult } from '../../src/engine/engineApi';
import type { NetworkCreateRequest } from '../../src/model/createNetworkSpec';
import type { EngineTarget } from '../../src/model/connectionResolution';
import type { ContainerInspectJson, ContainerSummaryJson, EngineEventJson, EngineInfoJson, NetworkJson, PodmanContainerJson, PodmanNetworkJson, SwarmNodeJson, SwarmServiceJson, SwarmTaskJson } from '../../src/model/dockerTypes';
import type { RecordedFixture } from './fixtures';
import type { ContainerStatsJson } from '../../src/model/traffic/counters';

type Call = 'ping' | 'version' | 'info' | 'listNetworks' | 'listContainers' | 'listPodmanNetworks' | 'listPodmanContainers' | 'inspectContainer' | 'inspectNetwork' | 'containerStats' | 'listSwarmNodes' | 'listTasks' | 'listServices' | 'subscribe' | 'mutation' | 'exec';

/** An error shaped like the socket error node gives when the engine's socket is gone. */
export function socketMissingError(): Error {
  return Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' });
}

interface Listener {
  onEvent: (event: EngineEventJson) => void;
  onEnd: (error?: unknown) => void;
  closed: boolean;
  /** A stalled stream: open, but nothing reaches its listener any more. */
  frozen?: boolean;
}

export class FakeEngine implements EngineApi {
  readonly target: EngineTarget = { source: 'default', contextName: 'default', host: 'unix:///var/run/docker.sock', protocol: 'unix', socketPath: '/var/run/docker.sock' };
  networks: NetworkJson[];
  containers: ContainerSummaryJson[];
  readonly inspections: Record<string, ContainerInspectJson>;
  /** When set, every request fails with it (the engine is down). */
  failure: Error | undefined;
  /** When set, list calls wait for this promise (to hold a refresh in flight). */
  listGate: Promise<void> | undefined;
  readonly calls: Call[] = [];
  /** Every change asked for, in order, as `verb target…` (e.g. `connect <net> <container>`). */
  readonly mutations: string[] = [];
  /** The bodies of the create and connect requests sent, as JSON would carry them (what `mutations` abbreviates). */
  readonly createRequests: NetworkCreateRequest[] = [];
  readonly connectRequests: { networkId: string; containerId: string; request?: ConnectRequest }[] = [];
  /** When it returns an error for a mutation, that mutation fails with it (an engine refusal). */
  refuse: ((mutation: string) => Error | undefined) | undefined;
  private readonly listeners: Listener[] = [];
  /** Every event emitted, for the replays `subscribe(…, since)` asks for. */
  private readonly eventLog: EngineEventJson[] = [];
  /** The engine's clock (unix seconds): what a new stream's `startedAt` says. */
  now = 1_700_000_000;
  /** The `since` of each subscription, in order (undefined: a new stream). */
  readonly subscribeSince: (number | undefined)[] = [];
  /** What `/info` says (a recorded swarm node's info makes this a swarm manager or worker). */
  infoJson: EngineInfoJson;
  swarmNodes: SwarmNodeJson[];
  tasks: SwarmTaskJson[];
  services: SwarmServiceJson[];
  /** `GET /networks/{id}?verbose=true` answers, by network id (recorded on a swarm manager). */
  readonly verboseNetworks: Record<string, NetworkJson>;
  /** What `GET /version` says (a test on a fixture of a newer engine sets the version it was recorded with). */
  versionJson: EngineVersion = { Version: '20.10.24', ApiVersion: '1.41', Os: 'linux' };
  /** Podman's own network list (a fixture recorded from Podman has one; Docker answers 404 there). */
  podmanNetworks: PodmanNetworkJson[] | undefined;
  /** Podman's own container list (a fixture recorded from Podman may have one; Docker answers 404 there). */
  podmanContainers: PodmanContainerJson[] | undefined;

  constructor(fixture: RecordedFixture) {
    this.networks = structuredClone(fixture.networks);
    this.containers = structuredClone(fixture.containers);
    this.inspections = structuredClone(fixture.containerDetails);
    this.infoJson = fixture.info?.Swarm?.LocalNodeState === 'active' ? structuredClone(fixture.info) : { Name: 'fake-host' };
    this.swarmNodes = structuredClone(fixture.swarm?.nodes ?? []);
    this.tasks = structuredClone(fixture.swarm?.tasks ?? []);
    this.services = structuredClone(fixture.swarm?.services ?? []);
    this.verboseNetworks = structuredClone(fixture.swarm?.verboseNetworks ?? {});
    this.podmanNetworks = structuredClone(fixture.podmanNetworks);
    this.podmanContainers = structuredClone(fixture.podmanContainers);
    if (fixture.version) {
      this.versionJson = structuredClone(fixture.version);
    }
  }

  get apiCallCount(): number {
    return this.calls.length;
  }

  count(call: Call): number {
    return this.calls.filter((c) => c === call).length;
  }

  private async answer<T>(call: Call, value: () => T): Promise<T> {
    this.calls.push(call);
    await Promise.resolve();
    if (this.failure) {
      throw this.failure;
    }
    return value();
  }

  private async listed<T>(call: Call, value: () => T): Promise<T> {
    const gate = this.listGate;
    if (gate) {
      await gate;
    }
    return this.answer(call, value);
  }

  ping(): Promise<unknown> {
    return this.answer('ping', () => 'OK');
  }

  version(): Promise<EngineVersion> {
    return this.answer('version', () => structuredClone(this.versionJson));
  }

  info(): Promise<EngineInfoJson> {
    return this.answer('info', () => structuredClone(this.infoJson));
  }

  listNetworks(): Promise<NetworkJson[]> {
    return this.listed('listNetworks', () => structuredClone(this.networks));
  }

  listContainers(): Promise<ContainerSummaryJson[]> {
    return this.listed('listContainers', () => structuredClone(this.containers));
  }

  listPodmanNetworks(): Promise<PodmanNetworkJson[]> {
    return this.listed('listPodmanNetworks', () => {
      if (!this.podmanNetworks) {
        throw Object.assign(new Error('(HTTP code 404) unexpected - page not found'), { statusCode: 404 });
      }
      return structuredClone(this.podmanNetworks);
    });
  }

  listPodmanContainers(): Promise<PodmanContainerJson[]> {
    return this.listed('listPodmanContainers', () => {
      if (!this.podmanContainers) {
        throw Object.assign(new Error('(HTTP code 404) unexpected - page not found'), { statusCode: 404 });
      }
      return structuredClone(this.podmanContainers);
    });
  }

  inspectContainer(id: string): Promise<ContainerInspectJson> {
    return this.answer('inspectContainer', () => {
      const found = this.inspections[id];
      if (!found) {
        throw Object.assign(new Error(`(HTTP code 404) no such container - No such container: ${id}`), { statusCode: 404 });
      }
      return structuredClone(found);
    });
  }

  /** Stats by container id (set by a test, from recorded stats); a container without any answers 404. */
  stats: Record<string, ContainerStatsJson> = {};

  containerStats(id: string): Promise<ContainerStatsJson> {
    return this.answer('containerStats', () => {
      const found = this.stats[id];
      if (!found) {
        throw Object.assign(new Error(`(HTTP code 404) no such container - No such container: ${id}`), { statusCode: 404 });
      }
      return structuredClone(found);
    });
  }

  inspectNetwork(id: string, verbose?: boolean): Promise<NetworkJson> {
    return this.answer('inspectNetwork', () => structuredClone((verbose ? this.verboseNetworks[id] : undefined) ?? this.networks.find((n) => n.Id === id || n.Name === id)!));
  }

  listSwarmNodes(): Promise<SwarmNodeJson[]> {
    return this.listed('listSwarmNodes', () => structuredClone(this.swarmNodes));
  }

  listTasks(): Promise<SwarmTaskJson[]> {
    return this.listed('listTasks', () => structuredClone(this.tasks));
  }

  listServices(): Promise<SwarmServiceJson[]> {
    return this.listed('listServices', () => structuredClone(this.services));
  }

  private mutate<T>(mutation: string, value: T): Promise<T> {
    return this.answer('mutation', () => {
      this.mutations.push(mutation);
      const refusal = this.refuse?.(mutation);
      if (refusal) {
        throw refusal;
      }
      return value;
    });
  }

  createNetwork(request: NetworkCreateRequest): Promise<string> {
    this.createRequests.push(JSON.parse(JSON.stringify(request)) as NetworkCreateRequest);
    return this.mutate(`create ${request.Name}`, 'created');
  }

  connect(networkId: string, containerId: string, request?: ConnectRequest): Promise<void> {
    this.connectRequests.push(JSON.parse(JSON.stringify({ networkId, containerId, request })) as FakeEngine['connectRequests'][number]);
    return this.mutate(`connect ${networkId} ${containerId}${request?.aliases?.length ? ` aliases=${request.aliases.join(',')}` : ''}`, undefined);
  }

  disconnect(networkId: string, containerId: string, force?: boolean): Promise<void> {
    return this.mutate(`disconnect ${networkId} ${containerId}${force ? ' force' : ''}`, undefined);
  }

  removeNetwork(networkId: string): Promise<void> {
    return this.mutate(`remove ${networkId}`, undefined);
  }

  pruneNetworks(): Promise<string[]> {
    return this.mutate('prune', []);
  }

  /** Runs nothing: what a command prints comes from the real engine (test/engine), not from fixtures. */
  execInContainer(): Promise<ExecResult> {
    return this.answer('exec', () => ({ code: null, output: 'the fake engine runs no commands' }));
  }

  subscribe(onEvent: (event: EngineEventJson) => void, onEnd: (error?: unknown) => void, since?: number): Promise<EventSubscription> {
    return this.answer('subscribe', () => {
      const listener: Listener = { onEvent, onEnd, closed: false };
      this.listeners.push(listener);
      this.subscribeSince.push(since);
      if (since !== undefined) {
        // Like the engine: the kept events from that second on come first, after the headers.
        const replay = this.eventLog.filter((event) => (event.time ?? 0) >= since);
        setImmediate(() => replay.forEach((event) => !listener.closed && !listener.frozen && listener.onEvent(structuredClone(event))));
      }
      return { close: () => void (listener.closed = true), startedAt: this.now };
    });
  }

  /** The open streams stall: they stay open but deliver nothing more (a stuck proxy). */
  freeze(): void {
    this.listeners.filter((l) => !l.closed).forEach((listener) => (listener.frozen = true));
  }

  /** Open streams end with this error while the engine still answers (e.g. a line over the cap). */
  endStreams(error: Error): void {
    for (const listener of this.listeners.filter((l) => !l.closed)) {
      listener.closed = true;
      listener.onEnd(error);
    }
  }

  /** Open subscriptions (not closed by the session, not ended by the engine). */
  get openSubscriptions(): number {
    return this.listeners.filter((listener) => !listener.closed).length;
  }

  /** Delivers an event to every open subscription, as the engine's stream would. */
  emit(event: EngineEventJson): void {
    this.eventLog.push(structuredClone(event));
    for (const listener of this.listeners.filter((l) => !l.closed && !l.frozen)) {
      listener.onEvent(event);
    }
  }

  /** The engine goes away: every request fails and open event streams end. */
  stop(error: Error = socketMissingError()): void {
    this.failure = error;
    for (const listener of this.listeners.filter((l) => !l.closed)) {
      listener.closed = true;
      listener.onEnd(error);
    }
  }

  start(): void {
    this.failure = undefined;
  }

  /** Calls the end callback of the n-th subscription ever made, even if it was closed (a late end). */
  lateEnd(index: number): void {
    this.listeners[index].onEnd(new Error('late end of an old stream'));
  }
}
