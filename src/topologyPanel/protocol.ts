/**
 * Messages between the topology panel (extension host) and its webview script, shared by both
 * sides (webview/tsconfig.json includes this file): plain data, pure functions, no `vscode`.
 *
 * One table per direction maps each message type to its fields (GitLens' `IpcCommandType` /
 * `IpcNotificationType` idea, as data); the message unions are derived from the tables. Each table
 * has a twin of shape checks, one per field, so that adding a message or a field without its check
 * does not compile. Whatever crosses the boundary is parsed on arrival with those checks: a value
 * of the wrong shape, an unknown type or a field too many is refused (undefined), never trusted.
 *
 * The host owns the view state (scope and toggles): the webview asks for a change (setScope,
 * setToggles) and renders the `diagram` message the host answers with.
 */
import { isRevealTarget, type RevealTarget } from '../model/revealTarget';
import type { DiagramKind } from '../model/topology/diagramPlan';
import type { LinkActivity, LinkOverlay, NodeOverlay } from '../model/traffic/overlay';


export type ScopeValue = 'host' | `network:${string}` | `container:${string}`;

export interface TopologyToggles {
  showIPs: boolean;
  showMACs: boolean;
  showStopped: boolean;
  showUnmanaged: boolean;
  showInferred: boolean;
}

/** The toolbar's checkboxes, in their order. */
export const TOGGLE_KEYS: readonly (keyof TopologyToggles)[] = ['showIPs', 'showMACs', 'showStopped', 'showUnmanaged', 'showInferred'];

export interface ScopeChoice {
  value: ScopeValue;
  label: string;
}

/** Toolbar words, localized by the panel. */
export interface WebviewStrings {
  scope: string;
  /** The button that opens VS Code's searchable scope picker. */
  pickScope: string;
  ips: string;
  macs: string;
  stopped: string;
  unmanaged: string;
  inferred: string;
  refresh: string;
  exportSvg: string;
  copySource: string;
  saveMarkdown: string;
  resetView: string;
  renderError: string;
  /** Shown in the toolbar when the drawing, at a readable size, is larger than the panel. */
  panHint: string;
  /** The Traffic toggle button, and its tooltip. */
  traffic: string;
  trafficHint: string;
}

type NoFields = Record<never, never>;

/** Host -> webview, by message type. */
export interface PanelToWebviewMessages {
  diagram: {
    /** Mermaid source, generated with every engine string escaped. */
    source: string;
    /** Mermaid node or subgraph id -> what a click on it reveals in the tree. */
    nodeTargets: Record<string, RevealTarget>;
    /** Mermaid node ids of the drawn interfaces one can capture on (their context menu offers Capture Packets…). */
    captureNodes: string[];
    /** The host's view state, which the toolbar shows. */
    scope: ScopeValue;
    scopes: ScopeChoice[];
    toggles: TopologyToggles;
    /** Whether the Traffic overlay is on (the toolbar's pressed button). */
    traffic: boolean;
    /** Localized sentence under the toolbar: which probe level and why, or, over the overview, what it is and why. */
    levelText: string;
    /**
     * `overview` (one box per network): the page fits it no smaller than readable and lets the user
     * pan; `full` (the plumbing): fitted whole.
     */
    kind: DiagramKind;
    /** The viewport size (px) the overview was laid out for; null for the full plumbing or before the page measured it. */
    laidOutFor: { width: number; height: number } | null;
    strings: WebviewStrings;
    /**
     * The id of the render request that drew it (the render scheduler's, growing): the page
     * acknowledges it (`rendered`, `renderError`), and the e2e tests wait on it.
     */
    revision: number;
  };
  /**
   * The Traffic overlay of one sample, over the diagram already drawn (no re-render): rate lines by
   * node, the activity of each link by its two nodes, and the legend (what the overlay shows, where
   * the counters come from). `on: false` takes the overlay away. `sample` grows with each sample.
   */
  traffic: { on: boolean; sample: number; nodes: NodeOverlay[]; links: LinkOverlay[]; legend: string };
  busy: NoFields;
  /** A passing state (e.g. the engine is still connecting): shown in the status line, not as an error. */
  notice: { message: string };
  error: { message: string };
}

/** How often a shown page says it is alive; the host draws for it while it heard from it within 3 of these. */
export const ALIVE_INTERVAL_MS = 5_000;
export const ALIVE_LEASE_MS = 3 * ALIVE_INTERVAL_MS;

/** Webview -> host, by message type. */
export interface WebviewToPanelMessages {
  /** The page is loaded and listens: the host may post. Sent by every new page (reload, reveal). */
  ready: NoFields;
  /**
   * The page is there and shown (sent every ALIVE_INTERVAL_MS while the document is visible, and
   * when it becomes visible): a page that stopped saying it (a closed browser tab) is not drawn for.
   */
  alive: NoFields;
  /**
   * The diagram's viewport measured (CSS px): sent when the page is ready and when it is resized
   * (side bar, split editor); the overview is laid out for it.
   */
  viewport: { width: number; height: number };
  /** Request: draw this scope. */
  setScope: { scope: ScopeValue };
  /** Request: let the user choose the scope in VS Code's quick pick (type-to-search). */
  pickScope: NoFields;
  /** Request: change these toggles (only the ones the user changed), keep the others. */
  setToggles: { toggles: Partial<TopologyToggles> };
  /** Request: turn the Traffic overlay on or off. */
  setTraffic: { on: boolean };
  refresh: NoFields;
  reveal: { target: RevealTarget };
  exportSvg: { svg: string };
  copySource: NoFields;
  saveMarkdown: NoFields;
  /**
   * Acknowledges the diagram of that render request (`revision`): drawn. `milliseconds`: Mermaid's
   * render; `waitedMs`: the diagram's wait in the page before it (Mermaid loading, an earlier draw).
   */
  rendered: { revision: number; milliseconds: number; waitedMs: number; nodeCount: number };
  /** Acknowledges the diagram of that render request (`revision`): Mermaid could not draw it. */
  renderError: { revision: number; message: string };
}

type MessageOf<Table> = { [Type in keyof Table]: { type: Type } & Table[Type] }[keyof Table];

export type PanelToWebview = MessageOf<PanelToWebviewMessages>;
export type WebviewToPanel = MessageOf<WebviewToPanelMessages>;
export type DiagramMessage = Extract<PanelToWebview, { type: 'diagram' }>;

// ---- shape checks ---------------------------------------------------------------------------------

type Check = (value: unknown) => boolean;
/** One check per field of every message of a table: a missing one does not compile. */
type ChecksOf<Table> = { [Type in keyof Table]: { [Field in keyof Table[Type]]-?: Check } };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object with exactly these keys (own keys; none missing, none more). */
function hasExactKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => Object.prototype.hasOwnProperty.call(value, key));
}

const isString: Check = (value) => typeof value === 'string';
const isBoolean: Check = (value) => typeof value === 'boolean';
const isCount: Check = (value) => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isDuration: Check = (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0;
/** The largest viewport side the host takes (px): larger than any screen. */
export const VIEWPORT_MAX_PX = 100_000;
const isViewportSide: Check = (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= VIEWPORT_MAX_PX;
const isDiagramKind: Check = (value) => value === 'overview' || value === 'full';
const isLaidOutFor: Check = (value) =>
  value === null || (isObject(value) && hasExactKeys(value, ['width', 'height']) && isViewportSide(value.width) && isViewportSide(value.height));

/** The longest `renderError` message the host accepts (the page cuts Mermaid's message to it). */
export const RENDER_ERROR_MAX = 4_000;
/** The longest id or name a `reveal` target may carry (engine ids have 64 characters). */
export const REVEAL_ID_MAX = 256;

/** A string of at most `max` characters. */
const isStringUpTo = (max: number): Check => (value) => typeof value === 'string' && value.length <= max;

/** `host`, or `network:`/`container:` followed by an engine id or name. */
export function isScopeValue(value: unknown): value is ScopeValue {
  return typeof value === 'string' && (value === 'host' || /^(?:network|container):[\w.-]{1,128}$/.test(value));
}

function isExactRevealTarget(value: unknown): value is RevealTarget {
  return isRevealTarget(value) && hasExactKeys(value, ['kind', 'id']);
}

/** A complete set of toggles, each a boolean. */
export function isTopologyToggles(value: unknown): value is TopologyToggles {
  return isObject(value) && hasExactKeys(value, TOGGLE_KEYS) && TOGGLE_KEYS.every((key) => isBoolean(value[key]));
}

/** Some toggles (at least one), each a known one with a boolean. */
function isToggleChange(value: unknown): value is Partial<TopologyToggles> {
  if (!isObject(value)) {
    return false;
  }
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => (TOGGLE_KEYS as readonly string[]).includes(key) && isBoolean(value[key]));
}

const STRING_KEYS: Record<keyof WebviewStrings, true> = {
  scope: true, pickScope: true, ips: true, macs: true, stopped: true, unmanaged: true, inferred: true, refresh: true,
  exportSvg: true, copySource: true, saveMarkdown: true, resetView: true, renderError: true, panHint: true,
  traffic: true, trafficHint: true,
};

/** A Mermaid node id as the generators make them ([A-Za-z0-9_], see model/topology/mermaid.ts mermaidId). */
const isNodeId: Check = (value) => typeof value === 'string' && /^\w{1,200}$/.test(value);
/** The most rate lines one node shows (a folded namespace lists each of its interfaces). */
export const TRAFFIC_LINES_MAX = 64;
const TRAFFIC_LINE_MAX = 300;
const LINK_ACTIVITIES: readonly LinkActivity[] = ['idle', 'active', 'busiest'];

function isNodeOverlays(value: unknown): value is NodeOverlay[] {
  return Array.isArray(value) && value.every((entry) =>
    isObject(entry) && hasExactKeys(entry, ['node', 'lines']) && isNodeId(entry.node) &&
    Array.isArray(entry.lines) && entry.lines.length <= TRAFFIC_LINES_MAX && entry.lines.every(isStringUpTo(TRAFFIC_LINE_MAX)));
}

function isLinkOverlays(value: unknown): value is LinkOverlay[] {
  return Array.isArray(value) && value.every((entry) =>
    isObject(entry) && hasExactKeys(entry, ['from', 'to', 'activity']) && isNodeId(entry.from) && isNodeId(entry.to) &&
    (LINK_ACTIVITIES as readonly unknown[]).includes(entry.activity));
}

function isWebviewStrings(value: unknown): value is WebviewStrings {
  const keys = Object.keys(STRING_KEYS);
  return isObject(value) && hasExactKeys(value, keys) && keys.every((key) => isString(value[key]));
}

function isNodeTargets(value: unknown): value is Record<string, RevealTarget> {
  return isObject(value) && Object.values(value).every(isExactRevealTarget);
}

/** A reveal request from the page: a target whose id is not longer than any the host would send. */
function isNodeIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string' && item.length > 0 && item.length <= 200);
}

function isRevealRequest(value: unknown): value is RevealTarget {
  return isExactRevealTarget(value) && value.id.length <= REVEAL_ID_MAX;
}

function isScopeChoices(value: unknown): value is ScopeChoice[] {
  return Array.isArray(value) && value.every((choice) => isObject(choice) && hasExactKeys(choice, ['value', 'label']) && isScopeValue(choice.value) && isString(choice.label));
}

const WEBVIEW_TO_PANEL: ChecksOf<WebviewToPanelMessages> = {
  ready: {},
  alive: {},
  viewport: { width: isViewportSide, height: isViewportSide },
  setScope: { scope: isScopeValue },
  pickScope: {},
  setToggles: { toggles: isToggleChange },
  setTraffic: { on: isBoolean },
  refresh: {},
  reveal: { target: isRevealRequest },
  exportSvg: { svg: isString },
  copySource: {},
  saveMarkdown: {},
  rendered: { revision: isCount, milliseconds: isDuration, waitedMs: isDuration, nodeCount: isCount },
  renderError: { revision: isCount, message: isStringUpTo(RENDER_ERROR_MAX) },
};

const PANEL_TO_WEBVIEW: ChecksOf<PanelToWebviewMessages> = {
  diagram: {
    source: isString,
    nodeTargets: isNodeTargets,
    captureNodes: isNodeIdList,
    scope: isScopeValue,
    scopes: isScopeChoices,
    toggles: isTopologyToggles,
    traffic: isBoolean,
    levelText: isString,
    kind: isDiagramKind,
    laidOutFor: isLaidOutFor,
    strings: isWebviewStrings,
    revision: isCount,
  },
  traffic: { on: isBoolean, sample: isCount, nodes: isNodeOverlays, links: isLinkOverlays, legend: isString },
  busy: {},
  notice: { message: isString },
  error: { message: isString },
};

function parseWith<Table>(checks: ChecksOf<Table>, value: unknown): MessageOf<Table> | undefined {
  if (!isObject(value) || typeof value.type !== 'string' || !Object.prototype.hasOwnProperty.call(checks, value.type)) {
    return undefined;
  }
  const fields = checks[value.type as keyof Table] as Record<string, Check>;
  const names = Object.keys(fields);
  if (!hasExactKeys(value, ['type', ...names]) || !names.every((name) => fields[name](value[name]))) {
    return undefined;
  }
  return value as MessageOf<Table>;
}

/** A message the host received from the webview, if it has the shape of one; undefined otherwise. */
export function parseWebviewMessage(value: unknown): WebviewToPanel | undefined {
  return parseWith(WEBVIEW_TO_PANEL, value);
}

/** A message the webview received from the host, if it has the shape of one; undefined otherwise. */
export function parsePanelMessage(value: unknown): PanelToWebview | undefined {
  return parseWith(PANEL_TO_WEBVIEW, value);
}
