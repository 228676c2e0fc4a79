/**
 * The one polling helper of the tests: asks `probe` again and again until it returns a value
 * (anything but undefined or false), or fails after `timeoutMs` saying what it waited for and,
 * when `lastSeen` is given, what it saw last. Works in plain Node, in the extension host and
 * with Playwright pages alike (the probe may be async). `sleep` is the one plain pause of the tests,
 * for the few places that must let time pass rather than wait for a condition.
 */
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Described in the timeout error: what the probe saw last. */
  lastSeen?: () => string | Promise<string>;
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, options: WaitOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() - started > timeoutMs) {
      const seen = options.lastSeen ? `; saw: ${await options.lastSeen()}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}`);
    }
    await sleep(options.intervalMs ?? 50);
  }
}

/** Lets `ms` milliseconds pass. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
