/**
 * What the commands, views and panels share, passed explicitly (no global mutable namespace).
 */
import type * as vscode from 'vscode';
import type { EngineSession } from './engine/engineSession';
import type { TopologySource } from './engine/topologySource';
import type { ReachPath } from './model/reachability/types';
import type { TopologyScope } from './model/topology/types';
import type { RevealTarget } from './model/revealTarget';
import type { ReachDocuments } from './views/reachDocuments';
import type { Inventory } from './model/inventory';
import type { EngineEntry } from './session/sessionManager';

/** The topology panel as commands reach it (one panel at a time, owned by the extension). */
import type { CaptureTarget } from './model/capture/types';

export interface TopologyPanelAccess {
  /**
   * Opens the panel on these services' engine drawing `scope`, or reveals the open one (which then
   * follows this engine and, given a scope, draws it).
   */
  show(scope?: TopologyScope): { highlightPath(path: ReachPath): void };
  /** Several engines: the engine the open panel draws while it is the active editor, else undefined. */
  activeEngine(): string | undefined;
  /** What a drawn node of the open panel captures on (the diagram's context menu), when it is a capturable interface. */
  captureTargetAt(nodeId: string): CaptureTarget | undefined;
}

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /** The session of the engine the views show; replaced when the user switches context. */
  readonly session: EngineSession;
  /** That session's topology source (collect, incremental probe, host watcher), shared by the panel and the doctor. */
  readonly topologySource: TopologySource;
  /** The topology panel. */
  readonly topologyPanel: TopologyPanelAccess;
  /** Fires when `session` is replaced (switch context, settings change). */
  readonly onDidChangeSession: vscode.Event<EngineSession>;
  /** The inventory built from the current snapshot, or undefined while the engine is unreachable. */
  inventory(): Inventory | undefined;
  /** Waits until the trees show a refresh that started after this call (used after an action). */
  refreshNow(): Promise<void>;
  /** Reveals and selects a network or container in its tree. */
  revealInTree(target: RevealTarget): Promise<void>;
  /** The trees' name filter (view title: Filter by Name…, Clear Name Filter). */
  readonly nameFilter: { get(): string | undefined; set(text: string | undefined): void };
  /** Connectivity reports: stored and shown in the Markdown preview. */
  readonly reachReports: ReachDocuments;
  /** Switches to another engine target (a docker context name, or undefined for the default resolution). */
  switchContext(contextName: string | undefined): Promise<void>;
  /** With several engines shown: each of them (commands from the palette ask which); empty with one. */
  severalEngines(): readonly EngineEntry[];
  /** The same services acting on one engine (`session`, `inventory`, `refreshNow`, `revealInTree`). */
  forEngine(key: string): Services;
  /** The engine these services act on, when several are shown: it names the engine in titles. */
  readonly engine?: { key: string; label: string };
}
