/**
 * Every command of the extension, one file each. Add a command: write its file, list it here,
 * and declare it in package.json (title in package.nls.json and package.nls.fr.json).
 */
import type { CommandDefinition } from './command';
import { capturePacketsCommand } from './capturePackets';
import { checkConnectivityCommand, checkConnectivityToCommand } from './checkConnectivity';
import { connectContainerCommand } from './connectContainer';
import { connectToNetworkCommand } from './connectToNetwork';
import { createNetworkCommand } from './createNetwork';
import { createNetworkFormCommand } from './createNetworkForm';
import { disconnectCommand } from './disconnect';
import { pruneNetworksCommand } from './pruneNetworks';
import { removeNetworkCommand } from './removeNetwork';
import { copyFieldCommands, copyValueCommand } from './copyValue';
import { treeViewCommands } from './treeViewOptions';
import { inspectCommand } from './inspect';
import { openSettingsCommand } from './openSettings';
import { resetHelperConsentCommand } from './resetHelperConsent';
import { observeWithHelperCommand } from './observeWithHelper';
import { refreshCommand } from './refresh';
import { retryCommand } from './retry';
import { showTopologyCommand } from './showTopology';
import { switchContextCommand } from './switchContext';

export const allCommands: CommandDefinition[] = [
  refreshCommand,
  retryCommand,
  openSettingsCommand,
  resetHelperConsentCommand,
  observeWithHelperCommand,
  switchContextCommand,
  inspectCommand,
  copyValueCommand,
  ...copyFieldCommands,
  ...treeViewCommands,
  createNetworkCommand,
  createNetworkFormCommand,
  connectToNetworkCommand,
  connectContainerCommand,
  disconnectCommand,
  removeNetworkCommand,
  pruneNetworksCommand,
  showTopologyCommand,
  checkConnectivityCommand,
  checkConnectivityToCommand,
  capturePacketsCommand,
];
