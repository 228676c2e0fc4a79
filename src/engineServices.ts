/**
 * The services object (services.ts) for one window: the whole window's, and the same narrowed to
 * one engine (`forEngine`) when several engines are shown, so that a command acts on the engine of
 * the node it was given without knowing that there are several.
 */
import type * as vscode from 'vscode';
import type { EngineSession } from './engine/engineSession';
import type { Services } from './services';
import type { SessionManager } from './session/sessionManager';
import type { ReachDocuments } from './views/reachDocuments';
import type { TreeViews } from './views/treeViews';

export function createServices(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, sessions: SessionManager, trees: TreeViews, reachReports: ReachDocuments): Services {
  const forEngine = (key: string): Services => {
    const sessionOf = (): EngineSession => sessions.engine(key)?.session ?? sessions.session;
    return {
      ...root,
      get session() {
        return sessionOf();
      },
      // The engine's own session when the sessions are replaced (settings change).
      onDidChangeSession: (listener, thisArg, disposables) => sessions.onDidChangeSession(() => listener.call(thisArg, sessionOf()), undefined, disposables),
      inventory: () => sessionOf().inventory,
      refreshNow: () => sessionOf().refresh(),
      revealInTree: (target) => trees.reveal(target, key),
      engine: { key, label: sessions.engine(key)?.label ?? key },
    };
  };
  const root: Services = {
    context,
    log,
    get session() {
      return sessions.session;
    },
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
