/**
 * The one place that starts, labels, talks to and removes helper containers on an engine (capture,
 * and the helper observation level). A capture helper joins a container's network namespace and
 * keeps only the capabilities it names; an observation helper runs in the host's network and
 * process namespaces (helperContainerSpec.ts). Every helper is labelled (io.github.dne.helper=
 * <purpose>, its session, the client machine's host hash and pid, its deadline), is attached BEFORE
 * it starts (so no byte of its output is missed) and is removed on every path: its own exit (AutoRemove), a stop (a signal, then
 * remove), an error, a lost connection (remove when the engine answers again), and — when the
 * client was killed — by the next start's sweep (`sweepHelpers`).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { EngineStreamDemuxer } from '../model/capture/engineStream';
import { abandonedHelpers, helperCreateRequest, helperRequestProblem, HELPER_LABEL } from '../model/helperContainerSpec';
import type { HelperRequest } from '../model/helperContainerSpec';
import type { AttachedStream, ContainerRunApi } from './engineApi';

/** A random session id for a helper's labels and name. */
export function newHelperSession(): string {
  return randomBytes(8).toString('hex');
}

/** This client machine as its helpers' labels name it: a hash of its host name, never the name itself. */
export function clientHostHash(hostname = os.hostname()): string {
  return createHash('sha256').update(`dne-helper-client:${hostname}`).digest('hex').slice(0, 16);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the helpers a killed client left behind (see model/helperContainer.ts abandonedHelpers).
 * Returns the ids removed. Failures to remove one are passed over (the next sweep tries again).
 */
export async function sweepHelpers(api: ContainerRunApi, options: { now?: number; minAgeSeconds?: number } = {}): Promise<string[]> {
  const listing = await api.listContainersWithLabel(HELPER_LABEL);
  const doomed = abandonedHelpers(listing, { now: options.now ?? Date.now() / 1000, hostHash: clientHostHash(), processAlive, minAgeSeconds: options.minAgeSeconds });
  const removed: string[] = [];
  for (const id of doomed) {
    try {
      await api.removeContainer(id);
      removed.push(id);
    } catch {
      // Left for the next sweep.
    }
  }
  return removed;
}

interface HelperStartCommon {
  image: string;
  argv: string[];
  /** Unix seconds after which the helper is abandoned if still there. */
  deadline?: number;
  onStdout?: (chunk: Uint8Array) => void;
  onStderr?: (chunk: Uint8Array) => void;
}

/**
 * What to start: a capture helper in a container's namespace, an observation helper on the host, or
 * a probe helper in a container's namespace (helperContainerSpec.ts). A probe helper's exit status
 * is waited for (HelperRun.exitCode).
 */
export type HelperStartOptions = HelperStartCommon &
  ({ purpose: 'capture'; joinContainerId: string; capabilities: string[] } | { purpose: 'observe' | 'filter' } | { purpose: 'probe'; joinContainerId: string });

/** Why the helper's output ended: it exited (the stream closed cleanly) or the connection was lost. */
export interface HelperEnd {
  lost: boolean;
  error?: unknown;
}

/** A started helper container. */
export interface HelperRun {
  readonly id: string;
  readonly name: string;
  readonly session: string;
  /** Sends a signal to the helper's main process (SIGINT: tcpdump finishes its file and prints its counts). */
  signal(signal: string): Promise<void>;
  /** Force-removes it (also when it already removed itself); never rejects. */
  remove(): Promise<void>;
  /** Settles when its output ends (after the helper exits, or when the connection is lost). */
  readonly ended: Promise<HelperEnd>;
  /** A probe helper's exit status (the engine's wait; null when it gave none). */
  readonly exitCode?: Promise<number | null>;
}

export class HelperRequestError extends Error {
  constructor(readonly problem: string) {
    super(`helper request refused: ${problem}`);
  }
}

/**
 * Creates, attaches and starts a helper. On any failure after the create, the container is removed
 * before the error is passed on; nothing is left on the engine.
 */
export async function startHelper(api: ContainerRunApi, options: HelperStartOptions): Promise<HelperRun> {
  const common = { session: newHelperSession(), image: options.image, argv: options.argv, client: { hostHash: clientHostHash(), pid: process.pid }, deadline: options.deadline };
  const request: HelperRequest =
    options.purpose === 'capture'
      ? { ...common, purpose: 'capture', joinContainerId: options.joinContainerId, capabilities: options.capabilities }
      : options.purpose === 'probe'
        ? { ...common, purpose: 'probe', joinContainerId: options.joinContainerId }
        : { ...common, purpose: options.purpose };
  const problem = helperRequestProblem(request);
  if (problem) {
    throw new HelperRequestError(problem);
  }
  const create = helperCreateRequest(request);
  const id = await api.createContainer(create.name, create.body);
  let stream: AttachedStream | undefined;
  let wait: { exited: Promise<number | null>; close(): void } | undefined;
  const remove = async () => {
    try {
      await api.removeContainer(id);
    } catch {
      // The engine is gone too: the next start's sweep removes it.
    }
  };
  try {
    stream = await api.attachContainer(id);
    const attached = stream;
    const demuxer = new EngineStreamDemuxer();
    const ended = new Promise<HelperEnd>((resolve) => {
      let settled = false;
      const settle = (end: HelperEnd) => {
        if (!settled) {
          settled = true;
          resolve(end);
        }
      };
      attached.onData((chunk) => {
        try {
          for (const frame of demuxer.push(chunk)) {
            (frame.stream === 'stdout' ? options.onStdout : options.onStderr)?.(frame.data);
          }
        } catch (error) {
          // Out of step: nothing more can be read; end it as lost and let the owner remove it.
          attached.close();
          settle({ lost: true, error });
        }
      });
      attached.onEnd((error) => settle({ lost: error !== undefined, error }));
    });
    // Registered before the start: the AutoRemove container takes its status with it when it goes.
    wait = options.purpose === 'probe' && api.waitContainer ? await api.waitContainer(id) : undefined;
    await api.startContainer(id);
    return {
      id,
      name: create.name,
      session: request.session,
      signal: (signal: string) => api.killContainer(id, signal),
      remove,
      ended,
      ...(wait ? { exitCode: wait.exited } : {}),
    };
  } catch (error) {
    wait?.close();
    stream?.close();
    await remove();
    throw error;
  }
}
