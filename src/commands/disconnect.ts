import * as vscode from 'vscode';
import { validationMessage } from '../messages/validationMessages';
import { disconnectEndpoints } from '../engine/runNetworkActions';
import type { ContainerModel, Inventory } from '../model/inventory';
import { disconnectableMemberships, DisconnectTarget, disconnectTargets } from '../model/networkActions';
import type { Services } from '../services';
import { confirmModal, requireInventory, runAction, selectedContainers, selectedNodes } from './actionUi';
import { Cancelled, CommandDefinition, UserFacingError } from './command';
import { pickStep } from './multiStepInput';

type Pair = { containerId: string; networkId: string };

async function pickMemberships(inventory: Inventory, containers: ContainerModel[], title: string): Promise<Pair[]> {
  const items = containers.flatMap((container) =>
    disconnectableMemberships(inventory, container).map((endpoint) => ({
      label: `$(type-hierarchy-sub) ${endpoint.networkName}`,
      description: [containers.length > 1 ? container.name : undefined, endpoint.ipv4 ?? endpoint.ipv6].filter(Boolean).join('  '),
      value: { containerId: container.id, networkId: endpoint.networkId },
    })),
  );
  if (items.length === 0) {
    throw new UserFacingError(vscode.l10n.t('{0} has no network it can be disconnected from.', containers.map((c) => c.name).join(', ')));
  }
  const chosen = await pickStep({ title, back: false, placeholder: vscode.l10n.t('Networks to disconnect from'), items, canPickMany: true });
  if (chosen.length === 0) {
    throw new Cancelled();
  }
  return chosen.map((item) => item.value);
}

function confirmation(targets: DisconnectTarget[]): { message: string; detail: string } {
  const loopback = targets.filter((target) => target.leavesLoopbackOnly).map((target) => target.containerName);
  const notes: string[] = [];
  if (loopback.length > 0) {
    notes.push(vscode.l10n.t('{0} will be left on no network at all: only loopback (127.0.0.1) inside.', [...new Set(loopback)].join(', ')));
  }
  if (targets.some((target) => target.stopped)) {
    notes.push(vscode.l10n.t('Some containers are stopped: use Force Disconnect if the engine refuses.'));
  }
  if (targets.length === 1) {
    return { message: vscode.l10n.t('Disconnect {0} from {1}?', targets[0].containerName, targets[0].networkName), detail: notes.join('\n') };
  }
  const list = targets.map((target) => vscode.l10n.t('{0} from {1}', target.containerName, target.networkName)).join('\n');
  return { message: vscode.l10n.t('Disconnect {0} endpoints?', targets.length), detail: [list, ...notes].join('\n\n') };
}

/**
 * Disconnect from Network…: an endpoint (Networks view), a membership or a container (Containers
 * view; it offers the container's networks), or the palette (container, then networks). A modal
 * confirmation names container and network; Force is offered for stopped containers.
 */
export const disconnectCommand: CommandDefinition = {
  id: 'dockerNetworks.disconnect',
  async run(services: Services, node?: unknown, selection?: unknown) {
    const inventory = requireInventory(services);
    const title = vscode.l10n.t('Disconnect from Network');
    const nodes = selectedNodes(node, selection);
    const pairs: Pair[] = [];
    for (const entry of nodes) {
      if (entry.kind === 'endpoint' || entry.kind === 'membership') {
        pairs.push({ containerId: entry.containerId, networkId: entry.networkId });
      }
    }
    const containers = selectedContainers(inventory, nodes, ['container']);
    if (containers.length > 0) {
      pairs.push(...(await pickMemberships(inventory, containers, title)));
    }
    if (pairs.length === 0) {
      const items = inventory.containers
        .filter((container) => disconnectableMemberships(inventory, container).length > 0)
        .map((container) => ({ label: `$(vm) ${container.name}`, description: container.memberships.map((e) => e.networkName).join(', '), value: container }));
      if (items.length === 0) {
        throw new UserFacingError(vscode.l10n.t('No container can be disconnected.'));
      }
      const chosen = await pickStep({ title, back: false, placeholder: vscode.l10n.t('Container to disconnect'), items });
      pairs.push(...(await pickMemberships(inventory, [chosen.value], title)));
    }
    const targets = disconnectTargets(inventory, pairs);
    const managed = targets.filter((target) => target.managedBy);
    if (managed.length > 0 && managed.length === targets.length) {
      // Swarm task containers: their networks belong to the service; refused before anything is sent.
      throw new UserFacingError(managed.map((target) => validationMessage(target.managedBy!.issue, vscode.l10n)).join(' '));
    }
    const { message, detail } = confirmation(targets);
    const disconnectLabel = vscode.l10n.t('Disconnect');
    const forceLabel = vscode.l10n.t('Force Disconnect');
    const buttons = targets.some((target) => target.stopped) ? [disconnectLabel, forceLabel] : [disconnectLabel];
    const force = (await confirmModal(message, detail, ...buttons)) === forceLabel;
    await runAction<DisconnectTarget>(services, {
      progressTitle: vscode.l10n.t('Disconnecting…'),
      run: (step) => disconnectEndpoints(services.session.client, targets, force, step),
      label: (target) => vscode.l10n.t('{0} from {1}', target.containerName, target.networkName),
      texts: {
        allDone: (names) => vscode.l10n.t('Disconnected: {0}.', names),
        someFailed: (done, failed) => vscode.l10n.t('{0} disconnected, {1} not disconnected.', done, failed),
      },
    });
  },
};
