/**
 * A packet capture run by a helper container on the engine: tcpdump joined to the target
 * container's network namespace, its pcap streamed back over the engine connection (unix socket,
 * TLS or SSH alike). It yields the same `RunningCapture` as the local capture. The helper itself
 * (labels, attach before start, removal on every path) is src/engine/helperContainer.ts.
 */
import { execFile } from 'node:child_process';
import { systemTool } from '../probe/systemTools';
import { helperCaptureArgv, helperCaptureProblem, helperFilterCheckArgv, HELPER_CAPTURE_CAPABILITIES, parseTcpdumpCounts, tcpdumpComplaint } from '../model/capture/helperCapture';
import type { CaptureEnd, CaptureSpec, RunningCapture } from '../model/capture/types';
import { helperCaptureRefusalMessage } from '../messages/captureHelperMessages';
import type { HelperCaptureRefusal } from '../messages/captureHelperMessages';
import type { Translator } from '../messages/translator';
import type { ContainerRunApi } from './engineApi';
import { startHelper, sweepHelpers } from './helperContainer';
import { helperConsent, storedHelperConsent } from './helperConsent';
import type { HelperConsentAnswer, HelperConsentStore } from './helperConsent';
import type { HelperRun } from './helperContainer';

/** A refusal before anything ran (or the helper failing to start), worded for the user. */
export class HelperCaptureError extends Error {
  constructor(
    readonly refusal: HelperCaptureRefusal,
    l10n: Translator,
  ) {
    super(helperCaptureRefusalMessage(refusal, l10n));
  }
}

export interface HelperCaptureOptions {
  /** The image with tcpdump (setting dockerNetworks.capture.helperImage); empty: refused. */
  image: string;
  /** How the engine is named in sentences (its host, without credentials). */
  engineLabel: string;
  l10n: Translator;
  /** The extension's log channel (or the CLI's stderr when verbose): every helper run is logged. */
  log?: (line: string) => void;
  /** How long a stop waits for tcpdump to finish its file before the helper is removed regardless. */
  stopGraceMs?: number;
}

/** A helper capture: RunningCapture, plus its helper's name and when tcpdump listens. */
export interface HelperCapture extends RunningCapture {
  readonly helperId: string;
  readonly helperName: string;
  /** Settles when tcpdump says it listens (or the capture ended first). */
  readonly listening: Promise<void>;
}

/** The most of tcpdump's stderr kept (its banner, complaints and counts are a few lines). */
const STDERR_MAX = 64 * 1024;

/** Checks what can be checked without the engine: the spec's values and the image setting. */
function checkSpec(spec: CaptureSpec, options: HelperCaptureOptions): void {
  const problem = helperCaptureProblem(spec);
  if (problem) {
    const value = problem === 'interface' && spec.target.kind === 'container' ? spec.target.interface : undefined;
    throw new HelperCaptureError({ kind: problem, value }, options.l10n);
  }
  if (options.image.trim() === '') {
    throw new HelperCaptureError({ kind: 'noImage' }, options.l10n);
  }
}

async function checkImage(api: ContainerRunApi, options: HelperCaptureOptions): Promise<void> {
  if (!(await api.imagePresent(options.image))) {
    throw new HelperCaptureError({ kind: 'imageMissing', engine: options.engineLabel, image: options.image }, options.l10n);
  }
}

function containerIdOf(spec: CaptureSpec): string {
  return spec.target.kind === 'container' ? spec.target.containerId : '';
}

/** An empty pcap file's header (little-endian, v2.4, snap 262144) with the given link type. */
function pcapHeader(linkType: number): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(linkType, 20);
  return header;
}

/**
 * The host's tcpdump compiles the filter (`-d`) against an empty pcap of the interface's link type
 * on stdin: no root, no capture. Undefined when this machine has no tcpdump.
 */
async function checkFilterLocally(spec: CaptureSpec, filter: string): Promise<{ ok: boolean; reason: string } | undefined> {
  const tcpdump = await systemTool('tcpdump');
  if (!tcpdump) {
    return undefined;
  }
  // `any` captures Linux cooked v2 (276); a named interface of a container is Ethernet (1).
  const linkType = spec.target.kind === 'container' && spec.target.interface && spec.target.interface !== 'any' ? 1 : 276;
  return new Promise((resolve) => {
    const child = execFile(tcpdump, ['-d', '-r', '-', '--', filter], { timeout: 10_000, maxBuffer: 1024 * 1024 }, (error, _stdout, stderr) => {
      resolve(error ? { ok: false, reason: tcpdumpComplaint(stderr.replace(/^reading from file.*$/m, '')) ?? error.message } : { ok: true, reason: '' });
    });
    child.stdin?.end(pcapHeader(linkType));
  });
}

/**
 * Checks the filter with tcpdump's own compiler before the capture: the host's tcpdump when it has
 * one, else `tcpdump -d` in a helper (which opens the target's interface, so it needs the same
 * consent as the capture). Throws HelperCaptureError (filterRefused) with tcpdump's reason.
 */
export async function checkHelperFilter(api: ContainerRunApi, spec: CaptureSpec, options: HelperCaptureOptions): Promise<'host' | 'helper' | 'none'> {
  const filter = spec.filter?.trim();
  checkSpec(spec, options);
  if (!filter) {
    return 'none';
  }
  const local = await checkFilterLocally(spec, filter);
  if (local) {
    if (!local.ok) {
      throw new HelperCaptureError({ kind: 'filterRefused', reason: local.reason }, options.l10n);
    }
    return 'host';
  }
  await checkImage(api, options);
  let stdout = '';
  let stderr = '';
  const decoder = new TextDecoder();
  const argv = helperFilterCheckArgv(spec);
  options.log?.(`helper filter check on ${options.engineLabel}: ${options.image} ${argv.join(' ')}`);
  const helper = await startHelper(api, {
    purpose: 'capture',
    image: options.image,
    joinContainerId: containerIdOf(spec),
    argv,
    capabilities: HELPER_CAPTURE_CAPABILITIES,
    deadline: Date.now() / 1000 + 60,
    onStdout: (chunk) => (stdout += decoder.decode(chunk, { stream: true })),
    onStderr: (chunk) => (stderr += decoder.decode(chunk, { stream: true })),
  });
  await helper.ended;
  await helper.remove();
  if (!/^\(000\)/m.test(stdout)) {
    throw new HelperCaptureError({ kind: 'filterRefused', reason: tcpdumpComplaint(stderr) ?? stderr.trim() }, options.l10n);
  }
  return 'helper';
}

/** Removes the helpers a killed client left on this engine (logged); a failing list is passed over. */
async function sweepLeftovers(api: ContainerRunApi, options: HelperCaptureOptions): Promise<void> {
  try {
    const swept = await sweepHelpers(api);
    if (swept.length > 0) {
      options.log?.(`removed ${swept.length} helper container(s) left by a client that is gone: ${swept.map((id) => id.slice(0, 12)).join(', ')}`);
    }
  } catch {
    // A list that fails now fails the start just after with the engine's own error.
  }
}

/**
 * Starts the capture: checks (spec, image), sweeps helpers a killed client left, starts the helper
 * attached, and returns at once. The caller has asked consent first (the extension's modal, the
 * CLI's --helper) and checked the filter (checkHelperFilter).
 */
export async function startHelperCapture(api: ContainerRunApi, spec: CaptureSpec, options: HelperCaptureOptions): Promise<HelperCapture> {
  checkSpec(spec, options);
  await checkImage(api, options);
  await sweepLeftovers(api, options);
  const listeners: ((chunk: Uint8Array) => void)[] = [];
  const early: Uint8Array[] = [];
  let stderr = '';
  const decoder = new TextDecoder();
  let resolveListening: () => void = () => undefined;
  const listening = new Promise<void>((resolve) => (resolveListening = resolve));
  let reason: CaptureEnd | undefined;
  const argv = helperCaptureArgv(spec);
  const graceSeconds = 30;
  const helper: HelperRun = await startHelper(api, {
    purpose: 'capture',
    image: options.image,
    joinContainerId: containerIdOf(spec),
    argv,
    capabilities: HELPER_CAPTURE_CAPABILITIES,
    deadline: spec.durationSeconds !== undefined ? Date.now() / 1000 + spec.durationSeconds + graceSeconds : undefined,
    onStdout: (chunk) => {
      if (listeners.length === 0) {
        early.push(chunk);
      } else {
        listeners.forEach((listener) => listener(chunk));
      }
    },
    onStderr: (chunk) => {
      if (stderr.length < STDERR_MAX) {
        stderr += decoder.decode(chunk, { stream: true });
      }
      if (/listening on /.test(stderr)) {
        resolveListening();
      }
    },
  });
  options.log?.(`helper ${helper.name} (${helper.id.slice(0, 12)}) started on ${options.engineLabel}: ${options.image} ${argv.join(' ')}, in the network namespace of ${spec.target.kind === 'container' ? spec.target.containerName : '?'}, capabilities ${HELPER_CAPTURE_CAPABILITIES.join(',')}`);

  const interrupt = async (why: CaptureEnd) => {
    reason ??= why;
    try {
      await helper.signal('SIGINT');
    } catch {
      // The engine is unreachable: the end below sees the stream lost.
    }
    const grace = setTimeout(() => void helper.remove(), options.stopGraceMs ?? 5000);
    await helper.ended;
    clearTimeout(grace);
  };
  const timer = spec.durationSeconds !== undefined ? setTimeout(() => void interrupt('duration'), spec.durationSeconds * 1000) : undefined;

  const done = helper.ended.then(async (ended) => {
    if (timer) {
      clearTimeout(timer);
    }
    resolveListening();
    // AutoRemove has usually removed it already; this is the path for every other end.
    await helper.remove();
    const counts = parseTcpdumpCounts(stderr);
    options.log?.(`helper ${helper.name} ended (${reason ?? (counts ? 'exit' : 'failed')}) and removed; ${counts ? `${counts.captured} captured, ${counts.droppedByKernel} dropped by the kernel` : 'no counts'}`);
    if (counts) {
      return { end: reason ?? (spec.count !== undefined ? 'count' : 'stopped'), counts } as const;
    }
    const refusal: HelperCaptureRefusal = ended.lost && !tcpdumpComplaint(stderr) ? { kind: 'lost' } : { kind: 'helperFailed', reason: tcpdumpComplaint(stderr) ?? 'no output' };
    return { end: 'failed' as const, error: helperCaptureRefusalMessage(refusal, options.l10n) };
  });
  let stopping: Promise<void> | undefined;
  return {
    helperId: helper.id,
    helperName: helper.name,
    listening,
    onPcap: (listener) => {
      listeners.push(listener);
      early.splice(0).forEach((chunk) => listener(chunk));
    },
    stop: () => (stopping ??= interrupt('stopped').then(() => done.then(() => undefined))),
    done,
  };
}

/**
 * Consent first, then the capture: a stored Never (or a Never answered now) refuses with its
 * sentence before anything is sent to the engine; a dismissed question returns undefined (the user
 * cancelled). `ask` is the extension's modal; the command line passes `--helper` as a one-time yes.
 */
export async function startConsentedHelperCapture(
  api: ContainerRunApi,
  spec: CaptureSpec,
  options: HelperCaptureOptions & { consent: HelperConsentStore; ask: () => Promise<HelperConsentAnswer | undefined> },
): Promise<HelperCapture | undefined> {
  checkSpec(spec, options);
  const consent = await helperConsent(options.consent, api.target, options.ask);
  if (!consent.allowed) {
    if (consent.refusedBefore || storedHelperConsent(options.consent, api.target) === 'never') {
      options.log?.(`helper capture on ${options.engineLabel} refused: consent is Never for this engine`);
      throw new HelperCaptureError({ kind: 'consentNever', engine: options.engineLabel }, options.l10n);
    }
    return undefined;
  }
  return startHelperCapture(api, spec, options);
}
