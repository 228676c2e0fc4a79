/**
 * One debounce/coalesce helper for the session's event refreshes, its retry timer and the
 * topology panel's redraws: `schedule()` (re)starts the wait, `flush()` runs now, `cancel()` and
 * `dispose()` stop it. A disposed debouncer never runs again, so a disposed owner leaves no timer.
 */
export class Debouncer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  /** When the pending run was first asked for (for maxWaitMs). */
  private firstAskedAt: number | undefined;

  /**
   * `maxWaitMs`: however often schedule() postpones it, a pending run happens at most this long
   * after it was first asked for (a burst that never pauses still gets a run now and then).
   */
  constructor(
    private readonly action: () => void,
    private delayMs: number,
    private readonly maxWaitMs?: number,
  ) {}

  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Runs the action once, `delayMs` after the last call (or after `delayMs` given here). */
  schedule(delayMs: number = this.delayMs): void {
    if (this.disposed) {
      return;
    }
    const now = Date.now();
    const firstAskedAt = this.timer ? (this.firstAskedAt ?? now) : now;
    const wait = this.maxWaitMs === undefined ? delayMs : Math.max(0, Math.min(delayMs, firstAskedAt + this.maxWaitMs - now));
    this.cancel();
    this.firstAskedAt = firstAskedAt;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.firstAskedAt = undefined;
      this.action();
    }, wait);
  }

  /** Like schedule(), but an already pending run keeps its earlier time (coalesce, not postpone). */
  scheduleIfIdle(delayMs: number = this.delayMs): void {
    if (!this.timer) {
      this.schedule(delayMs);
    }
  }

  setDelay(delayMs: number): void {
    this.delayMs = delayMs;
  }

  /** Runs a pending action now. */
  flush(): void {
    if (this.timer) {
      this.cancel();
      this.action();
    }
  }

  cancel(): void {
    this.firstAskedAt = undefined;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }
}
