/**
 * The services object (services.ts) for one window: the whole window's, and the same narrowed to
 * one engine (`forEngine`) when several engines are shown, so that a command acts on the engine of
 * the node it was given without knowing that there are several.
 */
import type { CaptureTarget } from './model/capture/types';
import type * as vscode from 'vscode';
import type { EngineSession } from './engine/engineSession';
import type { TopologySource } from './engine/topologySource';
import type { ReachPath } from './model/reachability/types';
import type { TopologyScope } from './model/topology/types';
import type { Services } from './services';
import type { SessionManager } from './session/sessionManager';
import type { ReachDocuments } from './views/reachDocuments';
import type { TreeViews } from './views/treeViews';

/** The window's topology panel (TopologyPanels in src/topologyPanel), as the services reach it. */
export interface TopologyPanelHost {
  show(services: Services, scope?: TopologyScope): { highlightPath(path: ReachPath): void };
  activeEngine(): string | undefined;
  captureTargetAt(nodeId: string): CaptureTarget | undefined;
}

export function createServices(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  sessions: SessionManager,
  trees: TreeViews,
  reachReports: ReachDocuments,
  panels: TopologyPanelHost,
): Services {
  const forEngine = (key: string): Services => {
    const entryOf = () => sessions.engine(key) ?? sessions.engines[0];
    const sessionOf = (): EngineSession => sessions.engine(key)?.session ?? sessions.session;
    const narrowed: Services = {
      ...root,
      get session() {
        return sessionOf();
      },
      get topologySource(): TopologySource {
        return entryOf().topology;
      },
      // The panel opened from here draws this engine.
      topologyPanel: { show: (scope) => panels.show(narrowed, scope), activeEngine: () => panels.activeEngine(), captureTargetAt: (nodeId) => panels.captureTargetAt(nodeId) },
      // The engine's own session when the sessions are replaced (settings change).
      onDidChangeSession: (listener, thisArg, disposables) => sessions.onDidChangeSession(() => listener.call(thisArg, sessionOf()), undefined, disposables),
      inventory: () => sessionOf().inventory,
      refreshNow: () => sessionOf().refresh(),
      revealInTree: (target) => trees.reveal(target, key),
      engine: { key, label: sessions.engine(key)?.label ?? key },
    };
    return narrowed;
  };
  const root: Services = {
    context,
    log,
    get session() {
      return sessions.session;
    },
    get topologySource(): TopologySource {
      return sessions.engines[0].topology;
    },
    topologyPanel: { show: (scope) => panels.show(root, scope), activeEngine: () => panels.activeEngine(), captureTargetAt: (nodeId) => panels.captureTargetAt(nodeId) },
    onDidChangeSession: sessions.onDidChangeSession,
    inventory: () => sessions.session.inventory,
    refreshNow: async () => {
      await Promise.all(sessions.engines.map((entry) => entry.session.refresh()));
    },
    revealInTree: (target) => trees.reveal(target),
    nameFilter: { get: () => trees.filterText, set: (text) => trees.setNameFilter(text) },
    switchContext: (contextName) => sessions.switchContext(contextName),
    reachReports,
    severalEngines: () => (sessions.several ? sessions.engines : []),
    forEngine,
  };
  return root;
}
