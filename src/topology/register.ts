import * as vscode from 'vscode';
import type { Services } from '../services';
import { TOPOLOGY_VIEW_TYPE, TopologyPanel } from './topologyPanel';

/** Registers the topology panel's serializer, so an open panel comes back after a reload. */
export function registerTopology(services: Services): vscode.Disposable[] {
  return [
    vscode.window.registerWebviewPanelSerializer(TOPOLOGY_VIEW_TYPE, {
      // The page's own state holds only its pan and zoom; what to draw is the host's (workspaceState).
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        // With several engines, a restored panel draws the first one, and its title says so.
        const several = services.severalEngines();
        TopologyPanel.revive(panel, several.length > 0 ? services.forEngine(several[0].key) : services);
      },
    }),
    { dispose: () => TopologyPanel.current?.dispose() },
  ];
}
