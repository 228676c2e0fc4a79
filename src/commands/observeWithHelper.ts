import * as vscode from 'vscode';
import type { Services } from '../services';
import { helperLevelOffered, startHelperObservation } from '../session/vscodeHelperObservation';
import type { CommandDefinition } from './command';

/**
 * Observe Through a Helper Container…: the engine's host read by a helper container on that engine
 * (the helper level), after the user's consent, for the panel, the doctor and the exports alike.
 * From the palette (several engines: asks which) or the topology panel's title bar.
 */
export const observeWithHelperCommand: CommandDefinition = {
  id: 'dockerNetworks.observeWithHelper',
  async run(services: Services) {
    const session = services.session;
    if (!helperLevelOffered(session)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This engine runs on this machine and the extension runs as root: its host is already observed as it is, without a helper container.'));
      return;
    }
    if (services.topologySource.observed) {
      services.topologyPanel.show();
      return;
    }
    if (await startHelperObservation(services.context, services.log, session.client, services.topologySource)) {
      services.topologyPanel.show();
    }
  },
};
