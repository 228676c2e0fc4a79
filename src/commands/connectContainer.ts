import * as vscode from 'vscode';
import { connectableContainers } from '../model/networkActions';
import type { Services } from '../services';
import { known, requireInventory, selectedNetworkIds, selectedNodes } from './actionUi';
import type { CommandDefinition } from './command';
import { pickContainers, pickNetworkToJoin, runConnect } from './connectFlow';

/**
 * Connect Container…: right-click a network (or several) in the Networks view and pick the
 * containers that are not on it yet; from the palette, pick the network first.
 */
export const connectContainerCommand: CommandDefinition = {
  id: 'dockerNetworks.connectContainer',
  async run(services: Services, node?: unknown, selection?: unknown) {
    const inventory = requireInventory(services);
    const title = vscode.l10n.t('Connect Container');
    const selected = known(selectedNetworkIds(selectedNodes(node, selection)), inventory.networkById);
    const networks = selected.length > 0 ? selected : [await pickNetworkToJoin(inventory, title)];
    const candidates = new Set(networks.flatMap((network) => connectableContainers(inventory, network).map((container) => container.id)));
    const containers = await pickContainers(inventory, title, (container) => candidates.has(container.id));
    await runConnect(services, inventory, containers, networks, title);
  },
};
