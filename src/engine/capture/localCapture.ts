/**
 * The local capture: the host's tcpdump, as root, inside the target's network namespace
 * (`nsenter --net=/proc/<pid>/ns/net -- tcpdump …`, or `--net=<netns file>`; no nsenter for a host
 * interface), writing the pcap stream to stdout (`-U -w -`). Tools by absolute path (systemTool),
 * argument arrays only, the pid and interface checked by type, the filter after `--` so it is never
 * read as an option: nothing an engine or an image says chooses what runs as root. Stop is SIGINT
 * (tcpdump then prints its counts), SIGKILL if it has not gone 3 s later. Usable without VS Code:
 * the doctor's packet story and the CLI start it too.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { isSafePid } from '../../model/engineValues';
import { captureInterface, captureSpecIssues, filterLinkType } from '../../model/capture/spec';
import { parseCaptureCounts, tcpdumpError } from '../../model/capture/tcpdumpOutput';
import type { CaptureCounts, CaptureEnd, CaptureSpec, RunningCapture } from '../../model/capture/types';
import { systemTool } from '../../probe/systemTools';

/** tcpdump's stderr kept (its banner, its counts, its error): more is noise. */
const STDERR_MAX = 64 * 1024;
/** After SIGINT, how long tcpdump has to print its counts before SIGKILL. */
const STOP_GRACE_MS = 3_000;
/** The snap length: whole packets, as tcpdump's default. */
const SNAP_LENGTH = 262_144;
/**
 * The kernel's capture buffer, in KiB (-B): immediate mode (each packet delivered at once, for the
 * live view) costs tcpdump a wake-up per packet, and a flood outruns it sooner with libpcap's 2 MiB.
 */
const BUFFER_KIB = 32_768;

export interface CaptureTools {
  tcpdump?: string;
  nsenter?: string;
}

export async function captureTools(): Promise<CaptureTools> {
  const [tcpdump, nsenter] = await Promise.all([systemTool('tcpdump'), systemTool('nsenter')]);
  return { tcpdump, nsenter };
}

export interface LocalCaptureOptions {
  /** For a container target: the pid whose network namespace is entered (checked: isSafePid). */
  pid?: number;
  /** Tools found by captureTools() (absolute paths); looked up when absent. */
  tools?: CaptureTools;
}

/** The error thrown before anything runs (bad spec, missing tool, bad pid). */
export class CaptureStartError extends Error {
  constructor(readonly code: 'invalidSpec' | 'noTcpdump' | 'noNsenter' | 'invalidPid', detail: string) {
    super(detail);
  }
}

/** tcpdump's arguments for a spec: numeric, packet-buffered pcap on stdout, the count, the filter last. */
export function tcpdumpArguments(spec: CaptureSpec): string[] {
  const args = ['-i', captureInterface(spec.target), '-nn', '-U', '--immediate-mode', '-B', String(BUFFER_KIB), '-s', String(SNAP_LENGTH), '-w', '-'];
  if (spec.count !== undefined) {
    args.push('-c', String(spec.count));
  }
  const filter = spec.filter?.trim();
  return filter ? [...args, '--', filter] : args;
}

/** What to execute: [file, argv], entering the target's namespace unless it is the host's. */
export function captureCommand(spec: CaptureSpec, pid: number | undefined, tools: Required<CaptureTools>): [string, string[]] {
  const tcpdump = [tools.tcpdump, ...tcpdumpArguments(spec)];
  switch (spec.target.kind) {
    case 'hostInterface':
      return [tools.tcpdump, tcpdump.slice(1)];
    case 'namespace':
      return [tools.nsenter, [`--net=${spec.target.namespaceFile}`, '--', ...tcpdump]];
    case 'container':
      if (!isSafePid(pid)) {
        throw new CaptureStartError('invalidPid', String(pid));
      }
      return [tools.nsenter, [`--net=/proc/${pid}/ns/net`, '--', ...tcpdump]];
  }
}

/**
 * Asks tcpdump's own compiler whether `filter` is valid BPF for the interface's link type
 * (`tcpdump -d -y TYPE -- FILTER`: no capture is opened, no root needed). Resolves with tcpdump's
 * sentence when it refuses, undefined when it accepts.
 */
export async function checkFilter(filter: string, interfaceName: string | undefined, tcpdump?: string): Promise<string | undefined> {
  const tool = tcpdump ?? (await systemTool('tcpdump'));
  if (!tool || filter.trim() === '') {
    return undefined;
  }
  return new Promise((resolve) => {
    const child = spawn(tool, ['-d', '-y', filterLinkType(interfaceName), '--', filter.trim()], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(0, STDERR_MAX);
    });
    child.on('error', (error) => resolve(error.message));
    child.on('close', (code) => resolve(code === 0 ? undefined : (tcpdumpError(stderr) ?? `exit ${code}`)));
  });
}

/** Every local capture running in this process: deactivation (and the CLI's exit) stops them all. */
const running = new Set<RunningCapture>();

export function stopAllLocalCaptures(): Promise<void> {
  return Promise.all([...running].map((capture) => capture.stop())).then(() => undefined);
}

export function runningLocalCaptures(): number {
  return running.size;
}

/**
 * Starts the host's tcpdump for `spec` (validated here too: a caller that skipped the checks still
 * cannot pass a bad interface, pid or filter). Throws CaptureStartError before spawning anything.
 */
export async function startLocalCapture(spec: CaptureSpec, options: LocalCaptureOptions = {}): Promise<RunningCapture> {
  const issues = captureSpecIssues(spec);
  if (issues.length > 0) {
    throw new CaptureStartError('invalidSpec', issues.map((issue) => `${issue.field}: ${issue.code}`).join(', '));
  }
  const tools = options.tools ?? (await captureTools());
  if (!tools.tcpdump) {
    throw new CaptureStartError('noTcpdump', 'tcpdump');
  }
  if (spec.target.kind !== 'hostInterface' && !tools.nsenter) {
    throw new CaptureStartError('noNsenter', 'nsenter');
  }
  const [file, args] = captureCommand(spec, options.pid, { tcpdump: tools.tcpdump, nsenter: tools.nsenter ?? '' });
  return superviseTcpdump(spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] }), spec);
}

function superviseTcpdump(child: ChildProcess, spec: CaptureSpec): RunningCapture {
  const listeners: Array<(chunk: Uint8Array) => void> = [];
  let stderr = '';
  let stopping: CaptureEnd | undefined;
  let timer: NodeJS.Timeout | undefined;
  let killer: NodeJS.Timeout | undefined;
  // Chunks that come before the first listener wait for it (the pcap header is in the first one).
  const early: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => (listeners.length === 0 ? early.push(chunk) : listeners.forEach((listener) => listener(chunk))));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_MAX);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: string }>((resolve) => {
    child.on('error', (error) => resolve({ code: null, signal: null, spawnError: error.message }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const stopWith = (end: CaptureEnd) => {
    if (stopping || child.exitCode !== null || child.signalCode !== null) {
      return done.then(() => undefined);
    }
    stopping = end;
    child.kill('SIGINT');
    killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    return done.then(() => undefined);
  };
  const done = exited.then(({ code, signal, spawnError }) => {
    clearTimeout(timer);
    clearTimeout(killer);
    running.delete(capture);
    const counts: CaptureCounts | undefined = parseCaptureCounts(stderr);
    if (spawnError) {
      return { end: 'failed' as const, error: spawnError };
    }
    if (stopping && (code === 0 || signal === 'SIGINT')) {
      return { end: stopping, counts };
    }
    if (!stopping && code === 0) {
      return { end: 'count' as const, counts };
    }
    return { end: 'failed' as const, counts, error: tcpdumpError(stderr) ?? `tcpdump: ${signal ?? `exit ${code}`}` };
  });
  if (spec.durationSeconds !== undefined) {
    timer = setTimeout(() => void stopWith('duration'), spec.durationSeconds * 1000);
  }
  const capture: RunningCapture = {
    onPcap: (listener) => {
      listeners.push(listener);
      early.splice(0).forEach((chunk) => listener(chunk));
    },
    stop: () => stopWith('stopped'),
    done,
  };
  running.add(capture);
  return capture;
}
