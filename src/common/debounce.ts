/**
 * One debounce/coalesce helper for the session's event refreshes, its retry timer and the
 * topology panel's redraws: `schedule()` (re)starts the wait, `flush()` runs now, `cancel()` and
 * `dispose()` stop it. A disposed debouncer never runs again, so a disposed owner leaves no timer.
 */
export class Debouncer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    private readonly action: () => void,
    private delayMs: number,
  ) {}

  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Runs the action once, `delayMs` after the last call (or after `delayMs` given here). */
  schedule(delayMs: number = this.delayMs): void {
    if (this.disposed) {
      return;
    }
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.action();
    }, delayMs);
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
