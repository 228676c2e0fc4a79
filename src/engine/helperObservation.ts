/**
 * The helper observation level: a short-lived helper container on the engine, in its host's
 * network and process namespaces, reads the host's interfaces and every namespace
 * (model/topology/helperScript.ts) and prints them; its output comes back over the engine
 * connection the extension already has (unix socket, TLS or SSH) and is read by the pure parser
 * (model/topology/helperReadout.ts) into the same facts as the netns level, named `helper`.
 *
 * Hygiene: helpers a killed client left are swept first; the image must already be on the engine
 * (nothing is pulled); the helper is removed on every path (its end, a failure, the time limit), and
 * one that could not be removed because the connection dropped is removed at the next read on the
 * same engine. Every run is one log line.
 */
import type { HostFacts, SandboxInfo } from '../model/topology/facts';
import { observeArgv } from '../model/topology/helperScript';
import { parseHelperObservation } from '../model/topology/helperReadout';
import { clientHostHash, newHelperSession, startHelper, sweepHelpers } from './helperContainer';
import type { HelperEnd, HelperRun } from './helperContainer';
import { helperCreateRequest } from '../model/helperContainerSpec';
import type { HelperCreateRequest } from '../model/helperContainerSpec';
import { classifyUnreachable, engineMessageOf } from '../model/engineErrors';
import { logLine } from '../model/displayHost';
import type { ContainerRunApi } from './engineApi';

export interface HelperObservationOptions {
  /** An image with busybox that the engine already has (never pulled). */
  image: string;
  /** The running containers' sandboxes (SandboxKey): they name the namespace folders and the container namespaces. */
  sandboxes: readonly SandboxInfo[];
  /** The host namespace only (the overview). */
  hostOnly?: boolean;
  /** Default 30000; past it the helper is removed and the read fails (`timeout`). */
  timeoutMs?: number;
  /** One line per helper run: the engine's address (no credentials), image, container name, time, outcome. */
  log?: (line: string) => void;
}

/**
 * - `imageMissing`: the engine does not have the image (nothing was run);
 * - `refused`: the engine refused to create or start the helper (an authorization plugin, a policy,
 *   rootless or userns-remapped engines): the message has the engine's own words;
 * - `failed`: the helper ran but said nothing usable (its stderr, or the parser's warnings);
 * - `timeout`: it outlived timeoutMs (it was removed);
 * - `lost`: the connection to the engine dropped before the output ended.
 */
export type HelperObservationFailure = 'imageMissing' | 'refused' | 'failed' | 'timeout' | 'lost';

export class HelperObservationError extends Error {
  constructor(
    readonly failure: HelperObservationFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The most of the helper's stdout read (a hostile image could print without end). */
export const OBSERVE_OUTPUT_MAX_BYTES = 16 * 1024 * 1024;
/** The most of its stderr kept, for the failure's message. */
const STDERR_MAX = 16 * 1024;
export const DEFAULT_HELPER_TIMEOUT_MS = 30_000;

/** Helpers whose removal failed because their engine was unreachable, by engine address: removed at its next read. */
const pendingRemovals = new Map<string, Set<string>>();

/**
 * The create request the read sends (for the consent modal: helperDockerRunArgs shows it as a
 * `docker run`); each run has its own random session in the name and labels.
 */
export function observationCreateRequest(image: string, sandboxes: readonly SandboxInfo[], hostOnly = false): HelperCreateRequest {
  return helperCreateRequest({
    purpose: 'observe',
    session: newHelperSession(),
    image,
    argv: observeArgv(sandboxes, hostOnly),
    client: { hostHash: clientHostHash(), pid: process.pid },
  });
}

/** The engine answered and said no (an HTTP status): its words. Else the connection failed (lost) or something else did. */
export function helperFailure(error: unknown): HelperObservationError {
  if (error instanceof HelperObservationError) {
    return error;
  }
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  const words = engineMessageOf(error) || String(error);
  if (typeof status === 'number') {
    return new HelperObservationError('refused', `the engine refused the helper container: ${words}`);
  }
  if (classifyUnreachable(error) !== 'other') {
    return new HelperObservationError('lost', `the connection to the engine failed: ${words}`);
  }
  return new HelperObservationError('failed', `the helper container could not run: ${words}`);
}

async function removeLeftovers(api: ContainerRunApi, log: (line: string) => void): Promise<void> {
  const pending = pendingRemovals.get(api.target.host);
  for (const id of [...(pending ?? [])]) {
    try {
      await api.removeContainer(id);
      pending?.delete(id);
      log(`removed helper ${id.slice(0, 12)}, left when the connection to ${logLine(api.target.host)} dropped`);
    } catch {
      // Still unreachable: the read below fails with the engine's error.
    }
  }
  try {
    const swept = await sweepHelpers(api);
    if (swept.length > 0) {
      log(`removed ${swept.length} helper container(s) left by a client that is gone: ${swept.map((id) => id.slice(0, 12)).join(', ')}`);
    }
  } catch {
    // A list that fails now fails the read just after with the engine's own error.
  }
}

/** Removes a helper; one the engine could not be asked to remove (unreachable) is removed at the next read on that engine. Never rejects. */
export async function removeHelper(api: ContainerRunApi, helper: Pick<HelperRun, 'id'>): Promise<void> {
  try {
    await api.removeContainer(helper.id);
  } catch {
    const pending = pendingRemovals.get(api.target.host) ?? new Set<string>();
    pending.add(helper.id);
    pendingRemovals.set(api.target.host, pending);
  }
}

/** What one run collected: stdout up to the cap, a stderr tail. */
class Collected {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  private stderrText = '';
  private readonly decoder = new TextDecoder();
  overflow = false;

  constructor(private readonly onOverflow: () => void) {}

  stdout(chunk: Uint8Array): void {
    if (this.overflow) {
      return;
    }
    if (this.size + chunk.length > OBSERVE_OUTPUT_MAX_BYTES) {
      this.overflow = true;
      this.onOverflow();
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  stderr(chunk: Uint8Array): void {
    this.stderrText = (this.stderrText + this.decoder.decode(chunk, { stream: true })).slice(-STDERR_MAX);
  }

  get text(): string {
    return new TextDecoder().decode(Buffer.concat(this.chunks));
  }

  get bytes(): number {
    return this.size;
  }

  get stderrTail(): string {
    return this.stderrText.trim().split('\n').slice(-3).join(' / ');
  }
}

/** The engine still answers (a cut output: the helper died, or the connection did). */
export async function engineAnswers(api: ContainerRunApi, image: string): Promise<boolean> {
  try {
    await api.imagePresent(image);
    return true;
  } catch {
    return false;
  }
}

/**
 * Facts from what the helper printed; a failure when it said nothing usable. An output without its
 * end line, from an engine that no longer answers, is a lost connection (the stream of a killed
 * engine may end without an error).
 */
async function factsOf(api: ContainerRunApi, image: string, end: HelperEnd, collected: Collected, sandboxes: readonly SandboxInfo[]): Promise<HostFacts> {
  if (collected.overflow) {
    throw new HelperObservationError('failed', `the helper printed more than ${OBSERVE_OUTPUT_MAX_BYTES / 1024 / 1024} MB: its output was not read`);
  }
  return readHelperOutput(api, image, collected.text, sandboxes, { lost: end.lost, error: end.error, bytes: collected.bytes, stderrTail: collected.stderrTail });
}

/** Starts the helper and waits for its end, within the time limit; the helper is removed whatever happens. */
async function runHelper(api: ContainerRunApi, options: HelperObservationOptions, timeoutMs: number, report: (name: string) => void): Promise<HostFacts> {
  let helper: HelperRun | undefined;
  let complete = false;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const collected = new Collected(() => stop());
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    const starting = startHelper(api, {
      purpose: 'observe',
      image: options.image,
      argv: observeArgv(options.sandboxes, options.hostOnly),
      deadline: (Date.now() + timeoutMs) / 1000,
      onStdout: (chunk) => collected.stdout(chunk),
      onStderr: (chunk) => collected.stderr(chunk),
    });
    // A start that outlives the limit: its helper is removed when it comes.
    void starting.then((late) => (timedOut ? removeHelper(api, late) : undefined), () => undefined);
    const started = await Promise.race([starting, deadline]);
    if (started === 'timeout') {
      timedOut = true;
      throw new HelperObservationError('timeout', `the helper container did not start within ${timeoutMs} ms`);
    }
    helper = started;
    report(helper.name);
    const end = await Promise.race([helper.ended, deadline, stopped.then(() => 'overflow' as const)]);
    if (end === 'timeout') {
      throw new HelperObservationError('timeout', `the helper container did not finish within ${timeoutMs} ms (${collected.bytes} bytes read); it was removed`);
    }
    const facts = await factsOf(api, options.image, end === 'overflow' ? { lost: false } : end, collected, options.sandboxes);
    complete = end !== 'overflow' && !end.lost;
    return facts;
  } catch (error) {
    throw helperFailure(error);
  } finally {
    clearTimeout(timer);
    if (helper && complete) {
      // It exited by itself and AutoRemove is removing it: the removal is sent, the read does not wait for it.
      void removeHelper(api, helper);
    } else if (helper) {
      await removeHelper(api, helper);
    }
  }
}

/**
 * What comes before a helper is started (a one-shot read, or a kept helper's start): the image is
 * named and on the engine (never pulled), and the helpers a killed client or a dropped connection
 * left are removed. Throws a HelperObservationError.
 */
export async function prepareHelperRead(api: ContainerRunApi, image: string, log: (line: string) => void): Promise<void> {
  if (image.trim() === '' || /\s/.test(image)) {
    throw new HelperObservationError('imageMissing', 'no helper image is set (an image with busybox that the engine already has)');
  }
  // Side by side: a leftover sweep does not delay the image check.
  const [present] = await Promise.all([api.imagePresent(image).catch((error: unknown) => Promise.reject(helperFailure(error))), removeLeftovers(api, log)]);
  if (!present) {
    throw new HelperObservationError('imageMissing', `the engine has no image ${image} (nothing is pulled)`);
  }
}

/** The log's words for a read's facts. */
export function factsSummary(facts: HostFacts): string {
  return `${facts.namespaces.length} namespace(s), ${facts.namespaces.reduce((sum, ns) => sum + ns.links.length, 0)} interface(s), ${facts.warnings.length} warning(s)`;
}

/**
 * A read's output, read: the facts, or why there are none. `complete`: the output has its end
 * line; an incomplete one from an engine that no longer answers (or a stream that said it was
 * lost) is a lost connection; facts without the host namespace first are a failed read (`why`: the
 * helper's stderr, when it said something).
 */
export async function readHelperOutput(api: ContainerRunApi, image: string, text: string, sandboxes: readonly SandboxInfo[], end: { lost: boolean; error?: unknown; bytes: number; stderrTail: string }): Promise<HostFacts> {
  const complete = /(^|\n)E\n?$/.test(text);
  if (!complete && (end.lost || !(await engineAnswers(api, image)))) {
    throw new HelperObservationError('lost', `the connection to the engine dropped during the read (${end.bytes} bytes read)${end.error ? `: ${engineMessageOf(end.error) || String(end.error)}` : ''}`);
  }
  const facts = parseHelperObservation(text, sandboxes);
  if (facts.namespaces[0]?.kind !== 'host') {
    const why = end.stderrTail || facts.warnings[0] || 'no output';
    throw new HelperObservationError('failed', `the helper container did not read the host: ${why}`);
  }
  return facts;
}

/**
 * Observes the engine's host through a helper container: sweeps leftovers, checks the image (never
 * pulls), runs the helper, reads its output, removes it. The caller has the user's consent.
 */
export async function observeThroughHelper(api: ContainerRunApi, options: HelperObservationOptions): Promise<HostFacts> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
  let name = '(not created)';
  const say = (outcome: string) => log(`helper observation on ${logLine(api.target.host)}: image ${logLine(options.image)}, container ${name}, ${Date.now() - started} ms, ${outcome}`);
  try {
    await prepareHelperRead(api, options.image, log);
    const facts = await runHelper(api, options, timeoutMs, (helperName) => (name = helperName));
    facts.elapsedMs = Date.now() - started;
    say(factsSummary(facts));
    return facts;
  } catch (error) {
    const failure = helperFailure(error);
    say(`${failure.failure}: ${logLine(failure.message, 300)}`);
    throw failure;
  }
}
