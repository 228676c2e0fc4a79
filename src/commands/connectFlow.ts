/**
 * Connecting containers to networks: pick what is missing (networks for a container, containers
 * for a network, or both from the palette), then aliases and static addresses (validated at the
 * field against the network's subnets and the addresses in use), then one summary.
 */
import * as vscode from 'vscode';
import type { EngineApi } from '../engine/engineApi';
import { ConnectItem, ConnectPair, connectContainers, readSubnetFacts } from '../engine/runNetworkActions';
import { ContainerModel, Inventory, isUserDefinedNetwork, NetworkModel } from '../model/inventory';
import { connectableContainers, connectableNetworks } from '../model/networkActions';
import { parseAliases, parseGatewayPriority, staticAddressBlocked, validateStaticAddress } from '../model/connectSpec';
import { engineFeatures } from '../model/engineFeatures';
import { SubnetFacts, subnetFacts } from '../model/subnetFacts';
import type { Services } from '../services';
import { runAction, sessionApiVersion } from './actionUi';
import { Cancelled, UserFacingError } from './command';
import { inputStep, pickStep, runSteps } from './multiStepInput';
import { fieldMessage, validationMessage } from '../messages/validationMessages';
import { containerStateText } from '../messages/containerStates';

type Item<T> = vscode.QuickPickItem & { value: T };

function networkItem(network: NetworkModel): Item<NetworkModel> {
  const subnets = network.subnets.map((config) => config.subnet).filter(Boolean).join(', ');
  return {
    label: `$(type-hierarchy-sub) ${network.name}`,
    description: [network.driver, subnets].filter(Boolean).join('  '),
    detail: network.predefined === 'bridge' ? vscode.l10n.t('Default bridge: no aliases, no fixed address, no DNS by name') : undefined,
    value: network,
  };
}

function containerItem(container: ContainerModel): Item<ContainerModel> {
  return {
    label: `$(vm) ${container.name}`,
    description: [containerStateText(container.state, vscode.l10n), container.memberships.map((endpoint) => endpoint.networkName).join(', ')].filter(Boolean).join('  '),
    value: container,
  };
}

export async function pickContainers(inventory: Inventory, title: string, filter: (container: ContainerModel) => boolean, back = false): Promise<ContainerModel[]> {
  const items = inventory.containers.filter(filter).map(containerItem);
  if (items.length === 0) {
    throw new UserFacingError(vscode.l10n.t('No container can be connected here.'));
  }
  const chosen = await pickStep({ title, back, placeholder: vscode.l10n.t('Containers to connect'), items, canPickMany: true });
  if (chosen.length === 0) {
    throw new Cancelled();
  }
  return chosen.map((item) => item.value);
}

/** From the palette: the network to connect containers to (one that some container can still join). */
export async function pickNetworkToJoin(inventory: Inventory, title: string): Promise<NetworkModel> {
  const items = inventory.networks
    .filter((network) => connectableContainers(inventory, network).length > 0)
    .map((network) => ({ label: `$(type-hierarchy-sub) ${network.name}`, description: network.driver, value: network }));
  if (items.length === 0) {
    throw new UserFacingError(vscode.l10n.t('No container can be connected here.'));
  }
  const chosen = await pickStep({ title, back: false, placeholder: vscode.l10n.t('Network to connect containers to'), items });
  return chosen.value;
}

interface ConnectState {
  title: string;
  client: EngineApi;
  /** The subnets of the one network a fixed address may be asked for (from its inspect), by network id. */
  facts: Map<string, SubnetFacts[]>;
  inventory: Inventory;
  containers: ContainerModel[];
  networks: NetworkModel[];
  aliases: string[];
  ipv4?: string;
  ipv6?: string;
  /** The connected engine's API version: whether a gateway priority can be asked. */
  apiVersion?: string;
  gwPriority?: number;
}

async function networksStep(state: ConnectState, back: boolean): Promise<boolean> {
  // Networks that at least one of the containers can still join.
  const ids = new Set(state.containers.flatMap((container) => connectableNetworks(state.inventory, container).map((network) => network.id)));
  const items = state.inventory.networks.filter((network) => ids.has(network.id)).map(networkItem);
  if (items.length === 0) {
    throw new UserFacingError(vscode.l10n.t('{0} is already on every network it can join.', state.containers.map((c) => c.name).join(', ')));
  }
  const chosen = await pickStep({
    title: state.title,
    back,
    placeholder: vscode.l10n.t('Networks to connect {0} to', state.containers.map((c) => c.name).join(', ')),
    items,
    canPickMany: true,
    selectedItems: items.filter((item) => state.networks.some((network) => network.id === item.value.id)),
  });
  if (chosen.length === 0) {
    throw new Cancelled();
  }
  state.networks = chosen.map((item) => item.value);
  return true;
}

async function aliasesStep(state: ConnectState, back: boolean): Promise<boolean> {
  const onlyDefault = state.networks.every((network) => !isUserDefinedNetwork(network));
  if (onlyDefault) {
    // The explanation instead of a field that would be refused.
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Aliases and fixed addresses need a user-defined network: the default bridge has no embedded DNS. The container is connected without them.'),
    );
    state.aliases = [];
    return false;
  }
  const predefined = state.networks.find((network) => !isUserDefinedNetwork(network));
  const text = await inputStep({
    title: state.title,
    back,
    prompt: vscode.l10n.t('Network-scoped aliases, comma separated (--alias; empty: none)'),
    placeholder: 'web, api',
    value: state.aliases.join(', '),
    describe: (value) => {
      const aliases = parseAliases(value).value;
      return aliases.length > 0 ? vscode.l10n.t('Aliases that will be set ({0}): {1}', aliases.length, aliases.map((alias) => `"${alias}"`).join(', ')) : undefined;
    },
    validate: (value) => {
      const parsed = parseAliases(value);
      if (parsed.issue) {
        return validationMessage(parsed.issue, vscode.l10n);
      }
      if (parsed.value.length > 0 && predefined) {
        return validationMessage({ code: 'aliasNeedsUserNetwork', field: 'aliases', params: { network: predefined.name } }, vscode.l10n);
      }
      return undefined;
    },
  });
  state.aliases = parseAliases(text).value;
  return true;
}

/** The network's subnets as its inspect shows them (asked once, when a fixed address could be asked). */
async function factsOf(state: ConnectState, network: NetworkModel): Promise<SubnetFacts[]> {
  let facts = state.facts.get(network.id);
  if (!facts) {
    facts = await readSubnetFacts(state.client, network).catch(() => subnetFacts(network));
    state.facts.set(network.id, facts);
  }
  return facts;
}

/**
 * The address step of a network whose subnet the engine chose: the engine refuses any fixed address
 * there, so the step says why, where the user would type one (never as a notification after a
 * connect that asked for none); Enter goes on with the address the engine assigns.
 */
async function automaticSubnetStep(state: ConnectState, back: boolean, family: 4 | 6, why: string): Promise<boolean> {
  await inputStep({
    title: state.title,
    back,
    prompt: why,
    placeholder: family === 4 ? vscode.l10n.t('Enter: the engine assigns the IPv4 address') : vscode.l10n.t('Enter: the engine assigns the IPv6 address'),
    validate: (value) => (value.trim() ? why : undefined),
  });
  if (family === 4) {
    state.ipv4 = undefined;
  } else {
    state.ipv6 = undefined;
  }
  return true;
}

function staticStep(family: 4 | 6) {
  return async (state: ConnectState, back: boolean): Promise<boolean> => {
    // A fixed address makes sense for one container on one user-defined network.
    if (state.containers.length !== 1 || state.networks.length !== 1 || !isUserDefinedNetwork(state.networks[0])) {
      return false;
    }
    const network = state.networks[0];
    if (family === 6 && !network.ipv6) {
      return false;
    }
    const facts = await factsOf(state, network);
    const blocked = staticAddressBlocked(family, network, facts);
    if (blocked?.code === 'staticIpAutomaticSubnet') {
      return automaticSubnetStep(state, back, family, validationMessage(blocked, vscode.l10n));
    }
    if (blocked) {
      return false;
    }
    const subnets = facts
      .filter((entry) => entry.family === family)
      .map((entry) => (entry.gateway ? vscode.l10n.t('{0} (gateway {1})', entry.subnet, entry.gateway) : entry.subnet))
      .join(', ');
    const text = await inputStep({
      title: state.title,
      back,
      prompt:
        family === 4
          ? vscode.l10n.t('Fixed IPv4 address in {0} (--ip; empty: the engine assigns one)', subnets)
          : vscode.l10n.t('Fixed IPv6 address in {0} (--ip6; empty: the engine assigns one)', subnets),
      value: (family === 4 ? state.ipv4 : state.ipv6) ?? '',
      validate: (value) => (value.trim() ? fieldMessage(validateStaticAddress(value, family, network, facts), vscode.l10n) : undefined),
    });
    if (family === 4) {
      state.ipv4 = text.trim() || undefined;
    } else {
      state.ipv6 = text.trim() || undefined;
    }
    return true;
  };
}

/**
 * The gateway priority (`--gw-priority`), on engines whose API has it: of a container's networks,
 * the one whose endpoint has the highest priority gives it its default gateway.
 */
async function gatewayPriorityStep(state: ConnectState, back: boolean): Promise<boolean> {
  if (!engineFeatures(state.apiVersion).gatewayPriority) {
    return false;
  }
  const text = await inputStep({
    title: state.title,
    back,
    prompt: vscode.l10n.t('Gateway priority (--gw-priority; empty: 0): the network with the highest priority gives the container its default gateway'),
    placeholder: '10',
    value: state.gwPriority === undefined ? '' : String(state.gwPriority),
    validate: (value) => fieldMessage(parseGatewayPriority(value).issue, vscode.l10n),
  });
  state.gwPriority = parseGatewayPriority(text).value;
  return true;
}

/** Asks what is missing and connects. `networks` empty: ask them; `containers` must be given. */
export async function runConnect(services: Services, inventory: Inventory, containers: ContainerModel[], networks: NetworkModel[], title: string): Promise<void> {
  const state: ConnectState = { title, client: services.session.client, inventory, containers, networks, aliases: [], facts: new Map(), apiVersion: sessionApiVersion(services) };
  const askNetworks = networks.length === 0;
  await runSteps([
    (back) => (askNetworks ? networksStep(state, back) : Promise.resolve(false)),
    (back) => aliasesStep(state, back),
    (back) => staticStep(4)(state, back),
    (back) => staticStep(6)(state, back),
    (back) => gatewayPriorityStep(state, back),
  ]);
  const pairs: ConnectPair[] = [];
  for (const container of state.containers) {
    for (const network of state.networks) {
      pairs.push({ containerId: container.id, networkId: network.id });
    }
  }
  await runAction<ConnectItem>(services, {
    progressTitle: vscode.l10n.t('Connecting…'),
    run: (step) => connectContainers(services.session.client, inventory, pairs, { aliases: state.aliases, ipv4Address: state.ipv4, ipv6Address: state.ipv6, gwPriority: state.gwPriority }, step),
    label: (item) => vscode.l10n.t('{0} → {1}', item.containerName, item.networkName),
    texts: {
      allDone: (names) => vscode.l10n.t('Connected: {0}.', names),
      someFailed: (done, failed) => vscode.l10n.t('{0} connected, {1} not connected.', done, failed),
      alreadyDone: (item) => vscode.l10n.t('{0} (already connected)', item),
    },
  });
}
