import * as vscode from 'vscode';
import { containerStateText } from '../messages/containerStates';
import type { TreeNode } from '../model/treeModel';
import { findEndpoint } from '../model/treeModel';
import type { Services } from '../services';
import { InspectTarget, inspectUri } from '../views/inspectDocuments';
import { Cancelled, CommandDefinition, UserFacingError } from './command';

async function pickTarget(services: Services): Promise<InspectTarget> {
  const inventory = services.inventory();
  if (!inventory) {
    throw new UserFacingError(vscode.l10n.t('The Docker engine is not reachable.'));
  }
  type Pick = vscode.QuickPickItem & { target?: InspectTarget };
  const picks: Pick[] = [
    { label: vscode.l10n.t('Networks'), kind: vscode.QuickPickItemKind.Separator },
    ...inventory.networks.map((network) => ({
      label: `$(type-hierarchy-sub) ${network.name}`,
      description: network.driver,
      target: { kind: 'network' as const, id: network.id, name: network.name },
    })),
    { label: vscode.l10n.t('Containers'), kind: vscode.QuickPickItemKind.Separator },
    ...inventory.containers.map((container) => ({
      label: `$(vm) ${container.name}`,
      description: containerStateText(container.state, vscode.l10n),
      target: { kind: 'container' as const, id: container.id, name: container.name },
    })),
  ];
  const chosen = await vscode.window.showQuickPick(picks, { title: vscode.l10n.t('Inspect'), placeHolder: vscode.l10n.t('Network or container to inspect') });
  if (!chosen?.target) {
    throw new Cancelled();
  }
  return chosen.target;
}

function targetOf(services: Services, node: TreeNode): InspectTarget | undefined {
  const inventory = services.inventory();
  if (!inventory) {
    return undefined;
  }
  switch (node.kind) {
    case 'network': {
      const network = inventory.networkById.get(node.networkId);
      return network && { kind: 'network', id: network.id, name: network.name };
    }
    case 'container': {
      const container = inventory.containerById.get(node.containerId);
      return container && { kind: 'container', id: container.id, name: container.name };
    }
    case 'endpoint':
    case 'membership': {
      const endpoint = findEndpoint(inventory, node.networkId, node.containerId);
      return endpoint && { kind: 'endpoint', containerId: endpoint.containerId, networkId: endpoint.networkId, containerName: endpoint.containerName, networkName: endpoint.networkName };
    }
    default:
      return undefined;
  }
}

/** Opens the engine's raw JSON for a network, container or endpoint, read-only. */
export const inspectCommand: CommandDefinition = {
  id: 'dockerNetworks.inspect',
  run: async (services, node, selection) => {
    const nodes = (Array.isArray(selection) && selection.length > 0 ? selection : node ? [node] : []) as TreeNode[];
    const targets = nodes.map((n) => targetOf(services, n)).filter((t): t is InspectTarget => Boolean(t));
    if (targets.length === 0) {
      targets.push(await pickTarget(services));
    }
    for (const target of targets) {
      const document = await vscode.workspace.openTextDocument(inspectUri(target, services.engine?.key));
      await vscode.languages.setTextDocumentLanguage(document, 'json');
      await vscode.window.showTextDocument(document, { preview: targets.length === 1 });
    }
  },
};
