/**
 * `capture TARGET [--interface IF] [--filter BPF] [--count N] [--duration S] --write FILE.pcap`:
 * TARGET a container (name or id) of the engine, or an interface of this host. The same runner
 * choice, filter check and capture session as Capture Packets in VS Code; decoded lines on stdout,
 * the end line (how it ended, tcpdump's counts) on stderr. Ctrl-C stops the capture cleanly (SIGINT
 * to tcpdump, the counts, the file closed). Exit: 0 ended by its limit or by Ctrl-C, 1 the capture
 * could not run or failed, 2 a usage error or an engine that does not answer.
 */
import * as path from 'node:path';
import { chooseCaptureRunner } from '../engine/capture/captureRunner';
import { HelperCaptureError, helperCaptureRunners } from '../engine/captureHelper';
import { shortHost } from '../model/displayHost';
import { captureFolderProblem, isHostInterface } from '../engine/capture/captureFile';
import { followCapture } from '../engine/capture/captureSession';
import { stopAllLocalCaptures } from '../engine/capture/localCapture';
import type { EngineClient } from '../engine/engineClient';
import type { EngineSession } from '../engine/engineSession';
import { captureEndSentence, captureIssueSentence, filterRefusedSentence, folderNotWritableSentence, notPcapSentence, unavailableSentence, unknownTargetSentence } from '../messages/captureMessages';
import { cliLocale, cliTranslator, type Translator } from '../messages/translator';
import { formatPacketLine } from '../model/capture/lines';
import { captureSpecIssues } from '../model/capture/spec';
import type { CaptureSpec, CaptureTarget } from '../model/capture/types';
import { findContainer } from '../model/reachability/sides';
import type { CaptureArguments } from './arguments';
import { UsageError } from './arguments';
import { withCliSession } from './cliSession';

export interface CaptureIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Called once the capture runs, with its stop (the CLI binds Ctrl-C to it). */
  onStart?: (stop: () => void) => void;
}

/** A failure that is not the user's nor the engine's: exit 1. */
export class CaptureFailed extends Error {}

async function targetOf(args: CaptureArguments, session: EngineSession): Promise<CaptureTarget> {
  const l10n = cliTranslator(cliLocale());
  const container = session.inventory ? findContainer(session.inventory, args.target) : undefined;
  if (container) {
    return { kind: 'container', containerId: container.id, containerName: container.name, interface: args.interface };
  }
  if (args.interface === undefined && (await isHostInterface(args.target))) {
    return { kind: 'hostInterface', interface: args.target };
  }
  throw new UsageError(unknownTargetSentence(args.target, l10n));
}

export async function runCapture(args: CaptureArguments, io: CaptureIo): Promise<number> {
  const l10n = cliTranslator(cliLocale());
  return withCliSession(args, async ({ client, session }) => {
    try {
      return await captureIn(args, io, l10n, client, session);
    } finally {
      // Ctrl-C, a failure or the end: no tcpdump of ours outlives the command.
      await stopAllLocalCaptures();
    }
  });
}

/** One capture in a session that answered: the spec checked, a runner chosen, its packets followed to the end. */
async function captureIn(args: CaptureArguments, io: CaptureIo, l10n: Translator, client: EngineClient, session: EngineSession): Promise<number> {
  const spec: CaptureSpec = { target: await targetOf(args, session), filter: args.filter, count: args.count, durationSeconds: args.duration, file: path.resolve(args.write) };
  const [issue] = captureSpecIssues(spec);
  if (issue) {
    throw new UsageError(captureIssueSentence(issue, l10n));
  }
  const folder = await captureFolderProblem(spec.file);
  if (folder) {
    throw new UsageError(folderNotWritableSentence(path.dirname(spec.file), folder, l10n));
  }
  // The helper path only with --helper IMAGE: that option is the consent, for this run.
  const engineLabel = shortHost(client.target.host);
  const once = { consent: { get: () => undefined, update: () => Promise.resolve() }, ask: () => Promise.resolve('once' as const) };
  const helper = args.helper !== undefined ? helperCaptureRunners(client, { image: args.helper, engineLabel, l10n, log: (line) => io.err(`${line}\n`), ...once }) : undefined;
  const choice = await chooseCaptureRunner(spec, { api: client, target: client.target, isLocal: session.isLocal, helper }).catch((error: unknown) => {
    throw error instanceof HelperCaptureError ? new UsageError(error.message) : error;
  });
  if (!choice.runner) {
    throw new CaptureFailed(unavailableSentence(choice.reason, spec.target.kind === 'container' ? spec.target.containerName : args.target, l10n));
  }
  const refusal = spec.filter ? await choice.runner.checkFilter(spec.filter) : undefined;
  if (refusal) {
    throw new UsageError(filterRefusedSentence(refusal, l10n));
  }
  const capture = await choice.runner.start().catch((error: unknown) => {
    throw new CaptureFailed(error instanceof Error ? error.message : String(error));
  });
  const followed = followCapture(capture, {
    file: spec.file,
    batchMs: 100,
    onBatch: (batch) => io.out(batch.packets.map((packet) => `${formatPacketLine(packet, new Date(packet.timestamp * 1000).getTimezoneOffset())}\n`).join('')),
  });
  io.onStart?.(() => void followed.stop());
  const summary = await followed.done;
  io.err(`${captureEndSentence(summary.end, summary.counts, summary.decoded, summary.error, l10n)} ${spec.file}\n`);
  if (summary.pcapError) {
    io.err(`${notPcapSentence(l10n)}\n`);
  }
  return summary.end === 'failed' ? 1 : 0;
}
