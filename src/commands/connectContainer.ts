import * as vscode from 'vscode';
import { connectableContainers } from '../model/networkActions';
import type { Services } from '../services';
import { requireInventory, selectedNodes } from './actionUi';
import { Cancelled, CommandDefinition, UserFacingError } from './command';
import { pickContainers, runConnect } from './connectFlow';
import { pickStep } from './multiStepInput';

/**
 * Connect Container…: right-click a network (or several) in the Networks view and pick the
 * containers that are not on it yet; from the palette, pick the network first.
 */
export const connectContainerCommand: CommandDefinition = {
  id: 'dockerNetworks.connectContainer',
  async run(services: Services, node?: unknown, selection?: unknown) {
    const inventory = requireInventory(services);
    const title = vscode.l10n.t('Connect Container');
    const ids = selectedNodes(node, selection)
      .filter((entry) => entry.kind === 'network')
      .map((entry) => (entry as { networkId: string }).networkId);
    let networks = [...new Set(ids)].map((id) => inventory.networkById.get(id)).filter((network) => network !== undefined);
    if (networks.length === 0) {
      const items = inventory.networks
        .filter((network) => connectableContainers(inventory, network).length > 0)
        .map((network) => ({ label: `$(type-hierarchy-sub) ${network.name}`, description: network.driver, value: network }));
      if (items.length === 0) {
        throw new UserFacingError(vscode.l10n.t('No container can be connected here.'));
      }
      const chosen = await pickStep({ title, back: false, placeholder: vscode.l10n.t('Network to connect containers to'), items });
      networks = [chosen.value];
    }
    const candidates = new Set(networks.flatMap((network) => connectableContainers(inventory, network).map((container) => container.id)));
    if (candidates.size === 0) {
      throw new UserFacingError(vscode.l10n.t('No container can be connected here.'));
    }
    const containers = await pickContainers(inventory, title, (container) => candidates.has(container.id));
    if (containers.length === 0) {
      throw new Cancelled();
    }
    await runConnect(services, inventory, containers, networks, title);
  },
};
