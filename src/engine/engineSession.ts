/**
 * Keeps the current view of one engine: the latest snapshot (2 list calls per refresh), the
 * container inspections the trees asked for, the connection state, and one events subscription
 * that drives debounced refreshes and re-subscribes with backoff. No `vscode` import: the views
 * and commands listen to `onDidChange`.
 */
import { EventEmitter } from 'node:events';
import type { ContainerInspectJson, EngineEventJson, EngineSnapshot } from '../model/dockerTypes';
import type { EngineTarget } from '../model/connectionResolution';
import { classifyUnreachable, UnreachableCause } from '../model/engineErrors';
import { EngineClient } from './engineClient';

export type SessionState =
  | { kind: 'connecting' }
  | { kind: 'connected'; engineVersion?: string; apiVersion?: string }
  | { kind: 'unreachable'; cause: UnreachableCause; detail: string };

export interface SessionOptions {
  debounceMs: number;
  /** Backoff for re-subscribing to events and retrying an unreachable engine. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  log?: (message: string) => void;
}

/** The container events that change what the trees show (others, like exec or health, do not). */
const CONTAINER_ACTIONS = new Set(['create', 'start', 'restart', 'die', 'stop', 'kill', 'pause', 'unpause', 'destroy', 'rename', 'update']);

export class EngineSession {
  private readonly emitter = new EventEmitter();
  private snapshotValue: EngineSnapshot | undefined;
  private stateValue: SessionState = { kind: 'connecting' };
  private readonly details = new Map<string, ContainerInspectJson>();
  private readonly pendingDetails = new Map<string, Promise<ContainerInspectJson | undefined>>();
  private subscription: { close(): void } | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private disposed = false;
  private generation = 0;

  constructor(readonly client: EngineClient, private readonly options: SessionOptions) {
    this.backoffMs = options.minBackoffMs ?? 500;
  }

  get target(): EngineTarget {
    return this.client.target;
  }

  get state(): SessionState {
    return this.stateValue;
  }

  get snapshot(): EngineSnapshot | undefined {
    return this.snapshotValue;
  }

  /** Fires after each successful refresh and after each state change. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.emitter.on('change', listener);
    return { dispose: () => this.emitter.off('change', listener) };
  }

  /** Fires for every engine event received (after parsing), before the debounced refresh. */
  onEvent(listener: (event: EngineEventJson) => void): { dispose(): void } {
    this.emitter.on('event', listener);
    return { dispose: () => this.emitter.off('event', listener) };
  }

  start(): Promise<void> {
    return this.refresh();
  }

  /**
   * Reads networks and containers (two calls). Concurrent calls share one run; a call that arrives
   * during a run schedules exactly one more, so the last event is never lost.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = this.runRefresh().finally(() => {
      this.refreshing = undefined;
      if (this.refreshAgain && !this.disposed) {
        this.refreshAgain = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  private async runRefresh(): Promise<void> {
    try {
      const [networks, containers] = await Promise.all([this.client.listNetworks(), this.client.listContainers()]);
      if (this.disposed) {
        return;
      }
      // Drop inspections of containers that are gone.
      const ids = new Set(containers.map((container) => container.Id));
      for (const id of [...this.details.keys()]) {
        if (!ids.has(id)) {
          this.details.delete(id);
        }
      }
      this.snapshotValue = { networks, containers, containerDetails: Object.fromEntries(this.details) };
      const wasConnected = this.stateValue.kind === 'connected';
      if (!wasConnected) {
        await this.becomeConnected();
      }
      this.emitter.emit('change');
    } catch (error) {
      if (!this.disposed) {
        this.becomeUnreachable(error);
      }
    }
  }

  private async becomeConnected(): Promise<void> {
    let engineVersion: string | undefined;
    let apiVersion: string | undefined;
    try {
      const version = await this.client.version();
      engineVersion = version.Version;
      apiVersion = version.ApiVersion;
    } catch {
      // The version is only shown in the UI; the lists already answered.
    }
    this.stateValue = { kind: 'connected', engineVersion, apiVersion };
    this.backoffMs = this.options.minBackoffMs ?? 500;
    this.options.log?.(`connected to ${this.client.target.host} (engine ${engineVersion ?? '?'}, API ${apiVersion ?? '?'})`);
    void this.subscribe();
  }

  /**
   * The target itself could not be resolved (bad host setting, unknown context): show the cause
   * and do not retry; a settings change or a context switch starts a new session.
   */
  reportResolutionFailure(error: unknown): void {
    this.becomeUnreachable(error, false);
  }

  private becomeUnreachable(error: unknown, retry = true): void {
    const cause = classifyUnreachable(error);
    const detail = error instanceof Error ? error.message : String(error);
    const changed = this.stateValue.kind !== 'unreachable' || this.stateValue.cause !== cause;
    this.stateValue = { kind: 'unreachable', cause, detail };
    this.snapshotValue = undefined;
    this.details.clear();
    this.subscription?.close();
    this.subscription = undefined;
    if (changed) {
      this.options.log?.(`engine ${this.client.target.host} unreachable (${cause}): ${detail}`);
      this.emitter.emit('change');
    }
    if (retry) {
      this.scheduleRetry();
    }
  }

  /** While unreachable, try again with exponential backoff so the trees come back by themselves. */
  private scheduleRetry(): void {
    if (this.disposed || this.retryTimer) {
      return;
    }
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 5000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.refresh();
    }, delay);
  }

  /** Retry now (the welcome view's Retry button), resetting the backoff. */
  retryNow(): Promise<void> {
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    this.backoffMs = this.options.minBackoffMs ?? 500;
    if (this.stateValue.kind === 'unreachable') {
      this.stateValue = { kind: 'connecting' };
      this.emitter.emit('change');
    }
    return this.refresh();
  }

  private async subscribe(): Promise<void> {
    if (this.disposed || this.subscription) {
      return;
    }
    const generation = ++this.generation;
    try {
      const subscription = await this.client.subscribe(
        (event) => this.handleEvent(event),
        (error) => {
          if (generation !== this.generation || this.disposed) {
            return;
          }
          this.subscription = undefined;
          this.options.log?.(`event stream ended${error ? `: ${String(error)}` : ''}; refreshing`);
          // The stream ends when the engine stops: a refresh tells whether it is gone, and either
          // re-subscribes (connected) or starts the retry backoff (unreachable).
          this.stateValue = this.stateValue.kind === 'connected' ? { kind: 'connecting' } : this.stateValue;
          setTimeout(() => void this.refresh(), 100);
        },
      );
      if (this.disposed || generation !== this.generation) {
        subscription.close();
        return;
      }
      this.subscription = subscription;
      // Anything that changed between the list calls and the subscription is caught by one more refresh.
      this.scheduleRefresh();
    } catch (error) {
      this.becomeUnreachable(error);
    }
  }

  private handleEvent(event: EngineEventJson): void {
    const action = (event.Action ?? '').split(':')[0];
    if (event.Type === 'container' && !CONTAINER_ACTIONS.has(action)) {
      return;
    }
    // Aliases of a container change with connect/disconnect/rename/destroy: forget its inspection.
    const containerId = event.Type === 'container' ? event.Actor?.ID : event.Actor?.Attributes?.container;
    if (containerId) {
      this.details.delete(containerId);
    }
    this.emitter.emit('event', event);
    this.scheduleRefresh();
  }

  private scheduleRefresh(): void {
    if (this.debounceTimer) {
      clearTimeout(this.debounceTimer);
    }
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = undefined;
      void this.refresh();
    }, this.options.debounceMs);
  }

  /** The container's inspection, fetched once and kept until an event invalidates it. */
  containerDetails(id: string): Promise<ContainerInspectJson | undefined> {
    const known = this.details.get(id);
    if (known) {
      return Promise.resolve(known);
    }
    const pending = this.pendingDetails.get(id);
    if (pending) {
      return pending;
    }
    const request = this.client
      .inspectContainer(id)
      .then((details) => {
        this.details.set(id, details);
        if (this.snapshotValue) {
          this.snapshotValue = { ...this.snapshotValue, containerDetails: Object.fromEntries(this.details) };
        }
        return details;
      })
      .catch(() => undefined)
      .finally(() => this.pendingDetails.delete(id));
    this.pendingDetails.set(id, request);
    return request;
  }

  /** The inspection if it is already known (no request). */
  knownContainerDetails(id: string): ContainerInspectJson | undefined {
    return this.details.get(id);
  }

  dispose(): void {
    this.disposed = true;
    this.subscription?.close();
    if (this.debounceTimer) {
      clearTimeout(this.debounceTimer);
    }
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
    }
    this.emitter.removeAllListeners();
  }
}
