import * as vscode from 'vscode';
import type { CommandDefinition } from './command';

export const openSettingsCommand: CommandDefinition = {
  id: 'dockerNetworks.openSettings',
  engine: 'none',
  run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'dockerNetworks'),
};
