/**
 * A capture run by a helper container on the engine, as plain data: the checks on every value
 * that reaches the helper's argv (typed: an interface name by the kernel's rule, counts as whole
 * numbers in range, the filter as ONE argv item that tcpdump parses itself) and the argv. tcpdump's
 * closing counts and complaints are read by model/capture/tcpdumpOutput.ts, as for a local capture. Pure.
 */
import { captureSpecIssues, type CaptureSpecIssue } from './spec';
import type { CaptureSpec } from './types';

/** Why a helper capture is refused before anything runs: the field at fault. */
export type HelperCaptureProblem = 'target' | 'container' | 'interface' | 'count' | 'duration' | 'filter';

/** A spec issue a helper capture can have (its file is written on this side, not by the helper). */
export type HelperSpecIssue = Exclude<CaptureSpecIssue, { field: 'file' }>;

/**
 * The spec's checks are the local capture's (model/capture/spec.ts: the interface by the kernel's
 * rule, the limits' ranges, the filter never read as an option), plus one: a helper joins a
 * container's namespace, so the target is a container ('target' otherwise). The first issue is
 * worded as the local capture words it (captureIssueSentence).
 */
export function helperCaptureIssue(spec: CaptureSpec): 'target' | HelperSpecIssue | undefined {
  if (spec.target.kind !== 'container') {
    // Host interfaces and the engine's namespace files need the local path.
    return 'target';
  }
  return captureSpecIssues(spec).find((found): found is HelperSpecIssue => found.field !== 'file');
}

/** helperCaptureIssue's field at fault (the container named by `container`). */
export function helperCaptureProblem(spec: CaptureSpec): HelperCaptureProblem | undefined {
  const issue = helperCaptureIssue(spec);
  return issue === 'target' ? 'target' : issue?.field === 'target' ? 'container' : issue?.field;
}

/**
 * tcpdump's argv in the helper: `-Z root` keeps it from switching to a `tcpdump` user the image
 * may not have (the helper has no other privilege to lose: every capability but NET_RAW,
 * SETUID and SETGID is dropped), `-U -w -` streams the pcap packet by packet to stdout,
 * `--immediate-mode` hands each packet over at once (without it, packets wait in the kernel's ring
 * block for up to a second, and a stop — SIGINT — loses what was waiting: seen on 20.10), `--` ends
 * the options so the filter, one argv item, can only be a filter. The duration is the caller's
 * timer (SIGINT), not an argv item: tcpdump has no plain time limit.
 */
export function helperCaptureArgv(spec: CaptureSpec): string[] {
  const target = spec.target.kind === 'container' ? spec.target : undefined;
  const argv = ['tcpdump', '-Z', 'root', '-i', target?.interface ?? 'any', '--immediate-mode', '-nn', '-U', '-w', '-'];
  if (spec.count !== undefined) {
    argv.push('-c', String(spec.count));
  }
  const filter = spec.filter?.trim();
  if (filter) {
    argv.push('--', filter);
  }
  return argv;
}

/** The capabilities a helper capture keeps (checked on Docker 20.10 and 28: fewer fail). */
export const HELPER_CAPTURE_CAPABILITIES = ['NET_RAW', 'SETUID', 'SETGID'];

/** `tcpdump -d` in the helper: compiles the filter against the target's interface, captures nothing. */
export function helperFilterCheckArgv(spec: CaptureSpec): string[] {
  const target = spec.target.kind === 'container' ? spec.target : undefined;
  return ['tcpdump', '-Z', 'root', '-i', target?.interface ?? 'any', '-d', '--', spec.filter?.trim() ?? ''];
}
