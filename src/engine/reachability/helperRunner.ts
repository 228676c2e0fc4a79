/**
 * The doctor's probes through a helper container on the engine, for engines that are not this
 * machine's (or where this machine cannot enter A's namespace as root): each busybox applet run
 * (ping, nc, nslookup) is one short-lived `probe` helper joined to A's network namespace
 * (`--network=container:<A>`, every capability dropped but NET_RAW), so A's own image needs no
 * tools at all. Its output comes back over the engine connection the session already has (unix,
 * TLS or SSH); its exit code is the engine's wait status. The helper is removed on every path
 * (helperContainer.ts). The user's consent is the caller's (ReachRequest.helper).
 */
import type { ObservationReason } from '../../model/reachability/types';
import { EXEC_OUTPUT_MAX_BYTES } from '../engineApi';
import type { ContainerRunApi, ExecResult } from '../engineApi';
import { startHelper, sweepHelpers } from '../helperContainer';
import type { HelperRun, HelperStartOptions } from '../helperContainer';
import { logLine } from '../../model/displayHost';
import type { NamespaceRunner } from './runners';

/** The engine could not start the command: it is not in the helper's image. */
const NOT_FOUND = /executable file not found|no such file or directory/i;

export interface HelperRunnerOptions {
  /** The helper image (busybox); the engine must already have it (nothing is pulled). */
  image: string;
  /** One line per helper run (engine, image, container, argv, time, exit). */
  log?: (line: string) => void;
  /** How A's own files (/etc/hosts, /etc/resolv.conf) are read: the helper's file system is its image's, not A's. */
  readFile?: (file: string) => Promise<string | undefined>;
  reason?: ObservationReason;
}

/** Runs argv in one probe helper joined to `containerId`, within timeoutMs and EXEC_OUTPUT_MAX_BYTES; never rejects. */
export function runInProbeHelper(api: ContainerRunApi, containerId: string, image: string, argv: string[], timeoutMs: number, log?: (line: string) => void): Promise<ExecResult> {
  return runHelperToEnd(api, { purpose: 'probe', joinContainerId: containerId, image, argv }, timeoutMs, EXEC_OUTPUT_MAX_BYTES, log);
}

/** What to start (helperContainer.ts), without the output callbacks: this function collects the output. */
export type HelperToRun = HelperStartOptions extends infer T ? (T extends unknown ? Omit<T, 'onStdout' | 'onStderr' | 'deadline'> : never) : never;

/**
 * Runs one helper to its end and collects its output (stdout and stderr, in order, up to maxBytes),
 * within timeoutMs; the helper is removed on every path. The exit code is the engine's wait status
 * where the helper has one (probe), else 0 when the output ended cleanly. Never rejects: a start the
 * engine refused is `code: null` with the engine's words (`missing` when the command is not in the image).
 */
export async function runHelperToEnd(api: ContainerRunApi, what: HelperToRun, timeoutMs: number, maxBytes: number, log?: (line: string) => void): Promise<ExecResult> {
  const started = Date.now();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  let helper: HelperRun | undefined;
  let timer: NodeJS.Timeout | undefined;
  let overflow: () => void = () => undefined;
  const overflowed = new Promise<'overflow'>((resolve) => (overflow = () => resolve('overflow')));
  const keep = (chunk: Uint8Array) => {
    if (truncated) return;
    if (size + chunk.length > maxBytes) {
      truncated = true;
      overflow();
      return;
    }
    chunks.push(chunk);
    size += chunk.length;
  };
  const text = () => new TextDecoder().decode(Buffer.concat(chunks)).trim();
  // The filter helper's argv is a constant script: its name says what ran.
  const shown = what.argv[0] === 'sh' && what.argv[1] === '-c' ? what.argv.slice(3).join(' ') || what.argv[3] || 'script' : what.argv.join(' ');
  const say = (outcome: string) =>
    log?.(`${what.purpose} helper on ${logLine(api.target.host)}: image ${logLine(what.image)}, container ${helper?.name ?? '(not created)'}, ${logLine(shown, 200)}, ${Date.now() - started} ms, ${outcome}`);
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  let done = false;
  try {
    const starting = startHelper(api, { ...what, deadline: (Date.now() + timeoutMs) / 1000 + 30, onStdout: keep, onStderr: keep } as HelperStartOptions);
    // A start that outlives the limit: its helper is removed when it comes.
    void starting.then((late) => (done ? late.remove() : undefined), () => undefined);
    const first = await Promise.race([starting, deadline]);
    if (first === 'timeout') {
      say('timeout before start');
      return { code: null, output: 'timeout' };
    }
    helper = first;
    const end = await Promise.race([helper.ended, deadline, overflowed]);
    if (end === 'timeout') {
      say('timeout');
      return { code: null, output: 'timeout', truncated };
    }
    if (end === 'overflow') {
      say('output over the cap');
      return { code: null, output: text(), truncated: true };
    }
    const code = helper.exitCode ? await Promise.race([helper.exitCode, deadline.then(() => null)]) : end.lost ? null : 0;
    say(`exit ${code ?? 'unknown'}`);
    return { code, output: text(), missing: code === 126 || code === 127 };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    say(`failed: ${logLine(message, 300)}`);
    return { code: null, output: message, missing: NOT_FOUND.test(message) };
  } finally {
    done = true;
    clearTimeout(timer);
    await helper?.remove();
  }
}

/**
 * A's namespace through probe helpers: the applet by its name (the image's PATH), else through
 * `busybox APPLET` when the image has busybox but not the applet's link.
 */
export function helperRunner(api: ContainerRunApi, containerId: string, options: HelperRunnerOptions): NamespaceRunner {
  // Once per doctor run, before its first helper: the helpers a killed client left on this engine.
  let swept: Promise<void> | undefined;
  const sweep = () =>
    (swept ??= sweepHelpers(api).then(
      (removed) => void (removed.length > 0 && options.log?.(`removed ${removed.length} helper container(s) left by a client that is gone: ${removed.map((id) => id.slice(0, 12)).join(', ')}`)),
      () => undefined,
    ));
  const run = async (argv: string[], timeoutMs: number) => {
    await sweep();
    return runInProbeHelper(api, containerId, options.image, argv, timeoutMs, options.log);
  };
  return {
    method: 'helper',
    tools: ['helper container', options.image],
    reason: options.reason,
    async run(applet, args, timeoutMs) {
      const direct = await run([applet, ...args], timeoutMs);
      return direct.missing ? run(['busybox', applet, ...args], timeoutMs) : direct;
    },
    readFile: (file) => options.readFile?.(file) ?? Promise.resolve(undefined),
  };
}
