import * as vscode from 'vscode';
import type { Services } from '../services';
import { TOPOLOGY_VIEW_TYPE, TopologyPanel } from './topologyPanel';

/** Registers the topology panel's serializer, so an open panel comes back after a reload. */
export function registerTopology(services: Services): vscode.Disposable[] {
  return [
    vscode.window.registerWebviewPanelSerializer(TOPOLOGY_VIEW_TYPE, {
      // The page's own state holds only its pan and zoom; what to draw is the host's (workspaceState).
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        TopologyPanel.revive(panel, services);
      },
    }),
    { dispose: () => TopologyPanel.current?.dispose() },
  ];
}
