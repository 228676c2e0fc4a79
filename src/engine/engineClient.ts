/**
 * The extension's only door to the Docker engine: a small interface over dockerode, so the rest of
 * the code (and the tests) never touch dockerode directly. Every request is counted, which is how
 * the benchmark proves that a refresh costs a constant number of API calls.
 */
import Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import type {
  ContainerInspectJson,
  ContainerSummaryJson,
  EngineEventJson,
  EngineInfoJson,
  NetworkJson,
  PodmanContainerJson,
  PodmanNetworkJson,
  SwarmNodeJson,
  SwarmServiceJson,
  SwarmTaskJson,
} from '../model/dockerTypes';
import type { EngineTarget } from '../model/connectionResolution';
import type { NetworkCreateRequest } from '../model/createNetworkSpec';
import type { ContainerStatsJson } from '../model/traffic/counters';
import { dockerodeOptions } from './connection';
import { EventLineSplitter } from './eventLines';
import type { AttachedStream, ConnectRequest, ContainerRunApi, EngineApi, EngineVersion, EventSubscription, ExecResult, ListedContainer } from './engineApi';
import { EXEC_OUTPUT_MAX_BYTES } from './engineApi';
import { SshHttpAgent } from './ssh/sshAgent';
import type { SshPrompts } from './ssh/sshPrompts';
import { SshFileLocations } from './ssh/sshFiles';
import { SshTransport } from './ssh/sshTransport';

/** The engine's clock (unix seconds) from an HTTP `Date` header; undefined when absent or malformed. */
function engineTimeOf(header: string | string[] | undefined): number | undefined {
  const millis = typeof header === 'string' ? Date.parse(header) : NaN;
  return Number.isFinite(millis) ? Math.floor(millis / 1000) : undefined;
}

export interface EngineClientOptions {
  /** How an ssh:// engine asks the user (unknown host key, passphrase); none: refuse and never ask. */
  sshPrompts?: SshPrompts;
  /** Where the SSH files are (tests); default: the user's ~/.ssh. */
  sshFiles?: SshFileLocations & { idleCloseMs?: number };
}

export class EngineClient implements EngineApi, ContainerRunApi {
  private readonly docker: Docker;
  /** A second client without a request timeout: the events stream is idle for long stretches. */
  private readonly streamingDocker: Docker;
  private calls = 0;
  /** For ssh:// targets: the one SSH connection both clients share. */
  private readonly sshAgent: SshHttpAgent | undefined;

  constructor(readonly target: EngineTarget, timeoutMs = 5000, options: EngineClientOptions = {}) {
    if (target.protocol === 'ssh') {
      const transport = new SshTransport(target.host, { ...options.sshFiles, prompts: options.sshPrompts, connectTimeoutMs: timeoutMs });
      this.sshAgent = new SshHttpAgent(transport);
    }
    this.docker = new Docker(dockerodeOptions(target, timeoutMs, this.sshAgent));
    const streamingOptions = dockerodeOptions(target, timeoutMs, this.sshAgent);
    delete (streamingOptions as { timeout?: number }).timeout;
    this.streamingDocker = new Docker(streamingOptions);
  }

  /** Closes what the client holds open (the SSH connection of an ssh:// engine). */
  dispose(): void {
    this.sshAgent?.destroy();
  }

  /** SSH connections opened so far and open now (ssh:// engines; zeros otherwise). */
  get sshConnections(): { opened: number; open: number } {
    return this.sshAgent?.transport.connections ?? { opened: 0, open: 0 };
  }

  /** How many API requests this client has made; the benchmark reads it around a refresh. */
  get apiCallCount(): number {
    return this.calls;
  }

  private count<T>(request: Promise<T>): Promise<T> {
    this.calls++;
    return request;
  }

  ping(): Promise<unknown> {
    return this.count(this.docker.ping());
  }

  version(): Promise<EngineVersion> {
    return this.count(this.docker.version() as Promise<EngineVersion>);
  }

  info(): Promise<EngineInfoJson> {
    return this.count(this.docker.info() as Promise<EngineInfoJson>);
  }

  listNetworks(): Promise<NetworkJson[]> {
    return this.count(this.docker.listNetworks() as unknown as Promise<NetworkJson[]>);
  }

  listContainers(): Promise<ContainerSummaryJson[]> {
    return this.count(this.docker.listContainers({ all: true }) as unknown as Promise<ContainerSummaryJson[]>);
  }

  listPodmanNetworks(): Promise<PodmanNetworkJson[]> {
    return this.libpodList<PodmanNetworkJson>('/v4.0.0/libpod/networks/json', {});
  }

  listPodmanContainers(): Promise<PodmanContainerJson[]> {
    return this.libpodList<PodmanContainerJson>('/v4.0.0/libpod/containers/json?', { all: true });
  }

  /** One list of Podman's own API on the same socket; it answers only under a version prefix (v4.0.0 is served by Podman 4 and 5). */
  private libpodList<T>(path: string, options: Record<string, unknown>): Promise<T[]> {
    const request = new Promise<T[]>((resolve, reject) => {
      this.docker.modem.dial({ path, method: 'GET', statusCodes: { 200: true }, options }, (error, data) => (error ? reject(error) : resolve(Array.isArray(data) ? (data as T[]) : [])));
    });
    return this.count(request);
  }

  inspectContainer(id: string): Promise<ContainerInspectJson> {
    return this.count(this.docker.getContainer(id).inspect() as unknown as Promise<ContainerInspectJson>);
  }

  containerStats(id: string): Promise<ContainerStatsJson> {
    // One-shot (API 1.41+): the engine answers at once instead of waiting for a second reading to
    // compute CPU deltas; the network counters are cumulative either way. Older engines ignore it.
    const stats = this.docker.getContainer(id).stats as unknown as (options: object) => Promise<ContainerStatsJson>;
    return this.count(stats.call(this.docker.getContainer(id), { stream: false, 'one-shot': true }));
  }

  inspectNetwork(id: string, verbose = false): Promise<NetworkJson> {
    // @types/dockerode omits the options argument; dockerode passes it as the query string.
    const inspect = this.docker.getNetwork(id).inspect as unknown as (options: object) => Promise<NetworkJson>;
    return this.count(inspect.call(this.docker.getNetwork(id), verbose ? { verbose: true } : {}));
  }

  listSwarmNodes(): Promise<SwarmNodeJson[]> {
    return this.count(this.docker.listNodes() as unknown as Promise<SwarmNodeJson[]>);
  }

  listTasks(): Promise<SwarmTaskJson[]> {
    return this.count(this.docker.listTasks() as unknown as Promise<SwarmTaskJson[]>);
  }

  listServices(): Promise<SwarmServiceJson[]> {
    return this.count(this.docker.listServices() as unknown as Promise<SwarmServiceJson[]>);
  }

  async createNetwork(request: NetworkCreateRequest): Promise<string> {
    const network = await this.count(this.docker.createNetwork(request as Docker.NetworkCreateOptions));
    return network.id;
  }

  async connect(networkId: string, containerId: string, request: ConnectRequest = {}): Promise<void> {
    const ipamConfig: Record<string, string> = {};
    if (request.ipv4Address) {
      ipamConfig.IPv4Address = request.ipv4Address;
    }
    if (request.ipv6Address) {
      ipamConfig.IPv6Address = request.ipv6Address;
    }
    const endpointConfig: Record<string, unknown> = {};
    if (request.aliases && request.aliases.length > 0) {
      endpointConfig.Aliases = request.aliases;
    }
    if (Object.keys(ipamConfig).length > 0) {
      endpointConfig.IPAMConfig = ipamConfig;
    }
    if (request.gwPriority !== undefined) {
      endpointConfig.GwPriority = request.gwPriority;
    }
    await this.count(
      this.docker.getNetwork(networkId).connect({
        Container: containerId,
        ...(Object.keys(endpointConfig).length > 0 ? { EndpointConfig: endpointConfig } : {}),
      }),
    );
  }

  async disconnect(networkId: string, containerId: string, force = false): Promise<void> {
    await this.count(this.docker.getNetwork(networkId).disconnect({ Container: containerId, Force: force }));
  }

  async removeNetwork(networkId: string): Promise<void> {
    await this.count(this.docker.getNetwork(networkId).remove());
  }

  async execInContainer(containerId: string, argv: string[], timeoutMs: number, maxBytes = EXEC_OUTPUT_MAX_BYTES): Promise<ExecResult> {
    const missing = (text: string) => /executable file not found|no such file or directory/i.test(text);
    try {
      const created = await this.count(this.docker.getContainer(containerId).exec({ Cmd: argv, AttachStdout: true, AttachStderr: true }));
      // The output streams for as long as the command runs: the client without a request timeout,
      // bounded by timeoutMs and maxBytes here (the stream is closed past either).
      const stream = await this.count(this.streamingDocker.getExec(created.id).start({ hijack: true, stdin: false }));
      const collected = await collectExecOutput(stream, (source, sink) => this.streamingDocker.modem.demuxStream(source, sink, sink), timeoutMs, maxBytes);
      if (collected.timedOut) {
        return { code: null, output: 'timeout', truncated: collected.truncated };
      }
      if (collected.truncated) {
        return { code: null, output: collected.output, truncated: true };
      }
      const inspected = await this.count(created.inspect());
      const code = inspected.ExitCode ?? null;
      return { code, output: collected.output, missing: code === 126 || code === 127 || missing(collected.output) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { code: null, output: message, missing: missing(message) };
    }
  }

  async pruneNetworks(labelFilters: string[] = []): Promise<string[]> {
    const filters = labelFilters.length > 0 ? { label: labelFilters } : undefined;
    const result = (await this.count(this.docker.pruneNetworks(filters ? { filters } : {}))) as { NetworksDeleted?: string[] | null };
    return result.NetworksDeleted ?? [];
  }

  async imagePresent(image: string): Promise<boolean> {
    try {
      await this.count(this.docker.getImage(image).inspect());
      return true;
    } catch (error) {
      if (statusOf(error) === 404) {
        return false;
      }
      throw error;
    }
  }

  async createContainer(name: string, body: object): Promise<string> {
    const created = await this.count(this.docker.createContainer({ ...(body as Docker.ContainerCreateOptions), name }));
    return created.id;
  }

  async attachContainer(id: string): Promise<AttachedStream> {
    // The client without a request timeout: a capture may stay quiet for long stretches. The raw
    // bytes are passed on as they come; the caller splits the frames (model/capture/engineStream.ts).
    const stream = (await this.count(
      this.streamingDocker.getContainer(id).attach({ stream: true, stdout: true, stderr: true, logs: false }),
    )) as NodeJS.ReadableStream & { destroy?: () => void };
    const endListeners: ((error?: unknown) => void)[] = [];
    let ended = false;
    const finish = (error?: unknown) => {
      if (!ended) {
        ended = true;
        endListeners.forEach((listener) => listener(error));
      }
    };
    stream.on('end', () => finish());
    stream.on('close', () => finish());
    stream.on('error', (error: unknown) => finish(error));
    return {
      onData: (listener) => stream.on('data', (chunk: Buffer) => listener(chunk)),
      onEnd: (listener) => {
        if (ended) {
          listener();
        } else {
          endListeners.push(listener);
        }
      },
      close: () => stream.destroy?.(),
    };
  }

  async startContainer(id: string): Promise<void> {
    await this.count(this.docker.getContainer(id).start());
  }

  async killContainer(id: string, signal: string): Promise<void> {
    try {
      await this.count(this.docker.getContainer(id).kill({ signal }));
    } catch (error) {
      // Gone (404) or no longer running (409): what a kill wanted.
      if (statusOf(error) !== 404 && statusOf(error) !== 409) {
        throw error;
      }
    }
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.count(this.docker.getContainer(id).remove({ force: true }));
    } catch (error) {
      // Gone (404), or its AutoRemove already under way (409 "removal in progress").
      if (statusOf(error) !== 404 && statusOf(error) !== 409) {
        throw error;
      }
    }
  }

  async waitContainer(id: string): Promise<{ exited: Promise<number | null>; close(): void }> {
    // isStream: the modem hands the response over when its headers come, which the engine sends
    // right after registering the wait; the body (`{"StatusCode":N}`) comes when the container is gone.
    const stream = await this.count(
      new Promise<NodeJS.ReadableStream & { destroy?: () => void }>((resolve, reject) => {
        this.streamingDocker.modem.dial(
          {
            path: `/containers/${encodeURIComponent(id)}/wait?`,
            method: 'POST',
            isStream: true,
            statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such container', 500: 'server error' },
            options: { condition: 'removed' },
          },
          (error: unknown, response: unknown) => (error ? reject(error) : resolve(response as NodeJS.ReadableStream & { destroy?: () => void })),
        );
      }),
    );
    const exited = new Promise<number | null>((resolve) => {
      let body = '';
      stream.on('data', (chunk: Buffer) => {
        // A status is a few dozen bytes; anything longer is not one.
        body = (body + chunk.toString('utf8')).slice(0, 4096);
      });
      const finish = () => {
        try {
          const status = (JSON.parse(body) as { StatusCode?: unknown }).StatusCode;
          resolve(typeof status === 'number' && Number.isInteger(status) ? status : null);
        } catch {
          resolve(null);
        }
      };
      stream.on('end', finish);
      stream.on('close', finish);
      stream.on('error', () => resolve(null));
    });
    return { exited, close: () => stream.destroy?.() };
  }

  async containerArchive(id: string, file: string, maxBytes: number): Promise<Uint8Array | undefined> {
    let stream: NodeJS.ReadableStream & { destroy?: () => void };
    try {
      stream = (await this.count(this.streamingDocker.getContainer(id).getArchive({ path: file }))) as NodeJS.ReadableStream & { destroy?: () => void };
    } catch (error) {
      if (statusOf(error) === 404) {
        return undefined;
      }
      throw error;
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const timer = setTimeout(() => {
        stream.destroy?.();
        reject(new Error('the engine did not send the archive within 10 s'));
      }, 10_000);
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size > maxBytes) {
          // Enough: the caller reads the first entry only.
          clearTimeout(timer);
          stream.destroy?.();
          resolve(Buffer.concat(chunks).subarray(0, maxBytes));
        }
      });
      stream.on('end', () => {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks));
      });
      stream.on('error', (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  listContainersWithLabel(label: string): Promise<ListedContainer[]> {
    return this.count(this.docker.listContainers({ all: true, filters: { label: [label] } }) as unknown as Promise<ListedContainer[]>);
  }

  async subscribe(onEvent: (event: EngineEventJson) => void, onEnd: (error?: unknown) => void, since?: number): Promise<EventSubscription> {
    const stream = (await this.count(
      this.streamingDocker.getEvents({ filters: { type: ['network', 'container'] }, ...(since !== undefined ? { since } : {}) }),
    )) as NodeJS.ReadableStream & { destroy?: () => void; headers?: Record<string, string | string[] | undefined> };
    let ended = false;
    const finish = (error?: unknown) => {
      if (!ended) {
        ended = true;
        onEnd(error);
      }
    };
    const lines = new EventLineSplitter((line) => {
      try {
        onEvent(JSON.parse(line) as EngineEventJson);
      } catch {
        // A partial or foreign line: ignore it, the next refresh reconciles.
      }
    });
    stream.on('data', (chunk: Buffer) => {
      const tooLong = ended ? undefined : lines.push(chunk);
      if (tooLong) {
        // Bytes without a newline: stop buffering, drop the stream; the session resubscribes and refreshes.
        finish(tooLong);
        stream.destroy?.();
      }
    });
    stream.on('end', () => finish());
    stream.on('close', () => finish());
    stream.on('error', (error: unknown) => finish(error));
    return {
      startedAt: engineTimeOf(stream.headers?.date),
      close: () => {
        ended = true;
        stream.destroy?.();
      },
    };
  }
}

/** The HTTP status of a dockerode error (docker-modem sets `statusCode`). */
function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * An exec's demultiplexed output, kept up to `maxBytes`: past it, or past `timeoutMs`, the stream
 * is destroyed (the API has no way to stop the exec'd process; the doctor wraps its commands in
 * the container's `timeout` when it has one).
 */
async function collectExecOutput(
  stream: NodeJS.ReadableStream & { destroy?: () => void },
  demux: (source: NodeJS.ReadableStream, sink: PassThrough) => void,
  timeoutMs: number,
  maxBytes: number,
): Promise<{ output: string; timedOut: boolean; truncated: boolean }> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  let kept = 0;
  let truncated = false;
  let timer: NodeJS.Timeout | undefined;
  const ended = await new Promise<boolean>((resolve) => {
    sink.on('data', (chunk: Buffer) => {
      if (truncated) {
        return;
      }
      chunks.push(chunk.subarray(0, Math.max(0, maxBytes - kept)));
      kept += chunk.length;
      if (kept > maxBytes) {
        truncated = true;
        resolve(true);
      }
    });
    demux(stream, sink);
    stream.on('end', () => resolve(true));
    stream.on('close', () => resolve(true));
    stream.on('error', () => resolve(true));
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  clearTimeout(timer);
  if (!ended || truncated) {
    stream.destroy?.();
  }
  return { output: Buffer.concat(chunks).toString('utf8').trim(), timedOut: !ended, truncated };
}
