/**
 * Which way a capture runs, decided once per capture: the local runner (the host's tcpdump as
 * root, in the target's namespace) when the engine is proved to be this machine's and we are
 * root; otherwise the helper-container runner when one is plugged in (`CaptureRunnerContext.helper`,
 * the engine-side capture), else a reason the user can act on. The view, the CLI and the doctor ask
 * here, so every surface says the same reason.
 */
import type { EngineTarget } from '../../model/connectionResolution';
import { captureInterface } from '../../model/capture/spec';
import type { CaptureUnavailable } from '../../model/capture/spec';
import type { CaptureSpec, RunningCapture } from '../../model/capture/types';
import { EngineValueError, isSafePid } from '../../model/engineValues';
import type { EngineApi } from '../engineApi';
import { engineSocketOwned, namespaceMatches } from '../reachability/localProof';
import { captureTools, checkFilter, startLocalCapture } from './localCapture';
import type { CaptureTools } from './localCapture';

export type { CaptureUnavailable };

export interface CaptureRunner {
  method: 'local' | 'helper';
  /** tcpdump's refusal of a filter for this target, undefined when it compiles. */
  checkFilter(filter: string): Promise<string | undefined>;
  start(): Promise<RunningCapture>;
}

export interface CaptureRunnerContext {
  api: EngineApi;
  target: EngineTarget;
  /** EngineSession.isLocal: the engine's socket or host is this machine. */
  isLocal: boolean;
  uid?: number;
  platform?: NodeJS.Platform;
  tools?: CaptureTools;
  /** The helper-container runner (another way to the same RunningCapture), asked when the local one cannot run. */
  helper?: (spec: CaptureSpec, why: CaptureUnavailable) => Promise<CaptureRunner | undefined>;
}

export type CaptureRunnerChoice = { runner: CaptureRunner; reason?: undefined } | { runner?: undefined; reason: CaptureUnavailable };

async function localRefusal(spec: CaptureSpec, context: CaptureRunnerContext, tools: CaptureTools): Promise<{ reason?: CaptureUnavailable; pid?: number }> {
  if ((context.platform ?? process.platform) !== 'linux') {
    return { reason: 'notLinux' };
  }
  if (!context.isLocal || !(await engineSocketOwned(context.target, { uid: context.uid }))) {
    return { reason: 'notLocal' };
  }
  if ((context.uid ?? process.getuid?.()) !== 0) {
    return { reason: 'notRoot' };
  }
  if (!tools.tcpdump) {
    return { reason: 'noTcpdump' };
  }
  if (spec.target.kind === 'hostInterface') {
    return {};
  }
  if (!tools.nsenter) {
    return { reason: 'noNsenter' };
  }
  if (spec.target.kind === 'namespace') {
    return {};
  }
  const details = await context.api.inspectContainer(spec.target.containerId);
  if (!details.State?.Running) {
    return { reason: 'notRunning' };
  }
  const pid = details.State?.Pid;
  if (!isSafePid(pid)) {
    throw new EngineValueError(`State.Pid of container ${spec.target.containerName}`, JSON.stringify(pid), 'pid');
  }
  // The namespace entered as root must be the very one the engine's SandboxKey names (not ours).
  const sandboxKey = details.NetworkSettings?.SandboxKey || undefined;
  if (!(await namespaceMatches(pid, sandboxKey))) {
    return { reason: 'namespaceMismatch' };
  }
  return { pid };
}

export async function chooseCaptureRunner(spec: CaptureSpec, context: CaptureRunnerContext): Promise<CaptureRunnerChoice> {
  const tools = context.tools ?? (await captureTools());
  const { reason, pid } = await localRefusal(spec, context, tools);
  if (!reason) {
    return {
      runner: {
        method: 'local',
        checkFilter: (filter) => checkFilter(filter, captureInterface(spec.target), tools.tcpdump),
        start: () => startLocalCapture(spec, { pid, tools }),
      },
    };
  }
  const helper = await context.helper?.(spec, reason);
  return helper ? { runner: helper } : { reason };
}
