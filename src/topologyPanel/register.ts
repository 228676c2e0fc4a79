/** The topology panel's registration: its serializer (a panel comes back after a reload) and its disposal. */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { TOPOLOGY_VIEW_TYPE, type TopologyPanels } from './topologyPanel';
import { migrateStoredEngine, storedEngineKey } from './viewState';

/** Registers the topology panel's serializer, so an open panel comes back after a reload. */
export function registerTopology(services: Services, panels: TopologyPanels): vscode.Disposable[] {
  // A view state stored by 0.1.0 names the engine by its entry (secrets included): its key replaces it.
  migrateStoredEngine(services.context.workspaceState);
  return [
    vscode.window.registerWebviewPanelSerializer(TOPOLOGY_VIEW_TYPE, {
      // The page's own state holds only its pan and zoom; what to draw is the host's (workspaceState).
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        // With several engines, a restored panel draws the engine it drew (the first one when that
        // engine is no longer configured), and its title says which.
        const several = services.severalEngines();
        const stored = storedEngineKey(services.context.workspaceState);
        const engine = several.find((entry) => entry.key === stored) ?? several[0];
        panels.revive(panel, engine ? services.forEngine(engine.key) : services);
      },
    }),
    panels,
  ];
}
