/**
 * The create form's steps for what Docker 28 adds (API 1.48, Docker 27 for two gateway modes):
 * IPv4 off (`--ipv4=false`) and the bridge gateway mode of each address family. Each is offered only
 * when the connected engine's API has it (src/model/engineFeatures.ts); an older engine would drop
 * the field or keep the option without acting on it.
 */
import * as vscode from 'vscode';
import { engineFeatures, GATEWAY_MODE_OPTION, GatewayMode } from '../model/engineFeatures';
import { issue } from '../model/validation';
import { gatewayModeMeaning } from '../messages/gatewayModes';
import { validationMessage } from '../messages/validationMessages';
import type { CreateFlow, Item } from './createNetworkSteps';
import { pickStep } from './multiStepInput';

/** IPv4 on or off, after the IPv6 step: off needs IPv6 on, which the item says and the step enforces. */
export async function ipv4Step(flow: CreateFlow, back: boolean): Promise<boolean> {
  if (!engineFeatures(flow.drivers.apiVersion).ipv4Off) {
    return false;
  }
  for (;;) {
    const refusal = flow.spec.ipv6 ? undefined : validationMessage(issue('ipv4OffNeedsIpv6', 'ipv4'), vscode.l10n);
    const on: Item<boolean> = { label: vscode.l10n.t('IPv4 on'), value: true, description: vscode.l10n.t('default') };
    const off: Item<boolean> = {
      label: vscode.l10n.t('IPv4 off'),
      value: false,
      detail: refusal ? `$(warning) ${refusal}` : vscode.l10n.t('IPv6 only: containers get no IPv4 address (--ipv4=false)'),
    };
    const chosen = await pickStep({ title: flow.title, back, placeholder: vscode.l10n.t('IPv4'), items: [on, off], activeItem: flow.spec.ipv4 ? on : off });
    if (!chosen.value && refusal) {
      void vscode.window.showWarningMessage(refusal);
      continue;
    }
    flow.spec.ipv4 = chosen.value;
    return true;
  }
}

/**
 * The gateway mode of one family, for a bridge network on an engine that has them: nat (the
 * default, sent as nothing), then the others this engine knows, each with what it means. Isolated
 * needs an internal network (the engine refuses it otherwise): said on the item, and refused here.
 */
export async function gatewayModeStep(flow: CreateFlow, back: boolean, family: 4 | 6): Promise<boolean> {
  const modes = engineFeatures(flow.drivers.apiVersion).gatewayModes;
  const familyOn = family === 4 ? flow.spec.ipv4 : flow.spec.ipv6;
  if (flow.spec.driver !== 'bridge' || modes.length === 0 || !familyOn) {
    return false;
  }
  const current = (family === 4 ? flow.spec.gatewayModeIpv4 : flow.spec.gatewayModeIpv6) ?? 'nat';
  const isolatedRefusal = flow.spec.internal ? undefined : validationMessage(issue('gatewayModeIsolatedNeedsInternal', 'gatewayMode'), vscode.l10n);
  for (;;) {
    const items: Item<GatewayMode>[] = modes.map((mode) => ({
      label: mode,
      value: mode,
      description: mode === 'nat' ? vscode.l10n.t('default') : undefined,
      detail: mode === 'isolated' && isolatedRefusal ? `$(warning) ${isolatedRefusal}` : gatewayModeMeaning(mode, vscode.l10n),
    }));
    const chosen = await pickStep({
      title: flow.title,
      back,
      placeholder: vscode.l10n.t('IPv{0} gateway mode (-o {1})', family, GATEWAY_MODE_OPTION[family]),
      items,
      activeItem: items.find((item) => item.value === current),
    });
    if (chosen.value === 'isolated' && isolatedRefusal) {
      void vscode.window.showWarningMessage(isolatedRefusal);
      continue;
    }
    const mode = chosen.value === 'nat' ? undefined : chosen.value;
    if (family === 4) {
      flow.spec.gatewayModeIpv4 = mode;
    } else {
      flow.spec.gatewayModeIpv6 = mode;
    }
    return true;
  }
}
