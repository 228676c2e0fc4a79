import * as vscode from 'vscode';
import { pruneNetworks } from '../engine/runNetworkActions';
import { prunePreview } from '../model/networkActions';
import { splitList } from '../model/validation';
import type { Services } from '../services';
import { confirmModal, removalAction, requireInventory, runAction } from './actionUi';
import type { CommandDefinition } from './command';
import { inputStep } from './multiStepInput';
import { plural } from '../views/uiFormat';

/**
 * Prune Unused Networks…: asks an optional label filter, previews exactly which unused networks
 * will go in a modal, removes them and reports what was removed. Palette and the Networks view's
 * "…" menu.
 */
export const pruneNetworksCommand: CommandDefinition = {
  id: 'dockerNetworks.pruneNetworks',
  async run(services: Services) {
    const filterText = await inputStep({
      title: vscode.l10n.t('Prune Unused Networks'),
      back: false,
      prompt: vscode.l10n.t('Only networks with these labels, as key or key=value, comma separated (empty: every unused network)'),
      placeholder: 'env=test',
      validate: (value) => (splitList(value).some((entry) => entry.startsWith('=')) ? vscode.l10n.t('A label filter starts with a key.') : undefined),
    });
    const filters = splitList(filterText);
    const inventory = requireInventory(services);
    const candidates = prunePreview(inventory, filters);
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No unused network to prune.'));
      return;
    }
    const lines = candidates.map((candidate) =>
      candidate.stoppedContainers.length > 0
        ? vscode.l10n.t('{0} (stopped containers attached: {1})', candidate.network.name, candidate.stoppedContainers.join(', '))
        : candidate.network.name,
    );
    await confirmModal(vscode.l10n.t('These unused networks will be removed:'), lines.join('\n'), plural(candidates.length, vscode.l10n.t('Remove {0} network', candidates.length), vscode.l10n.t('Remove {0} networks', candidates.length)));
    await runAction(services, removalAction(vscode.l10n.t('Pruning networks…'), (step) => pruneNetworks(services.session.client, candidates, step)));
  },
};
