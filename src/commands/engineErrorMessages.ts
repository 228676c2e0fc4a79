/**
 * Engine errors as sentences a user can act on. The registry calls `engineErrorMessage` for every
 * error a command throws that is not already a UserFacingError.
 */
import * as vscode from 'vscode';
import { classifyUnreachable } from '../model/engineErrors';

export function engineErrorMessage(error: unknown): string | undefined {
  switch (classifyUnreachable(error)) {
    case 'socketMissing':
    case 'refused':
      return vscode.l10n.t('The Docker engine is not running or cannot be reached.');
    case 'permissionDenied':
      return vscode.l10n.t('Permission denied on the Docker socket: add your user to the docker group.');
    case 'timeout':
      return vscode.l10n.t('The Docker engine did not answer in time.');
    default:
      return undefined;
  }
}
