/**
 * A packet capture run by a helper container on the engine: tcpdump joined to the target
 * container's network namespace, its pcap streamed back over the engine connection (unix socket,
 * TLS or SSH alike). It yields the same `RunningCapture` as the local capture. The helper itself
 * (labels, attach before start, removal on every path) is src/engine/helperContainer.ts.
 */
import { helperCaptureArgv, helperCaptureIssue, helperFilterCheckArgv, HELPER_CAPTURE_CAPABILITIES } from '../model/capture/helperArgv';
import { captureInterface } from '../model/capture/spec';
import { parseCaptureCounts, tcpdumpError } from '../model/capture/tcpdumpOutput';
import { systemTool } from '../probe/systemTools';
import { checkFilter } from './capture/localCapture';
import type { CaptureEnd, CaptureSpec, RunningCapture } from '../model/capture/types';
import { helperCaptureRefusalMessage } from '../messages/captureHelperMessages';
import type { HelperCaptureRefusal } from '../messages/captureHelperMessages';
import type { Translator } from '../messages/translator';
import type { CaptureRunner } from './capture/captureRunner';
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
  const issue = helperCaptureIssue(spec);
  if (issue) {
    throw new HelperCaptureError(issue === 'target' ? { kind: 'target' } : { kind: 'spec', issue }, options.l10n);
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
  const tcpdump = await systemTool('tcpdump');
  if (tcpdump) {
    // The host's own compiler (`tcpdump -d -y LINKTYPE`: no root, no capture), as the local path does.
    const refusal = await checkFilter(filter, captureInterface(spec.target), tcpdump);
    if (refusal) {
      throw new HelperCaptureError({ kind: 'filterRefused', reason: refusal }, options.l10n);
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
    throw new HelperCaptureError({ kind: 'filterRefused', reason: tcpdumpError(stderr) ?? stderr.trim() }, options.l10n);
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
    const counts = parseCaptureCounts(stderr);
    options.log?.(`helper ${helper.name} ended (${reason ?? (counts ? 'exit' : 'failed')}) and removed; ${counts ? `${counts.captured} captured, ${counts.droppedByKernel} dropped by the kernel` : 'no counts'}`);
    if (counts) {
      return { end: reason ?? (spec.count !== undefined ? 'count' : 'stopped'), counts } as const;
    }
    const refusal: HelperCaptureRefusal = ended.lost && !tcpdumpError(stderr) ? { kind: 'lost' } : { kind: 'helperFailed', reason: tcpdumpError(stderr) ?? 'no output' };
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

/** Whether this engine client can run helper containers (EngineClient can; the unit tests' fake cannot). */
export function canRunHelpers(api: object): api is ContainerRunApi {
  return typeof (api as Partial<ContainerRunApi>).createContainer === 'function' && typeof (api as Partial<ContainerRunApi>).attachContainer === 'function';
}

/**
 * The helper path as the capture runner seam takes it (engine/capture/captureRunner.ts
 * `CaptureRunnerContext.helper`): consent is asked here, once, before anything runs on the engine
 * (a filter checked in a helper is already a run); a stored Never throws its sentence; a dismissed
 * question returns undefined (the caller reports why the local path could not run).
 */
export function helperCaptureRunners(
  api: ContainerRunApi,
  options: HelperCaptureOptions & { consent: HelperConsentStore; ask: (spec: CaptureSpec) => Promise<HelperConsentAnswer | undefined> },
): (spec: CaptureSpec) => Promise<CaptureRunner | undefined> {
  return async (spec) => {
    if (spec.target.kind !== 'container') {
      // Host interfaces and engine namespace files: only the local path can reach them.
      return undefined;
    }
    checkSpec(spec, options);
    const consent = await helperConsent(options.consent, api.target, () => options.ask(spec));
    if (!consent.allowed) {
      if (consent.refusedBefore || storedHelperConsent(options.consent, api.target) === 'never') {
        options.log?.(`helper capture on ${options.engineLabel} refused: consent is Never for this engine`);
        throw new HelperCaptureError({ kind: 'consentNever', engine: options.engineLabel }, options.l10n);
      }
      return undefined;
    }
    return {
      method: 'helper',
      checkFilter: async (filter) => {
        try {
          await checkHelperFilter(api, { ...spec, filter }, options);
          return undefined;
        } catch (error) {
          if (error instanceof HelperCaptureError && error.refusal.kind === 'filterRefused') {
            return error.refusal.reason;
          }
          throw error;
        }
      },
      start: () => startHelperCapture(api, spec, options),
    };
  };
}

/** What the consent modal shows: the exact container that will run. */
export function helperConsentDetails(spec: CaptureSpec, image: string): { image: string; container: string; capabilities: string; command: string } {
  return {
    image,
    container: spec.target.kind === 'container' ? spec.target.containerName : '?',
    capabilities: HELPER_CAPTURE_CAPABILITIES.join(', '),
    command: helperCaptureArgv(spec).join(' '),
  };
}
