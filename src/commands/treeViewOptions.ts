/**
 * The view-title toggles of the trees (stopped containers, predefined networks, Compose grouping)
 * and the name filter. The toggles are settings, so they last; each pair shows the one that applies
 * (when-clauses on `config.dockerNetworks.*`). The name filter lives as long as the window.
 */
import * as vscode from 'vscode';
import type { CommandDefinition } from './command';

/** Writes a boolean setting where it is in force (the workspace when it sets it, else the user). */
async function setFlag(key: string, value: boolean): Promise<void> {
  const config = vscode.workspace.getConfiguration('dockerNetworks');
  const inspected = config.inspect<boolean>(key);
  const target = inspected?.workspaceFolderValue !== undefined
    ? vscode.ConfigurationTarget.WorkspaceFolder
    : inspected?.workspaceValue !== undefined
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
  await config.update(key, value, target);
}

function flagCommand(id: string, key: string, value: boolean): CommandDefinition {
  return { id, engine: 'none', run: () => setFlag(key, value) };
}

export const filterByNameCommand: CommandDefinition = {
  id: 'dockerNetworks.filterByName',
  engine: 'none',
  run: async (services) => {
    const text = await vscode.window.showInputBox({
      title: vscode.l10n.t('Filter the trees by name'),
      prompt: vscode.l10n.t('Shows the networks and containers whose name contains this text, and what they hold. Empty: no filter.'),
      value: services.nameFilter.get() ?? '',
      placeHolder: vscode.l10n.t('Part of a network or container name'),
    });
    if (text !== undefined) {
      services.nameFilter.set(text.trim() || undefined);
    }
  },
};

export const clearNameFilterCommand: CommandDefinition = {
  id: 'dockerNetworks.clearNameFilter',
  engine: 'none',
  run: (services) => services.nameFilter.set(undefined),
};

export const treeViewCommands: CommandDefinition[] = [
  flagCommand('dockerNetworks.hideStoppedContainers', 'showStoppedContainers', false),
  flagCommand('dockerNetworks.showStoppedContainers', 'showStoppedContainers', true),
  flagCommand('dockerNetworks.hidePredefinedNetworks', 'showPredefinedNetworks', false),
  flagCommand('dockerNetworks.showPredefinedNetworks', 'showPredefinedNetworks', true),
  flagCommand('dockerNetworks.groupByComposeProject', 'groupByComposeProject', true),
  flagCommand('dockerNetworks.ungroupComposeProjects', 'groupByComposeProject', false),
  filterByNameCommand,
  clearNameFilterCommand,
];
