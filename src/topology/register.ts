import * as vscode from 'vscode';
import type { Services } from '../services';
import { TOPOLOGY_VIEW_TYPE, TopologyPanel, TopologyPanelState } from './topologyPanel';

/** Registers the topology panel's serializer, so an open panel comes back after a reload. */
export function registerTopology(services: Services): vscode.Disposable[] {
  return [
    vscode.window.registerWebviewPanelSerializer(TOPOLOGY_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        TopologyPanel.revive(panel, services, state as TopologyPanelState | undefined);
      },
    }),
    { dispose: () => TopologyPanel.current?.dispose() },
  ];
}
