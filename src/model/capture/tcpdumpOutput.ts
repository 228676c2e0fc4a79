/**
 * What tcpdump says on stderr: its closing counts ("5 packets captured", "5 packets received by
 * filter", "0 packets dropped by kernel"), the link it listens on, and the sentence it refuses a
 * filter with (`tcpdump -d`: "tcpdump: can't parse filter expression: syntax error"). Pure.
 */
import type { CaptureCounts } from './types';

/** The counts tcpdump printed when it stopped; undefined when it printed none (killed, or failed to start). */
export function parseCaptureCounts(stderr: string): CaptureCounts | undefined {
  const number = (pattern: RegExp) => {
    const match = pattern.exec(stderr);
    return match ? Number(match[1]) : undefined;
  };
  const captured = number(/^(\d+) packets? captured$/m);
  if (captured === undefined) {
    return undefined;
  }
  return {
    captured,
    receivedByFilter: number(/^(\d+) packets? received by filter$/m),
    droppedByKernel: number(/^(\d+) packets? dropped by kernel$/m) ?? 0,
  };
}

/**
 * tcpdump's own error, without its program prefix and without the lines that are not errors
 * (the "listening on" banner, the counts, usage text): what the user is shown.
 */
export function tcpdumpError(stderr: string): string | undefined {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^tcpdump: (listening on |data link type )/.test(line) && !/^\d+ packets? /.test(line) && !/^(Usage|\t|\s)/.test(line));
  const error = lines.find((line) => line.startsWith('tcpdump: ')) ?? lines[0];
  return error?.replace(/^tcpdump: /, '').slice(0, 500);
}
