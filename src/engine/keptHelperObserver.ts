/**
 * The helper observation level for live updates: one helper container kept between reads while a
 * visible panel reads the host again and again. A one-shot read (helperObservation.ts) pays the
 * helper's create, attach, start, wait and removal (about 0.15 s) each time; here the helper's main
 * process only waits (busybox `sleep`) and each read is one `docker exec` of the same reader script
 * over the same connection (unix socket, TLS or SSH).
 *
 * Life: started by the first read (after the same checks as a one-shot read: leftovers swept, the
 * image present, nothing pulled), removed after `idleMs` without a read (a hidden panel makes no
 * reads, so it goes soon after the panel hides), at `maxLifetimeMs` (the next read starts a new
 * one), on dispose, and after a failed read. One that vanished behind our back (removed by hand, its
 * engine restarted) is replaced once at the next read. Its main process sleeps no longer than its
 * lifetime and it carries the deadline label: a client killed while it exists leaves a helper that
 * ends by itself, and that the next client's sweep removes (pid label). Reads run one at a time.
 */
import type { HostFacts, SandboxInfo } from '../model/topology/facts';
import { keptHelperArgv, keptObserveArgv, splitKeptOutput } from '../model/topology/helperScript';
import { logLine } from '../model/displayHost';
import { isSafePid } from '../model/engineValues';
import { startHelper } from './helperContainer';
import type { HelperRun } from './helperContainer';
import type { ContainerRunApi, EngineApi } from './engineApi';
import {
  DEFAULT_HELPER_TIMEOUT_MS,
  engineAnswers,
  factsSummary,
  helperFailure,
  HelperObservationError,
  OBSERVE_OUTPUT_MAX_BYTES,
  prepareHelperRead,
  readHelperOutput,
  removeHelper,
} from './helperObservation';

/** What the kept helper needs of an engine: running helpers, exec, and inspect (its main process's host pid). */
export type KeptHelperApi = ContainerRunApi & Pick<EngineApi, 'execInContainer' | 'inspectContainer'>;

export interface KeptHelperOptions {
  /** An image with busybox that the engine already has (never pulled). */
  image: string;
  /** Removed after this long without a read. Default 30000. */
  idleMs?: number;
  /** Replaced after this long (a read then starts a new one). Default 600000. */
  maxLifetimeMs?: number;
  /** One line per helper start and stop, and per read. */
  log?: (line: string) => void;
  /** The most a start, or a read, may take. Default 30000. */
  timeoutMs?: number;
}

export const DEFAULT_KEPT_IDLE_MS = 30_000;
export const DEFAULT_KEPT_LIFETIME_MS = 600_000;

interface Kept {
  run: HelperRun;
  /** Its main process's host pid (the reader finds the host's root through that process's parent). */
  pid: number;
  startedAt: number;
  /** Its attach stream ended: it exited or was removed. */
  gone: boolean;
}

type StopReason = 'idle' | 'lifetime' | 'disposed' | 'gone' | 'failed read';

/** Why an exec did not give an output to read: the helper is no longer there (replace it), or another reason. */
class HelperGone extends Error {}

export class KeptHelperObserver {
  private kept: Kept | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  private readonly idleMs: number;
  private readonly lifetimeMs: number;
  private readonly timeoutMs: number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly api: KeptHelperApi,
    private readonly options: KeptHelperOptions,
  ) {
    this.idleMs = options.idleMs ?? DEFAULT_KEPT_IDLE_MS;
    this.lifetimeMs = options.maxLifetimeMs ?? DEFAULT_KEPT_LIFETIME_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
    this.log = options.log ?? (() => undefined);
  }

  /** The image its helpers run. */
  get image(): string {
    return this.options.image;
  }

  /** The kept helper's container id, if one is there now (tests, the log). */
  get helperId(): string | undefined {
    return this.kept?.run.id;
  }

  /** The same facts as observeThroughHelper. A read while another runs waits for it. */
  observe(request: { sandboxes: SandboxInfo[]; hostOnly: boolean }): Promise<HostFacts> {
    const read = this.queue.then(() => this.read(request));
    this.queue = read.catch(() => undefined);
    return read;
  }

  /** Removes the helper (now, and one a running read may still be starting); never rejects. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.clearTimer();
    await this.stop('disposed');
    await this.queue;
    await this.stop('disposed');
  }

  private clearTimer(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** After a read: the helper goes when it has been idle for idleMs, or at the end of its lifetime, whichever comes first. */
  private arm(): void {
    this.clearTimer();
    const kept = this.kept;
    if (!kept || this.disposed) {
      return;
    }
    const lifetimeLeft = kept.startedAt + this.lifetimeMs - Date.now();
    const reason: StopReason = lifetimeLeft < this.idleMs ? 'lifetime' : 'idle';
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // In the queue: never under a running read.
      this.queue = this.queue.then(() => (this.kept === kept ? this.stop(reason) : undefined)).catch(() => undefined);
    }, Math.max(0, Math.min(this.idleMs, lifetimeLeft)));
    // A pending removal never keeps a process alive (a command line, a test runner): the helper's own
    // sleep and deadline label end it then.
    this.timer.unref?.();
  }

  private async stop(reason: StopReason): Promise<void> {
    const kept = this.kept;
    if (!kept) {
      return;
    }
    this.kept = undefined;
    this.clearTimer();
    await removeHelper(this.api, kept.run);
    this.log(`kept helper on ${logLine(this.api.target.host)}: removed ${kept.run.name} (${reason}) after ${Date.now() - kept.startedAt} ms`);
  }

  private async read(request: { sandboxes: SandboxInfo[]; hostOnly: boolean }): Promise<HostFacts> {
    const started = Date.now();
    this.clearTimer();
    try {
      if (this.disposed) {
        throw new HelperObservationError('failed', 'the helper observation was stopped');
      }
      if (this.kept && (this.kept.gone || Date.now() - this.kept.startedAt >= this.lifetimeMs)) {
        await this.stop(this.kept.gone ? 'gone' : 'lifetime');
      }
      let facts: HostFacts;
      try {
        facts = await this.readOnce(request, await this.helper());
      } catch (error) {
        if (!(error instanceof HelperGone)) {
          throw error;
        }
        // It vanished behind our back: a new one, once.
        await this.stop('gone');
        facts = await this.readOnce(request, await this.helper()).catch((again: unknown) => {
          throw again instanceof HelperGone ? new HelperObservationError('failed', `the helper container vanished twice: ${again.message}`) : again;
        });
      }
      facts.elapsedMs = Date.now() - started;
      this.log(`kept helper read on ${logLine(this.api.target.host)}: container ${this.kept?.run.name ?? '?'}, ${facts.elapsedMs} ms, ${factsSummary(facts)}`);
      this.arm();
      return facts;
    } catch (error) {
      const failure = helperFailure(error);
      this.log(`kept helper read on ${logLine(this.api.target.host)}: ${Date.now() - started} ms, ${failure.failure}: ${logLine(failure.message, 300)}`);
      // A helper that failed a read is not trusted with the next one.
      await this.stop('failed read');
      throw failure;
    }
  }

  /** The kept helper, started (after the checks a one-shot read makes) when there is none. */
  private async helper(): Promise<Kept> {
    if (this.kept) {
      return this.kept;
    }
    const started = Date.now();
    await prepareHelperRead(this.api, this.options.image, this.log);
    // Its sleep outlives the lifetime by a read's time limit: a read begun just before the end is not cut.
    const lifetimeSeconds = (this.lifetimeMs + this.timeoutMs) / 1000;
    const starting = startHelper(this.api, {
      purpose: 'observe',
      image: this.options.image,
      argv: keptHelperArgv(lifetimeSeconds),
      deadline: Date.now() / 1000 + lifetimeSeconds,
    });
    const run = await this.withinTime(starting, `the helper container did not start within ${this.timeoutMs} ms`, (late) => void removeHelper(this.api, late));
    let pid: unknown;
    try {
      pid = (await this.withinTime(this.api.inspectContainer(run.id), `the helper container was not inspected within ${this.timeoutMs} ms`)).State?.Pid;
    } catch (error) {
      await removeHelper(this.api, run);
      throw error;
    }
    if (!isSafePid(pid) || this.disposed) {
      await removeHelper(this.api, run);
      throw new HelperObservationError('failed', this.disposed ? 'the helper observation was stopped' : 'the engine did not give the helper container\'s process id');
    }
    const kept: Kept = { run, pid, startedAt: Date.now(), gone: false };
    void run.ended.then(() => (kept.gone = true));
    this.kept = kept;
    this.log(`kept helper on ${logLine(this.api.target.host)}: started ${run.name} (image ${logLine(this.options.image)}, pid ${pid}) in ${Date.now() - started} ms`);
    return kept;
  }

  /** `promise` within timeoutMs, else a `timeout` failure (`late` gets what comes after). */
  private async withinTime<T>(promise: Promise<T>, message: string, late?: (value: T) => void): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(new HelperObservationError('timeout', message));
      }, this.timeoutMs);
    });
    if (late) {
      void promise.then((value) => (timedOut ? late(value) : undefined), () => undefined);
    }
    try {
      return await Promise.race([promise, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One exec of the reader in the kept helper. */
  private async readOnce(request: { sandboxes: SandboxInfo[]; hostOnly: boolean }, kept: Kept): Promise<HostFacts> {
    const result = await this.api.execInContainer(kept.run.id, keptObserveArgv(request.sandboxes, request.hostOnly, kept.pid), this.timeoutMs, OBSERVE_OUTPUT_MAX_BYTES);
    if (result.truncated) {
      throw new HelperObservationError('failed', `the helper printed more than ${OBSERVE_OUTPUT_MAX_BYTES / 1024 / 1024} MB: its output was not read`);
    }
    if (result.code === null && result.output === 'timeout') {
      throw new HelperObservationError('timeout', `the helper's read did not finish within ${this.timeoutMs} ms; the helper was removed`);
    }
    const { readout, stderr } = splitKeptOutput(result.output);
    const complete = /(^|\n)E\n?$/.test(readout);
    if (!complete && (await this.vanished(kept))) {
      throw new HelperGone(logLine(result.output, 200) || 'no output');
    }
    if (result.code === null && !complete) {
      // The exec itself failed (its create or start was refused): the engine's words, or a lost connection.
      const lost = !(await engineAnswers(this.api, this.options.image));
      throw new HelperObservationError(lost ? 'lost' : 'failed', `${lost ? 'the connection to the engine dropped during the read' : 'the read in the helper container failed'}: ${logLine(result.output, 300)}`);
    }
    return readHelperOutput(this.api, this.options.image, readout, request.sandboxes, { lost: false, bytes: readout.length, stderrTail: stderr.slice(-3).join(' / ') });
  }

  /** The helper is no longer running (removed behind our back, exited), while the engine answers. */
  private async vanished(kept: Kept): Promise<boolean> {
    if (kept.gone) {
      return true;
    }
    try {
      const inspected = await this.api.inspectContainer(kept.run.id);
      return inspected.State?.Running !== true;
    } catch (error) {
      return (error as { statusCode?: unknown }).statusCode === 404;
    }
  }
}
