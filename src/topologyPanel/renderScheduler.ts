/**
 * When the topology panel redraws. No `vscode` here, so it is unit-tested in plain Node.
 *
 * - Requests coalesce: a burst of them (engine events) makes one redraw, `delayMs` after the last
 *   (the codebase's one Debouncer does the waiting).
 * - One redraw at a time: requests during a redraw make exactly one more, right after it.
 * - Work only when someone looks: until the page said it is ready, and while the panel is hidden,
 *   a request only marks the diagram stale; it is redrawn when the panel is shown again.
 * - A new page (first load, or a reload after the panel was hidden) is drawn at once.
 * - A page whose HTML was just set (pageLoading()) gets its first diagram while it loads: VS Code
 *   holds the messages for a page until it has loaded, so the diagram is there when the page's
 *   script starts, instead of one round trip after the page said it is ready. That ready then
 *   costs no second redraw: the diagram is posted once more (`repost`; the page ignores a revision
 *   it has), in case a webview dropped it.
 * - Requests with ids: each redraw is given the next id, and a diagram it posts carries it (the
 *   diagram's `revision`). No redraw faster than the page draws: a redraw that posted a diagram
 *   waits for the page to acknowledge that id (acknowledged(id): drawn, or failed to draw);
 *   requests meanwhile only mark the diagram stale, redrawn after the acknowledgement. An
 *   acknowledgement of another id (an older diagram) releases nothing. The user acting in the page
 *   (pageActed()) says it is there whatever it acknowledged. A page that went away without a word
 *   (a closed browser tab keeps its extension host for minutes) thus costs one redraw, not one per
 *   engine event.
 * - With `leaseMs`, a page not heard from (heard(): any message) for that long is taken as gone:
 *   requests only mark the diagram stale, drawn when the page speaks again. A closed browser tab
 *   thus costs no redraw at all, even when its last diagram was acknowledged.
 * - After dispose() nothing runs again: no timer is left, no further redraw follows.
 */
import { Debouncer } from '../common/debounce';

export interface RenderSchedulerOptions {
  /** Wait after a request before redrawing, so that a burst makes one redraw. */
  delayMs: number;
  /** A redraw failed (rejected or threw); the scheduler goes on. */
  onError(error: unknown): void;
  /** How long the page may stay quiet and still be drawn for (none: always). */
  leaseMs?: number;
  /**
   * The page goes away when the panel is hidden (a webview not retained): shown again, nothing is
   * drawn until the new page says it is ready (a redraw before would be one probe too many).
   */
  reloadsWhenShown?: boolean;
  /**
   * Posts the diagram drawn while the page loaded once more, when the page says it is ready (the
   * page ignores a revision it already has).
   */
  repost?: () => void;
  /** The clock (tests). */
  now?: () => number;
}

/**
 * One redraw, given its request id; resolves true when it posted a diagram carrying that id, which
 * the page is to acknowledge.
 */
export type Render = (requestId: number) => Promise<boolean | void>;

export class RenderScheduler {
  private readonly debouncer: Debouncer;
  private ready = false;
  /** The page's HTML was set and it has not said it is ready: its first diagram may be posted. */
  private loading = false;
  /** A diagram was posted while the page loaded (its ready then asks for no redraw). */
  private postedWhileLoading = false;
  private visible = true;
  private stale = false;
  private rendering = false;
  private again = false;
  private disposed = false;
  /** The id of the diagram posted that the page has not yet said it drew (undefined: none). */
  private awaitedId: number | undefined;
  /** The id of the last redraw begun (ids grow from 1). */
  private lastRequestId = 0;
  private lastHeard = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly render: Render,
    private readonly options: RenderSchedulerOptions,
  ) {
    this.debouncer = new Debouncer(() => this.run(), options.delayMs);
  }

  /** Whether a redraw waits for the panel to be shown (or for its page to be ready). */
  get isStale(): boolean {
    return this.stale;
  }

  /** Whether the last diagram posted waits for the page's acknowledgement. */
  get awaitingAcknowledgement(): boolean {
    return this.awaitedId !== undefined;
  }

  /** The id of the diagram waiting for the page's acknowledgement, if one is. */
  get awaitedRequest(): number | undefined {
    return this.awaitedId;
  }

  /** Whether a redraw is waiting for its timer. */
  get pending(): boolean {
    return this.debouncer.pending;
  }

  /** Something changed: redraw in `delayMs` (0: as soon as possible), or when shown again. */
  request(delayMs: number = this.options.delayMs): void {
    if (this.disposed) {
      return;
    }
    if (!this.canRender) {
      this.stale = true;
      return;
    }
    this.debouncer.schedule(delayMs);
  }

  /** The page said something (it is there): a diagram that went stale while it was quiet is drawn now. */
  heard(): void {
    if (this.disposed) {
      return;
    }
    const wasQuiet = !this.pageHeard;
    this.lastHeard = this.now();
    if (wasQuiet && this.stale && this.canRender) {
      this.stale = false;
      this.request(0);
    }
  }

  /** The page drew (or failed to draw) the diagram of this request: a redraw asked for meanwhile runs now. */
  acknowledged(requestId: number): void {
    if (this.awaitedId === requestId) {
      this.release();
    }
  }

  /** The user acted in the page: it is there, whatever it has acknowledged so far. */
  pageActed(): void {
    this.release();
  }

  private release(): void {
    if (this.disposed || this.awaitedId === undefined) {
      return;
    }
    this.awaitedId = undefined;
    if (this.stale && this.ready && this.visible) {
      this.stale = false;
      this.request(0);
    }
  }

  /** A new page is loading (its HTML was just set): draw its first diagram now, without waiting for its ready. */
  pageLoading(): void {
    if (this.disposed) {
      return;
    }
    this.loading = true;
    this.postedWhileLoading = false;
    this.ready = false;
    this.awaitedId = undefined;
    // What was asked for before (the panel's first requests) is what this draw shows.
    this.stale = false;
    this.request(0);
  }

  /**
   * The page is loaded and listens. It has nothing drawn, so draw now, unless its first diagram was
   * drawn while it loaded: then that diagram is posted again (or, still being drawn, posted soon),
   * and what was asked for meanwhile is drawn after the page's acknowledgement.
   */
  pageReady(): void {
    if (this.disposed) {
      return;
    }
    const drawnWhileLoading = this.loading && (this.postedWhileLoading || this.rendering);
    const repost = this.loading && this.postedWhileLoading;
    this.loading = false;
    this.postedWhileLoading = false;
    if (drawnWhileLoading) {
      this.ready = true;
      this.lastHeard = this.now();
      if (repost) {
        this.options.repost?.();
      }
      return;
    }
    this.ready = true;
    this.stale = false;
    this.awaitedId = undefined;
    this.lastHeard = this.now();
    this.request(0);
  }

  /**
   * The panel was hidden or shown. Hidden, a waiting redraw is dropped and remembered as stale;
   * shown again, a stale diagram is redrawn. That redraw waits `delayMs`, so that the ready of a
   * reloaded page (drawn at once) replaces it instead of adding a second one.
   */
  setVisible(visible: boolean): void {
    if (this.disposed || visible === this.visible) {
      return;
    }
    this.visible = visible;
    if (!visible) {
      if (this.options.reloadsWhenShown) {
        this.ready = false;
        this.loading = false;
        this.postedWhileLoading = false;
        this.awaitedId = undefined;
      }
      if (this.debouncer.pending) {
        this.debouncer.cancel();
        this.stale = true;
      }
      return;
    }
    if (this.stale && this.awaitedId === undefined) {
      this.stale = false;
      this.request();
    }
  }

  dispose(): void {
    this.disposed = true;
    this.again = false;
    this.awaitedId = undefined;
    this.debouncer.dispose();
  }

  private get canRender(): boolean {
    // A loading page has not spoken yet: the lease starts with its ready.
    return (this.ready || this.loading) && this.visible && this.awaitedId === undefined && (this.loading || this.pageHeard);
  }

  /** Whether the page spoke within the lease (always, without one). */
  private get pageHeard(): boolean {
    return this.options.leaseMs === undefined || this.now() - this.lastHeard <= this.options.leaseMs;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private run(): void {
    if (this.disposed) {
      return;
    }
    if (!this.canRender) {
      this.stale = true;
      return;
    }
    if (this.rendering) {
      this.again = true;
      return;
    }
    this.rendering = true;
    void this.renderOnce().then(() => {
      this.rendering = false;
      if (this.again) {
        this.again = false;
        this.run();
      }
    });
  }

  /** One redraw; never rejects (a failure goes to onError). */
  private async renderOnce(): Promise<void> {
    const requestId = ++this.lastRequestId;
    try {
      if ((await this.render(requestId)) === true && !this.disposed) {
        this.awaitedId = requestId;
        this.postedWhileLoading = this.loading;
      }
    } catch (error) {
      try {
        this.options.onError(error);
      } catch {
        // The error handler's own failure must not stop the scheduler.
      }
    }
  }
}
