import * as vscode from 'vscode';
import { isConnectable } from '../model/inventory';
import type { Services } from '../services';
import { requireInventory, selectedContainers, selectedNodes } from './actionUi';
import { CommandDefinition, UserFacingError } from './command';
import { pickContainers, runConnect } from './connectFlow';

/**
 * Connect to Network…: right-click a container (or several) in the Containers view, or run it from
 * the palette (containers first, then networks). Then aliases and, for one container on one
 * user-defined network, fixed IPv4/IPv6 addresses.
 */
export const connectToNetworkCommand: CommandDefinition = {
  id: 'dockerNetworks.connectToNetwork',
  async run(services: Services, node?: unknown, selection?: unknown) {
    const inventory = requireInventory(services);
    const title = vscode.l10n.t('Connect to Network');
    const selected = selectedContainers(inventory, selectedNodes(node, selection), ['container', 'membership']);
    const containers = selected.length > 0 ? selected : await pickContainers(inventory, title, isConnectable);
    const connectable = containers.filter(isConnectable);
    if (connectable.length === 0) {
      throw new UserFacingError(
        vscode.l10n.t('{0} uses the network stack of the host, of another container, or none: it cannot join networks.', containers.map((c) => c.name).join(', ')),
      );
    }
    await runConnect(services, inventory, connectable, [], title);
  },
};
