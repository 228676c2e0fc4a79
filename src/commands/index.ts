/**
 * Every command of the extension, one file each. Add a command: write its file, list it here,
 * and declare it in package.json (title in package.nls.json and package.nls.fr.json).
 */
import type { CommandDefinition } from './command';
import { copyValueCommand } from './copyValue';
import { inspectCommand } from './inspect';
import { openSettingsCommand } from './openSettings';
import { refreshCommand } from './refresh';
import { retryCommand } from './retry';
import { switchContextCommand } from './switchContext';

export const allCommands: CommandDefinition[] = [
  refreshCommand,
  retryCommand,
  openSettingsCommand,
  switchContextCommand,
  inspectCommand,
  copyValueCommand,
];
