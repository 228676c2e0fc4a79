/**
 * The subnets step of the full create form: a list of subnets (add, remove, continue), and for each
 * new one the sub-steps subnet -> gateway -> IP range -> auxiliary addresses, each validated at
 * the field against the subnet, the other subnets of the form and the engine's networks.
 */
import * as vscode from 'vscode';
import { mappedReadingOf, parseAuxAddresses, validateGateway, validateIpRange, validateSubnet } from '../model/addresses';
import { ipv4OffIssues, SubnetSpec } from '../model/createNetworkSpec';
import { formatKeyValues, ValidationIssue } from '../model/validation';
import type { CreateFlow, Item } from './createNetworkSteps';
import { inputStep, pickStep, runSteps, StepBack } from './multiStepInput';
import { fieldMessage } from '../messages/validationMessages';

interface Field {
  prompt: string;
  placeholder?: string;
  value?: string;
  /** The issue of a typed value; an empty value is accepted without a check when `optional`. */
  check: (text: string) => ValidationIssue | undefined;
  optional?: boolean;
}

/** One text field of a subnet, with Back; the trimmed text (empty: left to the engine). */
async function askField(flow: CreateFlow, field: Field): Promise<string> {
  const text = await inputStep({
    title: flow.title,
    back: true,
    prompt: field.prompt,
    placeholder: field.placeholder,
    value: field.value ?? '',
    validate: (value) => (field.optional && !value.trim() ? undefined : fieldMessage(field.check(value), vscode.l10n)),
  });
  return text.trim();
}

/** Asks one subnet with its gateway, IP range and auxiliary addresses; Back walks the sub-steps. */
async function editSubnet(flow: CreateFlow): Promise<SubnetSpec | undefined> {
  const config: SubnetSpec = { subnet: '' };
  const others = flow.spec.subnets.map((entry) => entry.subnet);
  try {
    await runSteps([
      async () => {
        config.subnet = await askField(flow, {
          prompt: vscode.l10n.t('Subnet in CIDR notation (--subnet)'),
          placeholder: '172.16.86.0/24',
          value: config.subnet,
          check: (text) =>
            validateSubnet(text, { ipv6Enabled: flow.spec.ipv6, inventory: flow.inventory, otherSubnets: others }) ?? ipv4OffIssues(flow.spec.ipv4, { subnet: text })[0],
        });
        return true;
      },
      async () => {
        config.gateway =
          (await askField(flow, {
            prompt: vscode.l10n.t('Gateway in {0} (--gateway; empty: the engine chooses)', config.subnet),
            value: config.gateway,
            check: (text) => validateGateway(text, config.subnet, mappedReadingOf(flow.drivers.apiVersion)),
            optional: true,
          })) || undefined;
        return true;
      },
      async () => {
        config.ipRange =
          (await askField(flow, {
            prompt: vscode.l10n.t('Range for container addresses, inside {0} (--ip-range; empty: the whole subnet)', config.subnet),
            value: config.ipRange,
            check: (text) => validateIpRange(text, config.subnet, mappedReadingOf(flow.drivers.apiVersion)),
            optional: true,
          })) || undefined;
        return true;
      },
      async () => {
        const text = await askField(flow, {
          prompt: vscode.l10n.t('Auxiliary addresses the engine must not assign, as name=address, comma separated (--aux-address; empty: none)'),
          placeholder: 'router=172.16.86.2',
          value: formatKeyValues(config.auxAddresses ?? {}),
          check: (value) => parseAuxAddresses(value, config.subnet, mappedReadingOf(flow.drivers.apiVersion)).issue,
        });
        config.auxAddresses = parseAuxAddresses(text, config.subnet, mappedReadingOf(flow.drivers.apiVersion)).value;
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

type ListAction = { kind: 'add' } | { kind: 'continue' } | { kind: 'remove'; index: number };

function listItems(flow: CreateFlow): Item<ListAction>[] {
  const add: Item<ListAction> = { label: vscode.l10n.t('$(add) Add a subnet…'), value: { kind: 'add' }, detail: vscode.l10n.t('Several subnets are allowed (IPv4, and IPv6 when IPv6 is on)') };
  const proceed: Item<ListAction> = {
    label: vscode.l10n.t('$(arrow-right) Continue'),
    value: { kind: 'continue' },
    detail: flow.spec.subnets.length === 0 ? vscode.l10n.t('No subnet: the engine picks one from its default pools') : undefined,
  };
  const existing: Item<ListAction>[] = flow.spec.subnets.map((config, index) => ({
    label: `$(trash) ${config.subnet}`,
    description: describeSubnet(config),
    detail: vscode.l10n.t('Select to remove this subnet'),
    value: { kind: 'remove', index },
  }));
  return flow.spec.subnets.length === 0 ? [add, proceed] : [proceed, add, ...existing];
}

/** The list of subnets: add one (sub-steps), remove one, or continue. */
export async function subnetsStep(flow: CreateFlow, back: boolean): Promise<boolean> {
  for (;;) {
    const chosen = await pickStep({ title: flow.title, back, placeholder: vscode.l10n.t('Subnets (--subnet, --gateway, --ip-range, --aux-address)'), items: listItems(flow) });
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
