/**
 * One debounce/coalesce helper for the session's event refreshes, its retry timer and the
 * topology panel's redraws: `schedule()` (re)starts the wait, `scheduleIfIdle()` coalesces without
 * postponing, `runOrCoalesce()` runs at once on a quiet edge and coalesces otherwise, `flush()` runs
 * now, `cancel()` and `dispose()` stop it. A disposed debouncer never runs again, so a disposed owner
 * leaves no timer.
 */
export class Debouncer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Running while the last run is less than `delayMs` old: `runOrCoalesce()` then waits. */
  private quiet: ReturnType<typeof setTimeout> | undefined;
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
      this.run();
    }, delayMs);
  }

  /** Like schedule(), but an already pending run keeps its earlier time (coalesce, not postpone). */
  scheduleIfIdle(delayMs: number = this.delayMs): void {
    if (!this.timer) {
      this.schedule(delayMs);
    }
  }

  /**
   * Leading edge: runs the action now when none is pending, none ran within the last `delayMs` and
   * the owner is not `busy` with the work the action starts. Otherwise one run `delayMs` after the
   * first of the calls that waited (scheduleIfIdle): a burst costs at most two runs, an isolated
   * call none of the wait, and a steady stream still runs about once per `delayMs`.
   */
  runOrCoalesce(busy = false): void {
    if (this.disposed) {
      return;
    }
    if (busy || this.timer || this.quiet) {
      this.scheduleIfIdle();
    } else {
      this.run();
    }
  }

  setDelay(delayMs: number): void {
    this.delayMs = delayMs;
  }

  /** Runs a pending action now. */
  flush(): void {
    if (this.timer) {
      this.cancel();
      this.run();
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
    clearTimeout(this.quiet);
    this.quiet = undefined;
  }

  private run(): void {
    clearTimeout(this.quiet);
    // Only marks the window: it runs nothing, so it must not keep a process alive by itself.
    this.quiet = setTimeout(() => (this.quiet = undefined), this.delayMs);
    this.quiet.unref?.();
    this.action();
  }
}
