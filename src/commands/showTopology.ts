import * as vscode from 'vscode';
import type { TopologyScope } from '../model/topology/types';
import type { TreeNode } from '../model/treeModel';
import type { Services } from '../services';
import { TopologyPanel } from '../topology/topologyPanel';
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

async function pickScope(services: Services): Promise<TopologyScope> {
  const inventory = services.inventory();
  if (!inventory) {
    return { kind: 'host' };
  }
  type Pick = vscode.QuickPickItem & { scope?: TopologyScope };
  const picks: Pick[] = [
    { label: `$(server) ${vscode.l10n.t('Whole host')}`, scope: { kind: 'host' } },
    { label: vscode.l10n.t('Networks'), kind: vscode.QuickPickItemKind.Separator },
    ...inventory.networks.map((network) => ({ label: `$(type-hierarchy-sub) ${network.name}`, description: network.driver, scope: { kind: 'network' as const, networkId: network.id } })),
    { label: vscode.l10n.t('Containers'), kind: vscode.QuickPickItemKind.Separator },
    ...inventory.containers.map((container) => ({ label: `$(vm) ${container.name}`, description: container.state, scope: { kind: 'container' as const, containerId: container.id } })),
  ];
  const chosen = await vscode.window.showQuickPick(picks, { title: vscode.l10n.t('Show Topology'), placeHolder: vscode.l10n.t('What to draw') });
  if (!chosen?.scope) {
    throw new Cancelled();
  }
  return chosen.scope;
}

/** Opens the topology panel: from a tree node (focused on it), the view title (whole host) or the palette (asks). */
export const showTopologyCommand: CommandDefinition = {
  id: 'dockerNetworks.showTopology',
  async run(services: Services, node?: unknown) {
    const treeNode = node && typeof node === 'object' && 'kind' in node ? (node as TreeNode) : undefined;
    // The view title and the palette pass no node: ask, with the whole host first (Enter picks it).
    const scope = scopeOfNode(treeNode) ?? (treeNode ? { kind: 'host' as const } : await pickScope(services));
    TopologyPanel.createOrShow(services, scope);
  },
};
