/**
 * What the rest of the extension needs from an engine. `EngineClient` implements it over
 * dockerode; the unit tests implement it in memory from recorded fixtures, so the session's own
 * logic (debounce, refresh-again, backoff, generations) is tested in milliseconds. A claim about
 * what the engine does is tested against the real one (test/engine).
 */
import type { ContainerInspectJson, ContainerSummaryJson, EngineEventJson, EngineInfoJson, NetworkJson, PodmanContainerJson, PodmanNetworkJson, SwarmNodeJson, SwarmServiceJson, SwarmTaskJson } from '../model/dockerTypes';
import type { EngineTarget } from '../model/connectionResolution';
import type { NetworkCreateRequest } from '../model/createNetworkSpec';
import type { ContainerStatsJson } from '../model/traffic/counters';

export interface ConnectRequest {
  aliases?: string[];
  ipv4Address?: string;
  ipv6Address?: string;
  /** `GwPriority` (API 1.48+); left out when undefined, as every older engine expects. */
  gwPriority?: number;
}

export interface EventSubscription {
  close(): void;
  /** The engine's clock when the stream started (unix seconds, from its `Date` header), when known. */
  startedAt?: number;
}

/** The most output kept of one command run for the doctor (exec or a host tool): 1 MiB. */
export const EXEC_OUTPUT_MAX_BYTES = 1024 * 1024;

/** A command run in a container (`docker exec`): its exit code and output. */
export interface ExecResult {
  /** Exit code; null when the command could not be started or outlived its timeout. */
  code: number | null;
  output: string;
  /** The command is not there (not in the container's image). */
  missing?: boolean;
  /** The output was longer than allowed: it was cut there and the command stopped. */
  truncated?: boolean;
}

export interface EngineVersion {
  Version?: string;
  ApiVersion?: string;
  Os?: string;
  /** Docker: "Engine", containerd, runc…; Podman: "Podman Engine" (engineProduct reads it). */
  Components?: { Name?: string; Version?: string }[] | null;
}

export interface EngineApi {
  readonly target: EngineTarget;
  /** How many API requests were made; the benchmark and the tests read it around a refresh. */
  readonly apiCallCount: number;
  ping(): Promise<unknown>;
  version(): Promise<EngineVersion>;
  info(): Promise<EngineInfoJson>;
  listNetworks(): Promise<NetworkJson[]>;
  listContainers(): Promise<ContainerSummaryJson[]>;
  /** Podman only (`GET /v4.0.0/libpod/networks/json`): its own network list, which names each bridge device. */
  listPodmanNetworks(): Promise<PodmanNetworkJson[]>;
  /** Podman only (`GET /v4.0.0/libpod/containers/json?all=true`): the networks each container joined itself. */
  listPodmanContainers(): Promise<PodmanContainerJson[]>;
  inspectContainer(id: string): Promise<ContainerInspectJson>;
  inspectNetwork(id: string, verbose?: boolean): Promise<NetworkJson>;
  /**
   * One reading of a running container's stats (`GET /containers/{id}/stats?stream=false&one-shot=true`):
   * its `networks` give per-interface counters where the host cannot be read (engines that are not local).
   */
  containerStats(id: string): Promise<ContainerStatsJson>;
  /** Swarm managers only (`GET /nodes`, `GET /tasks`, `GET /services`): one call each, whatever the size. */
  listSwarmNodes(): Promise<SwarmNodeJson[]>;
  listTasks(): Promise<SwarmTaskJson[]>;
  listServices(): Promise<SwarmServiceJson[]>;
  createNetwork(request: NetworkCreateRequest): Promise<string>;
  connect(networkId: string, containerId: string, request?: ConnectRequest): Promise<void>;
  disconnect(networkId: string, containerId: string, force?: boolean): Promise<void>;
  removeNetwork(networkId: string): Promise<void>;
  /**
   * Runs `argv` (an argument array, never a shell string) in a running container, as `docker exec`
   * does, over this client's own transport (socket, TLS or SSH), within `timeoutMs`. Never rejects.
   */
  /**
   * Runs argv in the container through the API's exec, with output kept up to `maxBytes` (default
   * EXEC_OUTPUT_MAX_BYTES; the stream is closed past it) and for at most `timeoutMs`.
   */
  execInContainer(containerId: string, argv: string[], timeoutMs: number, maxBytes?: number): Promise<ExecResult>;
  /** Prunes unused networks; `labelFilters` are `key` or `key=value` strings. Returns the removed names. */
  pruneNetworks(labelFilters?: string[]): Promise<string[]>;
  /**
   * Subscribes to network and container events. `onEnd` is called once when the stream ends or
   * fails (engine stopped, connection lost, a line over the cap); the caller decides when to
   * subscribe again. `since` (unix seconds, the engine's clock): the engine first replays the
   * events it kept from that second on, then streams new ones.
   */
  subscribe(onEvent: (event: EngineEventJson) => void, onEnd: (error?: unknown) => void, since?: number): Promise<EventSubscription>;
}

/** A raw attach stream: the Engine API's multiplexed frames (src/model/capture/engineStream.ts reads them). */
export interface AttachedStream {
  onData(listener: (chunk: Uint8Array) => void): void;
  /** Called once: the stream ended (error undefined) or failed. */
  onEnd(listener: (error?: unknown) => void): void;
  close(): void;
}

/** A container of the engine's list, as much as a helper sweep needs. */
export interface ListedContainer {
  Id: string;
  Created: number;
  State?: string;
  Labels?: Record<string, string> | null;
}

/**
 * Running short-lived helper containers (src/engine/helperContainer.ts is the only caller), over
 * the same transport as EngineApi (socket, TLS or SSH). Kept apart from EngineApi: the trees and
 * the doctor never create containers.
 */
export interface ContainerRunApi {
  readonly target: EngineTarget;
  /** Whether the engine has this image locally (`GET /images/{name}/json`); never pulls. */
  imagePresent(image: string): Promise<boolean>;
  /** `POST /containers/create?name=`; returns the id. */
  createContainer(name: string, body: object): Promise<string>;
  /** `POST /containers/{id}/attach?stream=1&stdout=1&stderr=1`, before start, so nothing is missed. */
  attachContainer(id: string): Promise<AttachedStream>;
  startContainer(id: string): Promise<void>;
  /** `POST /containers/{id}/kill?signal=`; a container already gone is not an error. */
  killContainer(id: string, signal: string): Promise<void>;
  /** `DELETE /containers/{id}?force=1`; a container already gone is not an error. */
  removeContainer(id: string): Promise<void>;
  /** Every container (running or not) carrying `label` (a `key` or `key=value`). */
  listContainersWithLabel(label: string): Promise<ListedContainer[]>;
  /**
   * `POST /containers/{id}/wait?condition=removed`, sent BEFORE the start (as `docker run --rm`
   * does: an AutoRemove container is gone once it exits, its status with it). Resolves once the
   * engine has registered the wait (its response headers came); `exited` then settles with the
   * exit status (null: the engine said nothing usable, or the connection dropped). Optional: an
   * engine fake without it gives no exit status.
   */
  waitContainer?(id: string): Promise<{ exited: Promise<number | null>; close(): void }>;
  /**
   * `GET /containers/{id}/archive?path=`: the tar the engine sends for one path of the container's
   * file system, at most `maxBytes` (the stream is closed past it); undefined when the engine has
   * no such path. Optional, as waitContainer.
   */
  containerArchive?(id: string, file: string, maxBytes: number): Promise<Uint8Array | undefined>;
}
