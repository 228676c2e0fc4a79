/**
 * The create-network dialogue, as a multi-step quick input with Back: the quick path (name,
 * driver, Enter) and the full form (every `docker network create` option). Each field is
 * validated while typing by the pure model; the request is validated again as a whole before it
 * is sent, and the engine's refusal is translated.
 */
import * as vscode from 'vscode';
import { engineIsLocal, listHostInterfaces } from '../engine/hostInterfaces';
import { createNetwork, readDriverContext } from '../engine/networkActions';
import type { Inventory } from '../model/inventory';
import { parseAuxAddresses, validateGateway, validateIpRange, validateSubnet } from '../model/addresses';
import {
  creatableDrivers,
  CreateNetworkSpec,
  DriverContext,
  driverNeedsParent,
  emptySpec,
  IPVLAN_MODES,
  MACVLAN_MODES,
  SubnetSpec,
  validateCreateSpec,
  validateDriver,
  validateNetworkName,
} from '../model/createNetworkSpec';
import { formatKeyValues, parseKeyValues } from '../model/validation';
import type { Services } from '../services';
import { requireInventory, runAction } from './actionUi';
import { Cancelled } from './command';
import { inputStep, pickStep, runSteps, StepBack } from './multiStepInput';
import { validationMessage } from './validationMessages';

type Item<T> = vscode.QuickPickItem & { value: T };

interface FlowContext {
  services: Services;
  inventory: Inventory;
  drivers: DriverContext;
  spec: CreateNetworkSpec;
  title: string;
}

async function nameStep(flow: FlowContext, back: boolean): Promise<boolean> {
  const value = await inputStep({
    title: flow.title,
    back,
    prompt: vscode.l10n.t('Name of the new network'),
    placeholder: vscode.l10n.t('for example mon-bridge'),
    value: flow.spec.name,
    validate: (text) => {
      const found = validateNetworkName(text, flow.inventory);
      return found ? validationMessage(found) : undefined;
    },
  });
  flow.spec.name = value.trim();
  return true;
}

async function driverStep(flow: FlowContext, back: boolean): Promise<boolean> {
  for (;;) {
    const items: Item<string>[] = creatableDrivers(flow.drivers.engineDrivers).map((driver) => {
      const refused = validateDriver(driver, flow.drivers);
      return {
        label: driver,
        value: driver,
        description: driver === flow.spec.driver ? vscode.l10n.t('current') : undefined,
        detail: refused ? `$(warning) ${validationMessage(refused)}` : driverDetail(driver),
      };
    });
    const chosen = await pickStep({
      title: flow.title,
      back,
      placeholder: vscode.l10n.t('Network driver'),
      items,
      activeItem: items.find((item) => item.value === flow.spec.driver),
    });
    const refused = validateDriver(chosen.value, flow.drivers);
    if (refused) {
      // Overlay without a swarm manager: say how to get there, and stay on this step.
      void vscode.window.showWarningMessage(validationMessage(refused));
      continue;
    }
    flow.spec.driver = chosen.value;
    return true;
  }
}

function driverDetail(driver: string): string | undefined {
  switch (driver) {
    case 'bridge':
      return vscode.l10n.t('A Linux bridge on this host, with NAT to the outside (the default).');
    case 'overlay':
      return vscode.l10n.t('Spans the nodes of a swarm (VXLAN).');
    case 'macvlan':
      return vscode.l10n.t('Containers get their own MAC address on a host interface (parent).');
    case 'ipvlan':
      return vscode.l10n.t('Containers share the MAC address of a host interface (parent), with their own IP.');
    default:
      return vscode.l10n.t('Network plugin');
  }
}

async function parentStep(flow: FlowContext, back: boolean): Promise<boolean> {
  if (!driverNeedsParent(flow.spec.driver)) {
    return false;
  }
  const local = engineIsLocal(flow.services.session.target);
  if (local) {
    const typeOwn: Item<string | undefined> = { label: vscode.l10n.t('$(edit) Type an interface name…'), value: '\u0000' };
    const none: Item<string | undefined> = { label: vscode.l10n.t('$(circle-slash) No parent (the engine chooses)'), value: undefined };
    const items: Item<string | undefined>[] = [
      ...listHostInterfaces().map((entry) => ({
        label: entry.name,
        value: entry.name,
        description: [entry.state, ...entry.addresses].filter(Boolean).join('  '),
        detail: entry.dockerManaged ? vscode.l10n.t('Managed by Docker or loopback: rarely a sensible parent') : undefined,
      })),
      typeOwn,
      none,
    ];
    const chosen = await pickStep({ title: flow.title, back, placeholder: vscode.l10n.t('Parent interface on the host (-o parent=…)'), items, activeItem: items.find((item) => item.value === flow.spec.parent) });
    if (chosen !== typeOwn) {
      flow.spec.parent = chosen.value;
      return true;
    }
  }
  const typed = await inputStep({
    title: flow.title,
    back: true,
    prompt: vscode.l10n.t('Parent interface on the engine host, like eth0 or eth0.10 (empty: the engine chooses)'),
    value: flow.spec.parent ?? '',
    validate: (text) => (/\s/.test(text.trim()) ? vscode.l10n.t('An interface name has no spaces.') : undefined),
  });
  flow.spec.parent = typed.trim() || undefined;
  return true;
}

async function modeStep(flow: FlowContext, back: boolean): Promise<boolean> {
  if (!driverNeedsParent(flow.spec.driver)) {
    return false;
  }
  const modes: readonly string[] = flow.spec.driver === 'macvlan' ? MACVLAN_MODES : IPVLAN_MODES;
  const items: Item<string>[] = modes.map((mode, index) => ({ label: mode, value: mode, description: index === 0 ? vscode.l10n.t('default') : undefined }));
  const chosen = await pickStep({ title: flow.title, back, placeholder: vscode.l10n.t('Mode of the {0} driver', flow.spec.driver), items, activeItem: items.find((item) => item.value === flow.spec.mode) });
  flow.spec.mode = chosen.value === modes[0] ? undefined : chosen.value;
  return true;
}

async function ipv6Step(flow: FlowContext, back: boolean): Promise<boolean> {
  const off: Item<boolean> = { label: vscode.l10n.t('IPv6 off'), value: false };
  const on: Item<boolean> = { label: vscode.l10n.t('IPv6 on'), value: true, detail: vscode.l10n.t('Give an IPv6 subnet in the next step (--ipv6 --subnet fd00:…/64)') };
  const chosen = await pickStep({ title: flow.title, back, placeholder: vscode.l10n.t('IPv6'), items: [off, on], activeItem: flow.spec.ipv6 ? on : off });
  flow.spec.ipv6 = chosen.value;
  if (!flow.spec.ipv6) {
    flow.spec.subnets = flow.spec.subnets.filter((config) => !config.subnet.includes(':'));
  }
  return true;
}

/** Asks one subnet with its gateway, IP range and auxiliary addresses; Back walks the sub-steps. */
async function editSubnet(flow: FlowContext): Promise<SubnetSpec | undefined> {
  const config: SubnetSpec = { subnet: '' };
  const others = () => flow.spec.subnets.map((entry) => entry.subnet);
  try {
    await runSteps([
      async () => {
        config.subnet = (
          await inputStep({
            title: flow.title,
            back: true,
            prompt: vscode.l10n.t('Subnet in CIDR notation (--subnet)'),
            placeholder: '172.16.86.0/24',
            value: config.subnet,
            validate: (text) => {
              const found = validateSubnet(text, { ipv6Enabled: flow.spec.ipv6, inventory: flow.inventory, otherSubnets: others() });
              return found ? validationMessage(found) : undefined;
            },
          })
        ).trim();
        return true;
      },
      async () => {
        config.gateway =
          (
            await inputStep({
              title: flow.title,
              back: true,
              prompt: vscode.l10n.t('Gateway in {0} (--gateway; empty: the engine chooses)', config.subnet),
              value: config.gateway ?? '',
              validate: (text) => {
                const found = text.trim() ? validateGateway(text, config.subnet) : undefined;
                return found ? validationMessage(found) : undefined;
              },
            })
          ).trim() || undefined;
        return true;
      },
      async () => {
        config.ipRange =
          (
            await inputStep({
              title: flow.title,
              back: true,
              prompt: vscode.l10n.t('Range for container addresses, inside {0} (--ip-range; empty: the whole subnet)', config.subnet),
              value: config.ipRange ?? '',
              validate: (text) => {
                const found = text.trim() ? validateIpRange(text, config.subnet) : undefined;
                return found ? validationMessage(found) : undefined;
              },
            })
          ).trim() || undefined;
        return true;
      },
      async () => {
        const text = await inputStep({
          title: flow.title,
          back: true,
          prompt: vscode.l10n.t('Auxiliary addresses the engine must not assign, as name=address, comma separated (--aux-address; empty: none)'),
          placeholder: 'router=172.16.86.2',
          value: formatKeyValues(config.auxAddresses ?? {}),
          validate: (value) => {
            const found = parseAuxAddresses(value, config.subnet).issue;
            return found ? validationMessage(found) : undefined;
          },
        });
        config.auxAddresses = parseAuxAddresses(text, config.subnet).value;
        return true;
      },
    ]);
  } catch (error) {
    if (error instanceof StepBack) {
      return undefined; // Back from the first sub-step: return to the list of subnets.
    }
    throw error;
  }
  return config;
}

function describeSubnet(config: SubnetSpec): string {
  return [
    config.gateway ? vscode.l10n.t('gateway {0}', config.gateway) : undefined,
    config.ipRange ? vscode.l10n.t('range {0}', config.ipRange) : undefined,
    config.auxAddresses && Object.keys(config.auxAddresses).length > 0 ? vscode.l10n.t('aux {0}', formatKeyValues(config.auxAddresses)) : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}

async function subnetsStep(flow: FlowContext, back: boolean): Promise<boolean> {
  for (;;) {
    type Action = { kind: 'add' } | { kind: 'continue' } | { kind: 'remove'; index: number };
    const add: Item<Action> = { label: vscode.l10n.t('$(add) Add a subnet…'), value: { kind: 'add' }, detail: vscode.l10n.t('Several subnets are allowed (IPv4, and IPv6 when IPv6 is on)') };
    const proceed: Item<Action> = {
      label: vscode.l10n.t('$(arrow-right) Continue'),
      value: { kind: 'continue' },
      detail: flow.spec.subnets.length === 0 ? vscode.l10n.t('No subnet: the engine picks one from its default pools') : undefined,
    };
    const existing: Item<Action>[] = flow.spec.subnets.map((config, index) => ({
      label: `$(trash) ${config.subnet}`,
      description: describeSubnet(config),
      detail: vscode.l10n.t('Select to remove this subnet'),
      value: { kind: 'remove', index },
    }));
    const items = flow.spec.subnets.length === 0 ? [add, proceed] : [proceed, add, ...existing];
    const chosen = await pickStep({ title: flow.title, back, placeholder: vscode.l10n.t('Subnets (--subnet, --gateway, --ip-range, --aux-address)'), items });
    if (chosen.value.kind === 'continue') {
      return true;
    }
    if (chosen.value.kind === 'remove') {
      flow.spec.subnets.splice(chosen.value.index, 1);
      continue;
    }
    const config = await editSubnet(flow);
    if (config) {
      flow.spec.subnets.push(config);
    }
  }
}

async function flagsStep(flow: FlowContext, back: boolean): Promise<boolean> {
  const internal: Item<'internal'> = { label: vscode.l10n.t('Internal'), value: 'internal', detail: vscode.l10n.t('No route to the outside (--internal)') };
  const attachable: Item<'attachable'> = { label: vscode.l10n.t('Attachable'), value: 'attachable', detail: vscode.l10n.t('Standalone containers may join this swarm network (--attachable)') };
  const items = flow.spec.driver === 'overlay' ? [internal, attachable] : [internal];
  const chosen = await pickStep({
    title: flow.title,
    back,
    placeholder: vscode.l10n.t('Options (select with Space, Enter to go on)'),
    items,
    canPickMany: true,
    selectedItems: items.filter((item) => (item.value === 'internal' ? flow.spec.internal : flow.spec.attachable)),
  });
  flow.spec.internal = chosen.some((item) => item.value === 'internal');
  flow.spec.attachable = chosen.some((item) => item.value === 'attachable');
  return true;
}

async function keyValueStep(flow: FlowContext, back: boolean, field: 'labels' | 'options'): Promise<boolean> {
  const text = await inputStep({
    title: flow.title,
    back,
    prompt:
      field === 'labels'
        ? vscode.l10n.t('Labels as key=value, comma separated (--label; empty: none)')
        : vscode.l10n.t('Driver options as key=value, comma separated (--opt; empty: none)'),
    placeholder: field === 'labels' ? 'env=prod, team=net' : 'com.docker.network.driver.mtu=1400',
    value: formatKeyValues(flow.spec[field]),
    validate: (value) => {
      const found = parseKeyValues(value, field).issue;
      return found ? validationMessage(found) : undefined;
    },
  });
  flow.spec[field] = parseKeyValues(text, field).value;
  return true;
}

async function reviewStep(flow: FlowContext, back: boolean): Promise<boolean> {
  const issues = validateCreateSpec(flow.spec, flow.inventory, flow.drivers);
  const create: Item<boolean> = {
    label: vscode.l10n.t('$(check) Create network {0}', flow.spec.name),
    value: true,
    detail: summaryOf(flow.spec),
  };
  const items: Item<boolean>[] =
    issues.length === 0 ? [create] : issues.map((found) => ({ label: `$(error) ${validationMessage(found)}`, value: false, detail: vscode.l10n.t('Go back to fix it') }));
  const chosen = await pickStep({ title: flow.title, back, placeholder: vscode.l10n.t('Review'), items });
  if (!chosen.value) {
    throw new StepBack();
  }
  return true;
}

function summaryOf(spec: CreateNetworkSpec): string {
  const parts = [vscode.l10n.t('driver {0}', spec.driver)];
  if (spec.parent) {
    parts.push(vscode.l10n.t('parent {0}', spec.parent));
  }
  for (const config of spec.subnets) {
    parts.push(config.subnet + (config.gateway ? ` → ${config.gateway}` : ''));
  }
  if (spec.ipv6) {
    parts.push('IPv6');
  }
  if (spec.internal) {
    parts.push(vscode.l10n.t('internal'));
  }
  if (spec.attachable) {
    parts.push(vscode.l10n.t('attachable'));
  }
  return parts.join(' · ');
}

/** Sends the request; on success the new network is revealed in the tree. */
async function submit(flow: FlowContext): Promise<void> {
  const [outcome] = await runAction(flow.services, {
    progressTitle: vscode.l10n.t('Creating network {0}…', flow.spec.name),
    run: async () => [await createNetwork(flow.services.session.client, flow.spec, flow.inventory, flow.drivers)],
    label: (item) => item.name,
    texts: { allDone: (name) => vscode.l10n.t('Network {0} created.', name) },
  });
  if (outcome.ok && outcome.item.id) {
    flow.services.log.info(`created network ${outcome.item.name} (${outcome.item.id.slice(0, 12)})`);
    void flow.services.revealInTree({ kind: 'network', id: outcome.item.id }).catch(() => undefined);
  }
}

async function startFlow(services: Services, title: string): Promise<FlowContext> {
  const inventory = requireInventory(services);
  let drivers: DriverContext;
  try {
    drivers = await readDriverContext(services.session.client);
  } catch {
    drivers = { swarmManager: false };
  }
  return { services, inventory, drivers, spec: emptySpec(), title };
}

/** Quick path: name, driver (Enter keeps bridge), then parent/mode for macvlan/ipvlan. */
export async function runQuickCreate(services: Services): Promise<void> {
  const flow = await startFlow(services, vscode.l10n.t('Create Network'));
  await runSteps([(back) => nameStep(flow, back), (back) => driverStep(flow, back), (back) => parentStep(flow, back), (back) => modeStep(flow, back)]);
  await submit(flow);
}

/** Full form: every option of `docker network create`, with Back on every step and a review. */
export async function runFullCreate(services: Services): Promise<void> {
  const flow = await startFlow(services, vscode.l10n.t('Create Network (All Options)'));
  try {
    await runSteps([
      (back) => nameStep(flow, back),
      (back) => driverStep(flow, back),
      (back) => parentStep(flow, back),
      (back) => modeStep(flow, back),
      (back) => ipv6Step(flow, back),
      (back) => subnetsStep(flow, back),
      (back) => flagsStep(flow, back),
      (back) => keyValueStep(flow, back, 'labels'),
      (back) => keyValueStep(flow, back, 'options'),
      (back) => reviewStep(flow, back),
    ]);
  } catch (error) {
    if (error instanceof StepBack) {
      throw new Cancelled();
    }
    throw error;
  }
  await submit(flow);
}
