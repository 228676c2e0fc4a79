/**
 * The session's one events subscription and when it asks for a refresh. Events are debounced (a
 * burst still gets a refresh at least every maxEventWaitMs); a stream that has been silent for
 * eventCheckMs is checked by subscribing again with `since`, which tells a quiet stream (the
 * replay holds nothing new: no refresh) from a stalled one; a stream that ends is followed by a
 * refresh, later each time streams keep failing soon after they start. The lines themselves are
 * framed, with their 1 MiB cap, by the client (../eventLines.ts); here an over-long line is a
 * stream end like any other, logged once.
 */
import { HELPER_LABEL } from '../../model/helperContainerSpec';
import type { EngineEventJson } from '../../model/dockerTypes';
import { oneLine } from '../../model/safeText';
import { Debouncer } from '../../common/debounce';
import type { EngineApi, EventSubscription } from '../engineApi';
import { EventLineTooLong } from '../eventLines';
import { SeenEvents } from './seenEvents';

export interface EventFeedOptions {
  debounceMs: number;
  /** Backoff for re-subscribing to events and retrying an unreachable engine. */
  maxBackoffMs?: number;
  log?: (message: string) => void;
  /**
   * While the event stream has been silent this long, check it (default 30 000 ms; 0 turns it
   * off): one request per silent period, never a refresh unless the stream had missed something.
   */
  eventCheckMs?: number;
  /** How long subscribing may take before the engine counts as unreachable (default 10 000 ms). */
  subscribeTimeoutMs?: number;
  /**
   * Events keep postponing their refresh by debounceMs; a burst that never pauses still gets one
   * at most this long after its first event (default 1000 ms).
   */
  maxEventWaitMs?: number;
}

/** What the feed tells the session that owns it, and asks of it. */
export interface EventFeedHooks {
  /** A silence check only makes sense while connected. */
  isConnected(): boolean;
  /** An event that changes what the trees show (each once: replays of handled events are dropped). */
  onEvent(event: EngineEventJson): void;
  /** A new stream (no `since`): what changed between the lists and the subscription told no event. */
  onNewStream(): void;
  /** The silence check's replay held an event the old stream never delivered: events were missed. */
  onStalled(): void;
  /** The current stream ended: events may be missed until a refresh and a new subscription. */
  onStreamEnd(): void;
  /** Subscribing failed or timed out: the engine counts as unreachable. */
  onSubscribeFailed(error: unknown): void;
  /** A debounced refresh is due (after events, a new stream, or a stream end). */
  refresh(): void;
}

/** The container events that change what the trees show (others, like exec or health, do not). */
const CONTAINER_ACTIONS = new Set(['create', 'start', 'restart', 'die', 'stop', 'kill', 'pause', 'unpause', 'destroy', 'rename', 'update']);
/** After the event stream ends, wait this long before asking whether the engine is still there. */
const STREAM_END_REFRESH_MS = 100;
/**
 * A stream that ends with an error before it lived this long counts as failing: each such end in a
 * row doubles the wait before the next refresh and subscription (an engine whose stream keeps
 * breaking, e.g. lines over the cap, does not get a request storm).
 */
const HEALTHY_STREAM_MS = 10_000;

export class EventFeed {
  private subscription: EventSubscription | undefined;
  /** Tells the current subscription from older ones whose callbacks may still arrive. */
  private generation = 0;
  private readonly seen = new SeenEvents();
  /** Refreshes that follow events: trailing, one window after the last event. */
  private readonly eventRefresh: Debouncer;
  /** The refresh after a stream ended (its own delay, backed off when streams keep failing). */
  private readonly streamEndRefresh: Debouncer;
  /** Fires when the event stream has been silent for eventCheckMs (see checkStream). */
  private readonly streamCheck: Debouncer;
  /** During a stream check: the new stream's start (engine seconds); older events are replays. */
  private replayBefore: number | undefined;
  /**
   * During a stream check: the old stream's start. A replayed event of that very second may have
   * come just before the old stream began (the refresh after it read the change); a later one is
   * proof that the old stream missed it.
   */
  private replayAfter: number | undefined;
  private subscribedAt = 0;
  /** Event streams in a row that ended with an error soon after they started. */
  private failingStreams = 0;
  private overflowLogged = false;
  private disposed = false;

  constructor(
    private readonly client: Pick<EngineApi, 'subscribe'>,
    private readonly options: EventFeedOptions,
    private readonly hooks: EventFeedHooks,
  ) {
    this.eventRefresh = new Debouncer(() => hooks.refresh(), options.debounceMs, options.maxEventWaitMs ?? 1000);
    this.streamEndRefresh = new Debouncer(() => hooks.refresh(), STREAM_END_REFRESH_MS);
    this.streamCheck = new Debouncer(() => this.checkStream(), this.eventCheckMs);
  }

  private get eventCheckMs(): number {
    return this.options.eventCheckMs ?? 30_000;
  }

  /** Connected: subscribe, unless a subscription is already there or on its way. */
  start(): void {
    void this.subscribe();
  }

  /** The engine is unreachable: no stream, no silence check (the session's retry comes back here). */
  stop(): void {
    this.streamCheck.cancel();
    this.subscription?.close();
    this.subscription = undefined;
  }

  /**
   * Subscribes to events. A new stream (no `since`) is followed by one refresh that reads
   * everything: what changed between the list calls and the subscription told no event. A stream
   * check passes `since`: the engine replays what the old stream should have delivered.
   */
  private async subscribe(since?: number): Promise<void> {
    if (this.disposed || this.subscription) {
      return;
    }
    const generation = ++this.generation;
    try {
      const subscription = await this.subscribeWithin(generation, since);
      if (this.disposed || generation !== this.generation) {
        subscription.close();
        return;
      }
      this.subscription = subscription;
      this.subscribedAt = Date.now();
      this.replayBefore = since !== undefined ? subscription.startedAt : undefined;
      this.watchStream();
      if (since === undefined) {
        this.hooks.onNewStream();
        this.eventRefresh.schedule();
      }
    } catch (error) {
      if (generation === this.generation && !this.disposed) {
        this.hooks.onSubscribeFailed(error);
      }
    }
  }

  /** The subscription, or a timeout error: a stream that never answers must not leave the session waiting forever. */
  private subscribeWithin(generation: number, since: number | undefined): Promise<EventSubscription> {
    const pending = this.client.subscribe(
      (event) => this.handleEvent(generation, event),
      (error) => this.handleStreamEnd(generation, error),
      since,
    );
    const timeoutMs = this.options.subscribeTimeoutMs ?? 10_000;
    return new Promise<EventSubscription>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.then((late) => late.close(), () => undefined);
        reject(Object.assign(new Error(`the event stream did not answer within ${timeoutMs} ms (timed out)`), { code: 'ETIMEDOUT' }));
      }, timeoutMs);
      pending.then(
        (subscription) => {
          clearTimeout(timer);
          resolve(subscription);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** (Re)starts the silence timer of the current stream. */
  private watchStream(): void {
    if (this.eventCheckMs > 0 && this.subscription) {
      this.streamCheck.schedule(this.eventCheckMs);
    }
  }

  /**
   * The stream has been silent for eventCheckMs. Docker's /events sends nothing while nothing
   * happens, so silence proves nothing; a stream that stalled without closing (a stuck proxy, a
   * half-open connection) looks the same. One request tells them apart: a new subscription with
   * `since` = the second of the last event seen (else the old stream's start) makes the engine
   * replay what the old stream should have delivered. Nothing new: the old stream was fine, no
   * refresh. Events it never delivered: it had stalled; they drive the usual refresh.
   */
  private checkStream(): void {
    const old = this.subscription;
    if (this.disposed || !old || !this.hooks.isConnected()) {
      return;
    }
    this.subscription = undefined;
    old.close();
    this.replayAfter = old.startedAt;
    void this.subscribe(this.seen.lastSecond ?? old.startedAt);
  }

  private handleStreamEnd(generation: number, error: unknown): void {
    if (generation !== this.generation || this.disposed) {
      return;
    }
    this.subscription = undefined;
    this.streamCheck.cancel();
    // The stream ends when the engine stops: a refresh tells whether it is gone, and either
    // re-subscribes (connected) or starts the retry backoff (unreachable).
    this.hooks.onStreamEnd();
    const lived = Date.now() - this.subscribedAt;
    this.failingStreams = error && lived < HEALTHY_STREAM_MS ? this.failingStreams + 1 : 0;
    const overflow = error instanceof EventLineTooLong;
    if (!overflow || !this.overflowLogged) {
      this.options.log?.(oneLine(`event stream ended${error ? `: ${error instanceof Error ? error.message : String(error)}` : ''}; refreshing`));
    }
    this.overflowLogged ||= overflow;
    const delay = STREAM_END_REFRESH_MS * 2 ** Math.max(0, this.failingStreams - 1);
    this.eventRefresh.cancel();
    this.streamEndRefresh.schedule(Math.min(delay, this.options.maxBackoffMs ?? 5000));
  }

  private handleEvent(generation: number, event: EngineEventJson): void {
    if (generation !== this.generation || this.disposed || this.seen.alreadySeen(event)) {
      return;
    }
    this.watchStream();
    if (this.isMissedReplay(event)) {
      this.replayBefore = undefined;
      this.options.log?.('event stream seems to have stalled (the check replayed an event it never delivered); refreshing');
      this.hooks.onStalled();
    }
    const action = (event.Action ?? '').split(':')[0];
    if (event.Type === 'container' && !CONTAINER_ACTIONS.has(action)) {
      return;
    }
    // The extension's own helpers (left out of the inventory) change nothing the views show: their
    // events would only redraw, and a redraw through a helper starts one (a redraw every read).
    if (event.Type === 'container' && event.Actor?.Attributes?.[HELPER_LABEL] !== undefined) {
      return;
    }
    this.hooks.onEvent(event);
    // Trailing, one window after the last event: the engine sends `network connect` before its list
    // shows the new endpoint (a refresh begun on the event itself missed it in 3 of 6 connects here).
    this.eventRefresh.schedule();
  }

  /**
   * An event the previous stream never delivered, replayed by a check (times are whole seconds:
   * one that came live in the second the check began would look the same, hence "seems").
   */
  private isMissedReplay(event: EngineEventJson): boolean {
    const time = event.time;
    return this.replayBefore !== undefined && typeof time === 'number' && time <= this.replayBefore && time > (this.replayAfter ?? -Infinity);
  }

  dispose(): void {
    this.disposed = true;
    this.streamCheck.dispose();
    this.streamEndRefresh.dispose();
    this.subscription?.close();
    this.eventRefresh.dispose();
  }
}
