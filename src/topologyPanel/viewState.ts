/**
 * The topology's view state, what to draw: the scope, the toggles and, with several engines, the
 * engine. Its one owner is the
 * extension host (this object, one per panel); it is kept in workspaceState so that a reload
 * restores it. The webview only shows it (the `diagram` message carries it) and asks for changes.
 * No `vscode` here: the store is anything with a Memento's get/update.
 */
import { engineKey, isEngineKey } from '../model/engines';
import type { TopologyScope } from '../model/topology/types';
import { isScopeValue, isTopologyToggles, TOGGLE_KEYS, type ScopeValue, type TopologyToggles } from './protocol';

/** The workspaceState key (unchanged since 0.1.0, so a stored view survives the update). */
export const VIEW_STATE_KEY = 'dockerNetworks.topology.lastView';

/** What is stored under VIEW_STATE_KEY. */
export interface StoredViewState {
  scope?: ScopeValue;
  toggles?: TopologyToggles;
  /**
   * With several engines: the key of the engine drawn (a restored panel draws it again). Its key
   * (model/engines.ts engineKey), never the setting's entry, which may hold a password or a token.
   */
  engine?: string;
  /** The diagram's viewport last measured (px): a panel opened again lays its overview out for it at once. */
  panel?: PanelSize;
  /** The Traffic overlay is on (kept apart from the toggles: it changes no diagram, and older stored toggles stay valid). */
  traffic?: boolean;
}

export interface PanelSize {
  width: number;
  height: number;
}

/** Smaller than this (px), the viewport is hidden or not laid out yet: not a size to lay out for. */
const SMALLEST_PANEL_PX = 64;
/** A resize smaller than this share of a side does not lay the overview out again (a scroll bar, a toolbar wrapping). */
const RELAYOUT_CHANGE = 0.08;

function isPanelSize(value: unknown): value is PanelSize {
  if (typeof value !== 'object' || value === null) return false;
  const { width, height } = value as Record<string, unknown>;
  const side = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= SMALLEST_PANEL_PX && n <= 100_000;
  return side(width) && side(height);
}

/** The stored fields, or none when what is stored is not an object. */
function storedFields(store: StateStore): Record<string, unknown> {
  const stored = store.get<unknown>(VIEW_STATE_KEY);
  return typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {};
}

/**
 * The engine the last panel drew (with several engines), for the panel restored after a reload. A
 * value stored by 0.1.0 is the entry itself: its key is the hash of it.
 */
export function storedEngineKey(store: StateStore): string | undefined {
  const engine = storedFields(store).engine;
  return typeof engine === 'string' ? (isEngineKey(engine) ? engine : engineKey(engine)) : undefined;
}

/**
 * 0.1.0 stored the engine drawn as the setting's entry, a host URL with its password or token if it
 * had one: the entry's key replaces it (at activation), the rest of the state kept.
 */
export function migrateStoredEngine(store: StateStore): void {
  const fields = storedFields(store);
  if (typeof fields.engine === 'string' && !isEngineKey(fields.engine)) {
    store.update(VIEW_STATE_KEY, { ...fields, engine: engineKey(fields.engine) }).then(undefined, () => undefined);
  }
}

/** The part of vscode.Memento used here. */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export function scopeToValue(scope: TopologyScope): ScopeValue {
  return scope.kind === 'host' ? 'host' : scope.kind === 'network' ? `network:${scope.networkId}` : `container:${scope.containerId}`;
}

export function scopeFromValue(value: ScopeValue | undefined): TopologyScope {
  if (value?.startsWith('network:')) {
    return { kind: 'network', networkId: value.slice('network:'.length) };
  }
  if (value?.startsWith('container:')) {
    return { kind: 'container', containerId: value.slice('container:'.length) };
  }
  return { kind: 'host' };
}

export class TopologyViewState {
  private currentScope: TopologyScope;
  private currentToggles: TopologyToggles;
  private currentEngine: string | undefined;
  private currentPanel: PanelSize | undefined;
  private currentTraffic: boolean;

  /** Starts from the stored state (each part shape-checked), else the whole host and `defaults`. */
  constructor(
    private readonly store: StateStore,
    defaults: TopologyToggles,
  ) {
    const candidate = storedFields(store);
    this.currentEngine = storedEngineKey(store);
    this.currentScope = scopeFromValue(isScopeValue(candidate.scope) ? candidate.scope : undefined);
    this.currentToggles = isTopologyToggles(candidate.toggles) ? { ...candidate.toggles } : { ...defaults };
    this.currentPanel = isPanelSize(candidate.panel) ? { width: candidate.panel.width, height: candidate.panel.height } : undefined;
    this.currentTraffic = candidate.traffic === true;
  }

  /** Whether the Traffic overlay is on. */
  get traffic(): boolean {
    return this.currentTraffic;
  }

  /** Turns the Traffic overlay on or off; returns whether it changed. */
  setTraffic(on: boolean): boolean {
    if (on === this.currentTraffic) return false;
    this.currentTraffic = on;
    this.persist();
    return true;
  }

  /** The diagram's viewport as last measured by the page (undefined before the first measure). */
  get panel(): PanelSize | undefined {
    return this.currentPanel ? { ...this.currentPanel } : undefined;
  }

  /**
   * The page measured its viewport. Returns whether the overview should be laid out again: a first
   * size, or a side changed by more than RELAYOUT_CHANGE. A hidden viewport (under
   * SMALLEST_PANEL_PX) is ignored.
   */
  setPanel(size: PanelSize): boolean {
    if (!isPanelSize(size)) return false;
    const old = this.currentPanel;
    const changed = (a: number, b: number) => Math.abs(a - b) > RELAYOUT_CHANGE * b;
    if (old && !changed(size.width, old.width) && !changed(size.height, old.height)) return false;
    this.currentPanel = { width: Math.round(size.width), height: Math.round(size.height) };
    this.persist();
    return true;
  }

  get scope(): TopologyScope {
    return this.currentScope;
  }

  get scopeValue(): ScopeValue {
    return scopeToValue(this.currentScope);
  }

  get toggles(): TopologyToggles {
    return { ...this.currentToggles };
  }

  /** The key of the engine drawn (several engines), as stored. */
  get engineKey(): string | undefined {
    return this.currentEngine;
  }

  /** The panel draws this engine now (undefined: the one engine there is). */
  setEngine(key: string | undefined): void {
    if (key !== this.currentEngine) {
      this.currentEngine = key;
      this.persist();
    }
  }

  /** Returns whether the scope changed. */
  setScope(scope: TopologyScope): boolean {
    if (scopeToValue(scope) === this.scopeValue) {
      return false;
    }
    this.currentScope = scope;
    this.persist();
    return true;
  }

  /** Applies the toggles given, keeps the others; returns whether any changed. */
  changeToggles(change: Partial<TopologyToggles>): boolean {
    const next = { ...this.currentToggles, ...change };
    if (TOGGLE_KEYS.every((key) => next[key] === this.currentToggles[key])) {
      return false;
    }
    this.currentToggles = next;
    this.persist();
    return true;
  }

  /** Writes the state to the store (a failed write leaves the state in memory as it is). */
  persist(): void {
    const state: StoredViewState = {
      scope: this.scopeValue,
      toggles: this.toggles,
      ...(this.currentEngine ? { engine: this.currentEngine } : {}),
      ...(this.currentPanel ? { panel: this.currentPanel } : {}),
      ...(this.currentTraffic ? { traffic: true } : {}),
    };
    this.store.update(VIEW_STATE_KEY, state).then(undefined, () => undefined);
  }
}
