import * as vscode from 'vscode';
import { forgetHelperConsents } from '../session/vscodeHelperCapture';
import type { CommandDefinition } from './command';

/** Forgets the Always / Never answers given for helper containers, on every engine: the next capture asks again. */
export const resetHelperConsentCommand: CommandDefinition = {
  id: 'dockerNetworks.resetHelperConsent',
  engine: 'none',
  run: async (services) => {
    const forgotten = await forgetHelperConsents(services.context);
    services.log.info(`helper container consent reset (${forgotten} engine answer(s) forgotten)`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Helper container consent reset: the next capture through a helper asks again.'));
  },
};
