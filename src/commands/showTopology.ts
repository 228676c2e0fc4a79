import * as vscode from 'vscode';
import type { TopologyScope } from '../model/topology/types';
import type { TreeNode } from '../model/treeModel';
import type { Services } from '../services';
import { pickScope } from '../topologyPanel/scopePicker';
import { scopeFromValue } from '../topologyPanel/viewState';
import { Cancelled, CommandDefinition } from './command';

function scopeOfNode(node: TreeNode | undefined): TopologyScope | undefined {
  switch (node?.kind) {
    case 'network':
      return { kind: 'network', networkId: node.networkId };
    case 'container':
      return { kind: 'container', containerId: node.containerId };
    case 'endpoint':
    case 'membership':
      return { kind: 'container', containerId: node.containerId };
    default:
      return undefined;
  }
}

async function askScope(services: Services): Promise<TopologyScope> {
  const inventory = services.inventory();
  if (!inventory) {
    return { kind: 'host' };
  }
  const chosen = await pickScope(inventory, { title: vscode.l10n.t('Show Topology'), placeHolder: vscode.l10n.t('What to draw'), showStopped: true, engine: services.engine?.label });
  if (!chosen) {
    throw new Cancelled();
  }
  return scopeFromValue(chosen);
}

/** Opens the topology panel: from a tree node (focused on it), the view title (whole host) or the palette (asks). */
export const showTopologyCommand: CommandDefinition = {
  id: 'dockerNetworks.showTopology',
  async run(services: Services, node?: unknown) {
    const treeNode = node && typeof node === 'object' && 'kind' in node ? (node as TreeNode) : undefined;
    // The view title and the palette pass no node: ask, with the whole host first (Enter picks it).
    const scope = scopeOfNode(treeNode) ?? (treeNode ? { kind: 'host' as const } : await askScope(services));
    services.topologyPanel.show(scope);
  },
};
