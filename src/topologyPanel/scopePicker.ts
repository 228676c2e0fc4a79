/**
 * The scope picker: a VS Code quick pick over the whole host, every network and every container
 * shown, with type-to-search on names and on descriptions (driver and subnets; state and
 * addresses), so that it stays usable with hundreds of entries. The host owns the scope: the page
 * only asks for the picker (`pickScope`), and the choice goes into the view state here.
 */
import * as vscode from 'vscode';
import { compareNetworks, type ContainerModel, type Inventory, type NetworkModel } from '../model/inventory';
import { byName } from '../model/naturalOrder';
import { containerStateText } from '../messages/containerStates';
import type { ScopeValue } from './protocol';

interface ScopeItem extends vscode.QuickPickItem {
  value?: ScopeValue;
}

function networkDescription(network: NetworkModel): string {
  const subnets = network.subnets.map((subnet) => subnet.subnet).filter((subnet): subnet is string => Boolean(subnet));
  return [network.driver, ...subnets].join(' · ');
}

function containerDescription(container: ContainerModel): string {
  const addresses = container.memberships.flatMap((endpoint) => [endpoint.ipv4, endpoint.ipv6]).filter((address): address is string => Boolean(address));
  return [containerStateText(container.state, vscode.l10n), ...addresses].join(' · ');
}

export interface ScopePickOptions {
  title: string;
  placeHolder: string;
  /** Whether stopped containers are offered. */
  showStopped: boolean;
  /** The scope drawn now, marked in the list. */
  current?: ScopeValue;
  /** The engine's label, when several engines are shown: the title and the whole-host entry name it. */
  engine?: string;
}

/** The picker's entries: the whole host, then the networks, then the containers, each group in the trees' order (natural: n2 before n10). */
function scopeItems(inventory: Inventory, showStopped: boolean, current: ScopeValue | undefined, engine: string | undefined): ScopeItem[] {
  const mark = (value: ScopeValue) => (value === current ? vscode.l10n.t('(shown now)') : undefined);
  const networks = [...inventory.networks].sort(compareNetworks).map((network): ScopeItem => {
    const value: ScopeValue = `network:${network.id}`;
    return { label: `$(type-hierarchy-sub) ${network.name}`, description: networkDescription(network), detail: mark(value), value };
  });
  const containers = inventory.containers
    .filter((container) => container.running || showStopped)
    .sort(byName)
    .map((container): ScopeItem => {
      const value: ScopeValue = `container:${container.id}`;
      return { label: `$(vm) ${container.name}`, description: containerDescription(container), detail: mark(value), value };
    });
  return [
    { label: `$(server) ${engine ? vscode.l10n.t('Whole host: {0}', engine) : vscode.l10n.t('Whole host')}`, detail: mark('host'), value: 'host' },
    { label: vscode.l10n.t('Networks'), kind: vscode.QuickPickItemKind.Separator },
    ...networks,
    { label: vscode.l10n.t('Containers'), kind: vscode.QuickPickItemKind.Separator },
    ...containers,
  ];
}

/** Shows the picker; resolves to the chosen scope, or undefined when dismissed. */
export async function pickScope(inventory: Inventory, options: ScopePickOptions): Promise<ScopeValue | undefined> {
  const picked = await vscode.window.showQuickPick(scopeItems(inventory, options.showStopped, options.current, options.engine), {
    title: options.engine ? vscode.l10n.t('{0} · {1}', options.title, options.engine) : options.title,
    placeHolder: options.placeHolder,
    matchOnDescription: true,
  });
  return picked?.value;
}
