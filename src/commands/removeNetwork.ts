import * as vscode from 'vscode';
import { removeNetworks } from '../engine/runNetworkActions';
import { removableNetworks, removalPlans } from '../model/networkActions';
import type { Services } from '../services';
import { confirmModal, removalAction, requireInventory, runAction, selectedNetworkIds, selectedNodes } from './actionUi';
import { CommandDefinition, UserFacingError } from './command';
import { operationErrorMessage } from '../messages/engineErrorMessages';
import { validationMessage } from '../messages/validationMessages';
import { pickStep } from './multiStepInput';
import { plural } from '../views/uiFormat';

/**
 * Remove Network…: one or several selected user networks (Networks view), or picked from the
 * palette (predefined networks are never offered). Networks with endpoints: a modal lists them and
 * offers "Disconnect N endpoints and remove".
 */
function endpointCount(count: number): string {
  return plural(count, vscode.l10n.t('{0} endpoint', count), vscode.l10n.t('{0} endpoints', count));
}

export const removeNetworkCommand: CommandDefinition = {
  id: 'dockerNetworks.removeNetwork',
  async run(services: Services, node?: unknown, selection?: unknown) {
    const inventory = requireInventory(services);
    let ids = selectedNetworkIds(selectedNodes(node, selection));
    if (ids.length === 0) {
      const items = removableNetworks(inventory).map((network) => ({
        label: `$(type-hierarchy-sub) ${network.name}`,
        description: [network.driver, network.endpoints.length > 0 ? endpointCount(network.endpoints.length) : vscode.l10n.t('unused')].join('  '),
        value: network.id,
      }));
      if (items.length === 0) {
        throw new UserFacingError(vscode.l10n.t('There is no user-defined network to remove.'));
      }
      const chosen = await pickStep({ title: vscode.l10n.t('Remove Network'), back: false, placeholder: vscode.l10n.t('Networks to remove'), items, canPickMany: true });
      ids = chosen.map((item) => item.value);
    }
    const plans = removalPlans(inventory, ids);
    const blocked = plans.filter((plan) => plan.blocked);
    const removable = plans.filter((plan) => !plan.blocked);
    if (removable.length === 0) {
      throw new UserFacingError(
        blocked
          .map((plan) => (plan.issue ? validationMessage(plan.issue, vscode.l10n) : operationErrorMessage({ kind: 'predefinedNetwork', params: { network: plan.network.name }, engineMessage: '' }, vscode.l10n)))
          .join(' ') ||
          vscode.l10n.t('There is no user-defined network to remove.'),
      );
    }
    const endpoints = removable.flatMap((plan) => plan.endpoints.map((endpoint) => vscode.l10n.t('{0} on {1}', endpoint.containerName, plan.network.name)));
    const names = removable.map((plan) => plan.network.name).join(', ');
    const predefined = blocked.filter((plan) => plan.blocked === 'predefined');
    const skipped = [
      predefined.length > 0 ? vscode.l10n.t('Predefined networks are kept: {0}.', predefined.map((plan) => plan.network.name).join(', ')) : '',
      ...blocked.flatMap((plan) => (plan.issue ? [validationMessage(plan.issue, vscode.l10n)] : [])),
    ].filter(Boolean).join('\n');
    const disconnectFirst = endpoints.length > 0;
    if (disconnectFirst) {
      await confirmModal(
        vscode.l10n.t('{0} still has connected containers. Remove anyway?', names),
        [vscode.l10n.t('These containers will be disconnected first:'), ...endpoints, skipped].filter(Boolean).join('\n'),
        plural(endpoints.length, vscode.l10n.t('Disconnect {0} endpoint and remove', endpoints.length), vscode.l10n.t('Disconnect {0} endpoints and remove', endpoints.length)),
      );
    } else {
      await confirmModal(
        removable.length === 1 ? vscode.l10n.t('Remove the network {0}?', names) : vscode.l10n.t('Remove {0} networks?', removable.length),
        [removable.length > 1 ? names : '', skipped].filter(Boolean).join('\n'),
        vscode.l10n.t('Remove'),
      );
    }
    await runAction(
      services,
      removalAction(vscode.l10n.t('Removing networks…'), (step) => removeNetworks(services.session.client, removable, { disconnectEndpoints: disconnectFirst }, step)),
    );
  },
};
