/**
 * The steps of the create-network dialogue, one function each: name, driver, parent interface and
 * mode (macvlan/ipvlan), IPv6, flags, labels and options, review. Each step reads and fills the
 * spec of its `CreateFlow`, validates at the field with the pure model, and returns false when it
 * does not apply (runSteps then skips it, also on Back). The subnets step is in createNetworkSubnets.ts.
 */
import * as vscode from 'vscode';
import { listHostInterfaces } from '../engine/hostInterfaces';
import {
  creatableDrivers,
  CreateNetworkSpec,
  DriverContext,
  driverNeedsParent,
  gatewayModeOf,
  IPVLAN_MODES,
  MACVLAN_MODES,
  NetworkCreateRequest,
  toCreateRequest,
  validateCreateSpec,
  validateDriver,
  validateNetworkName,
} from '../model/createNetworkSpec';
import type { Inventory } from '../model/inventory';
import { engineFeatures, GATEWAY_MODE_OPTION } from '../model/engineFeatures';
import { formatKeyValues, parseKeyValues } from '../model/validation';
import type { Services } from '../services';
import { inputStep, pickStep, StepBack } from './multiStepInput';
import { fieldMessage, validationMessage } from '../messages/validationMessages';

export type Item<T> = vscode.QuickPickItem & { value: T };

/** What the steps share: the engine facts they check against and the spec they fill in. */
export interface CreateFlow {
  services: Services;
  inventory: Inventory;
  drivers: DriverContext;
  spec: CreateNetworkSpec;
  title: string;
}

export async function nameStep(flow: CreateFlow, back: boolean): Promise<boolean> {
  const value = await inputStep({
    title: flow.title,
    back,
    prompt: vscode.l10n.t('Name of the new network'),
    placeholder: vscode.l10n.t('for example my-bridge'),
    value: flow.spec.name,
    validate: (text) => fieldMessage(validateNetworkName(text, flow.inventory), vscode.l10n),
  });
  flow.spec.name = value.trim();
  return true;
}

export async function driverStep(flow: CreateFlow, back: boolean): Promise<boolean> {
  for (;;) {
    const items: Item<string>[] = creatableDrivers(flow.drivers.engineDrivers).map((driver) => {
      const refused = validateDriver(driver, flow.drivers);
      return {
        label: driver,
        value: driver,
        description: driver === flow.spec.driver ? vscode.l10n.t('current') : undefined,
        detail: refused ? `$(warning) ${validationMessage(refused, vscode.l10n)}` : driverDetail(driver),
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
      void vscode.window.showWarningMessage(validationMessage(refused, vscode.l10n));
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

export async function parentStep(flow: CreateFlow, back: boolean): Promise<boolean> {
  if (!driverNeedsParent(flow.spec.driver)) {
    return false;
  }
  const local = flow.services.session.isLocal;
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

export async function modeStep(flow: CreateFlow, back: boolean): Promise<boolean> {
  if (!driverNeedsParent(flow.spec.driver)) {
    return false;
  }
  const modes: readonly string[] = flow.spec.driver === 'macvlan' ? MACVLAN_MODES : IPVLAN_MODES;
  const items: Item<string>[] = modes.map((mode, index) => ({ label: mode, value: mode, description: index === 0 ? vscode.l10n.t('default') : undefined }));
  const chosen = await pickStep({ title: flow.title, back, placeholder: vscode.l10n.t('Mode of the {0} driver', flow.spec.driver), items, activeItem: items.find((item) => item.value === flow.spec.mode) });
  flow.spec.mode = chosen.value === modes[0] ? undefined : chosen.value;
  return true;
}

export async function ipv6Step(flow: CreateFlow, back: boolean): Promise<boolean> {
  const off: Item<boolean> = { label: vscode.l10n.t('IPv6 off'), value: false };
  const detail = engineFeatures(flow.drivers.apiVersion).ipv6SubnetChosen
    ? vscode.l10n.t('Give an IPv6 subnet in the next step, or none: the engine picks one (a ULA /64)')
    : vscode.l10n.t('Give an IPv6 subnet in the next step (--ipv6 --subnet fd00:…/64)');
  const on: Item<boolean> = { label: vscode.l10n.t('IPv6 on'), value: true, detail };
  const chosen = await pickStep({ title: flow.title, back, placeholder: vscode.l10n.t('IPv6'), items: [off, on], activeItem: flow.spec.ipv6 ? on : off });
  flow.spec.ipv6 = chosen.value;
  if (!flow.spec.ipv6) {
    flow.spec.subnets = flow.spec.subnets.filter((config) => !config.subnet.includes(':'));
  }
  return true;
}

export async function flagsStep(flow: CreateFlow, back: boolean): Promise<boolean> {
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

export async function keyValueStep(flow: CreateFlow, back: boolean, field: 'labels' | 'options'): Promise<boolean> {
  const text = await inputStep({
    title: flow.title,
    back,
    prompt:
      field === 'labels'
        ? vscode.l10n.t('Labels as key=value, comma separated (--label; empty: none)')
        : vscode.l10n.t('Driver options as key=value, comma separated (--opt; empty: none)'),
    placeholder: field === 'labels' ? 'env=prod, team=net' : 'com.docker.network.driver.mtu=1400',
    value: formatKeyValues(flow.spec[field]),
    validate: (value) => fieldMessage(parseKeyValues(value, field).issue, vscode.l10n),
  });
  flow.spec[field] = parseKeyValues(text, field).value;
  return true;
}

type ReviewAction = 'create' | 'fact' | 'back';

/** A user-typed value inside a quick pick row: `$(name)` would be drawn as an icon, so it is broken up. */
function plain(text: string): string {
  return text.replace(/\$\(/g, '$\u200b(');
}

/** One row per value the request carries, under a separator per section: everything that will be sent. */
function requestRows(request: NetworkCreateRequest, apiVersion: string | undefined): Item<ReviewAction>[] {
  const rows: Item<ReviewAction>[] = [];
  const section = (label: string) => rows.push({ label, kind: vscode.QuickPickItemKind.Separator, value: 'fact' });
  const fact = (label: string, value: string) => rows.push({ label: plain(`${label}: ${value}`), value: 'fact' });
  const yesNo = (on: boolean | undefined) => (on ? vscode.l10n.t('yes') : vscode.l10n.t('no'));
  section(vscode.l10n.t('Network'));
  fact(vscode.l10n.t('Name'), request.Name);
  fact(vscode.l10n.t('Driver'), request.Driver ?? 'bridge');
  fact(vscode.l10n.t('IPv6'), yesNo(request.EnableIPv6));
  if (request.EnableIPv4 === false || engineFeatures(apiVersion).ipv4Off) {
    fact(vscode.l10n.t('IPv4'), yesNo(request.EnableIPv4 !== false));
  }
  for (const family of [4, 6] as const) {
    const mode = request.Options?.[GATEWAY_MODE_OPTION[family]];
    if (mode !== undefined) {
      fact(vscode.l10n.t('IPv{0} gateway mode', family), mode);
    }
  }
  fact(vscode.l10n.t('Internal'), yesNo(request.Internal));
  if (request.Driver === 'overlay') {
    fact(vscode.l10n.t('Attachable'), yesNo(request.Attachable));
  }
  const configs = request.IPAM?.Config ?? [];
  if (configs.length === 0) {
    fact(vscode.l10n.t('Subnet'), vscode.l10n.t('chosen by the engine from its default pools'));
  }
  for (const config of configs) {
    section(vscode.l10n.t('Subnet {0}', config.Subnet ?? ''));
    fact(vscode.l10n.t('Gateway'), config.Gateway ?? vscode.l10n.t('chosen by the engine'));
    fact(vscode.l10n.t('IP range'), config.IPRange ?? vscode.l10n.t('the whole subnet'));
    const aux = Object.entries(config.AuxiliaryAddresses ?? {});
    fact(vscode.l10n.t('Auxiliary addresses'), aux.length > 0 ? aux.map(([name, address]) => `${name}=${address}`).join(', ') : vscode.l10n.t('none'));
  }
  for (const [title, map] of [
    [vscode.l10n.t('Labels'), request.Labels],
    [vscode.l10n.t('Driver options'), request.Options],
  ] as const) {
    const entries = Object.entries(map ?? {});
    section(title);
    if (entries.length === 0) {
      rows.push({ label: vscode.l10n.t('none'), value: 'fact' });
    }
    for (const [key, value] of entries) {
      rows.push({ label: plain(`${key}=${value}`), value: 'fact' });
    }
  }
  return rows;
}

/** The last step: what will be sent, row by row, and Create (or the problems, each going back to fix it). */
export async function reviewStep(flow: CreateFlow, back: boolean): Promise<boolean> {
  for (;;) {
    const issues = validateCreateSpec(flow.spec, flow.inventory, flow.drivers);
    const create: Item<ReviewAction> = { label: vscode.l10n.t('$(check) Create network {0}', flow.spec.name), value: 'create', detail: summaryOf(flow.spec) };
    const head: Item<ReviewAction>[] =
      issues.length === 0 ? [create] : issues.map((found) => ({ label: `$(error) ${validationMessage(found, vscode.l10n)}`, value: 'back', detail: vscode.l10n.t('Go back to fix it') }));
    const items = [...head, ...requestRows(toCreateRequest(flow.spec, flow.drivers.engineProduct), flow.drivers.apiVersion)];
    const chosen = await pickStep({ title: flow.title, back, placeholder: vscode.l10n.t('Review: everything below is sent to the engine'), items, activeItem: head[0] });
    if (chosen.value === 'back') {
      throw new StepBack();
    }
    if (chosen.value === 'create') {
      return true;
    }
  }
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
  if (!spec.ipv4) {
    parts.push(vscode.l10n.t('IPv4 off'));
  }
  for (const family of [4, 6] as const) {
    const mode = gatewayModeOf(spec, family);
    if (mode) {
      parts.push(vscode.l10n.t('IPv{0} gateway {1}', family, mode));
    }
  }
  if (spec.internal) {
    parts.push(vscode.l10n.t('internal'));
  }
  if (spec.attachable) {
    parts.push(vscode.l10n.t('attachable'));
  }
  return parts.join(' · ');
}
