/**
 * Registers every command in one place: each run is logged, and every failure becomes one clear
 * message (no stack traces, no unhandled rejections).
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { Cancelled, CommandDefinition, UserFacingError } from './command';
import { onChosenEngine } from './engineChoice';
import { engineErrorMessage } from '../messages/engineErrorMessages';

export function messageFor(error: unknown): string {
  if (error instanceof UserFacingError) {
    return error.message;
  }
  const translated = engineErrorMessage(error, vscode.l10n);
  if (translated) {
    return translated;
  }
  const raw = error instanceof Error ? error.message : String(error);
  // dockerode prefixes the engine's text with "(HTTP code 409) conflict - "; keep the engine's sentence.
  const engineText = raw.replace(/^\(HTTP code \d+\)\s*[\w ]*-\s*/, '').trim();
  return vscode.l10n.t('Docker Networks: {0}', engineText || raw);
}

export function registerCommands(services: Services, commands: CommandDefinition[]): vscode.Disposable[] {
  return commands.map((command) =>
    vscode.commands.registerCommand(command.id, async (...args: unknown[]) => {
      services.log.debug(`run ${command.id}`);
      try {
        const chosen = await onChosenEngine(services, command, args);
        return await command.run(chosen.services, ...chosen.args);
      } catch (error) {
        if (error instanceof Cancelled) {
          services.log.debug(`${command.id} cancelled`);
          return undefined;
        }
        services.log.error(`${command.id} failed:`, error instanceof Error ? error : String(error));
        void vscode.window.showErrorMessage(messageFor(error));
        return undefined;
      }
    }),
  );
}
