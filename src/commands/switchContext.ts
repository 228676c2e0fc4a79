import * as vscode from 'vscode';
import { currentContextName, listContexts } from '../engine/connection';
import { displayHost } from '../model/displayHost';
import { CommandDefinition, UserFacingError } from './command';

interface ContextPick extends vscode.QuickPickItem {
  contextName: string | undefined;
}

/** Lists the docker CLI's contexts (and the default resolution) and switches the views to one. */
export const switchContextCommand: CommandDefinition = {
  id: 'dockerNetworks.switchContext',
  engine: 'none',
  run: async (services) => {
    if (services.severalEngines().length > 0) {
      throw new UserFacingError(vscode.l10n.t('Several engines are shown: choose them in the setting dockerNetworks.engines.'));
    }
    const current = services.session.target;
    const cliCurrent = currentContextName();
    const picks: ContextPick[] = [
      {
        label: vscode.l10n.t('Automatic'),
        description: vscode.l10n.t('setting, DOCKER_HOST, current docker context, then the default socket'),
        contextName: undefined,
      },
      ...listContexts().map((context) => ({
        label: context.name,
        description: displayHost(context.host),
        detail: context.name === cliCurrent ? vscode.l10n.t('current docker context') : undefined,
        contextName: context.name,
      })),
    ];
    for (const pick of picks) {
      if (pick.contextName !== undefined && pick.contextName === current.contextName && current.source === 'context') {
        pick.label = `$(check) ${pick.label}`;
      }
    }
    const chosen = await vscode.window.showQuickPick(picks, {
      title: vscode.l10n.t('Switch Engine Context'),
      placeHolder: vscode.l10n.t('Now showing {0}', displayHost(current.host)),
    });
    if (chosen) {
      await services.switchContext(chosen.contextName);
    }
  },
};
