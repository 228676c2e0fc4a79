/**
 * A capture run by a helper container on the engine, as plain data: the checks on every value
 * that reaches the helper's argv (typed: an interface name by the kernel's rule, counts as whole
 * numbers in range, the filter as ONE argv item that tcpdump parses itself), the argv, and
 * tcpdump's closing counts read from its stderr. Pure.
 */
import type { CaptureCounts, CaptureSpec } from './types';

/** Why a helper capture is refused before anything runs. */
export type HelperCaptureProblem = 'target' | 'interface' | 'count' | 'duration' | 'filter';

/** The most packets and seconds a capture may be asked for (tcpdump takes any int; this keeps it sane). */
export const MAX_CAPTURE_COUNT = 10_000_000;
export const MAX_CAPTURE_SECONDS = 24 * 3600;
/** BPF expressions are short; past this, something else was pasted. */
export const MAX_FILTER_LENGTH = 4096;

/** The kernel's rule for an interface name (IFNAMSIZ): 1-15 bytes, no '/', no whitespace or ':', not '.' or '..'. */
export function isInterfaceName(name: string): boolean {
  return /^[^\s/:]{1,15}$/.test(name) && new TextEncoder().encode(name).length <= 15 && name !== '.' && name !== '..' && !name.includes('\0');
}

export function helperCaptureProblem(spec: CaptureSpec): HelperCaptureProblem | undefined {
  if (spec.target.kind !== 'container') {
    // A helper joins a container's namespace; host interfaces and engine namespace files need the local path.
    return 'target';
  }
  const name = spec.target.interface ?? 'any';
  if (name !== 'any' && !isInterfaceName(name)) {
    return 'interface';
  }
  if (spec.count !== undefined && (!Number.isSafeInteger(spec.count) || spec.count < 1 || spec.count > MAX_CAPTURE_COUNT)) {
    return 'count';
  }
  if (spec.durationSeconds !== undefined && (!Number.isFinite(spec.durationSeconds) || spec.durationSeconds <= 0 || spec.durationSeconds > MAX_CAPTURE_SECONDS)) {
    return 'duration';
  }
  if (spec.filter !== undefined && (spec.filter.length > MAX_FILTER_LENGTH || spec.filter.includes('\0') || /^\s*-/.test(spec.filter))) {
    // A leading '-' would read as one more option to tcpdump; BPF never starts with one.
    return 'filter';
  }
  return undefined;
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

/** tcpdump's closing counts, from its stderr; undefined when it never printed them (it failed or was killed). */
export function parseTcpdumpCounts(stderr: string): CaptureCounts | undefined {
  const number = (pattern: RegExp) => {
    const match = pattern.exec(stderr);
    return match ? Number(match[1]) : undefined;
  };
  const captured = number(/(\d+) packets? captured/);
  if (captured === undefined) {
    return undefined;
  }
  const receivedByFilter = number(/(\d+) packets? received by filter/);
  return { captured, ...(receivedByFilter !== undefined ? { receivedByFilter } : {}), droppedByKernel: number(/(\d+) packets? dropped by kernel/) ?? 0 };
}

/** tcpdump's own complaint (its stderr lines that start with `tcpdump:`, but not the "listening on" banner). */
export function tcpdumpComplaint(stderr: string): string | undefined {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^tcpdump: listening on /.test(line) && !/packets? (captured|received by filter|dropped by kernel)/.test(line) && !/^tcpdump: verbose output suppressed/.test(line));
  return lines.length > 0 ? lines.join(' ').slice(0, 500) : undefined;
}
