/**
 * The create-network dialogue, as a multi-step quick input with Back: the quick path (name,
 * driver, Enter) and the full form (every `docker network create` option). Each field is
 * validated while typing by the pure model (the steps: createNetworkSteps.ts and
 * createNetworkSubnets.ts); the request is validated again as a whole before it is sent, and the
 * engine's refusal is translated.
 */
import * as vscode from 'vscode';
import { createNetwork, readDriverContext } from '../engine/runNetworkActions';
import { DriverContext, emptySpec } from '../model/createNetworkSpec';
import type { Services } from '../services';
import { requireInventory, runAction, sessionApiVersion } from './actionUi';
import { Cancelled } from './command';
import { CreateFlow, driverStep, flagsStep, ipv6Step, keyValueStep, modeStep, nameStep, parentStep, reviewStep } from './createNetworkSteps';
import { gatewayModeStep, ipv4Step } from './createNetworkGateway';
import { subnetsStep } from './createNetworkSubnets';
import { runSteps, StepBack } from './multiStepInput';

/** Sends the request; on success the new network is revealed in the tree. */
async function submit(flow: CreateFlow): Promise<void> {
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

async function startFlow(services: Services, title: string): Promise<CreateFlow> {
  const inventory = requireInventory(services);
  const apiVersion = sessionApiVersion(services);
  const state = services.session.state;
  const product = state.kind === 'connected' ? state.engineProduct : undefined;
  let drivers: DriverContext;
  try {
    drivers = await readDriverContext(services.session.client, apiVersion, product);
  } catch {
    drivers = { swarmManager: false, apiVersion, engineProduct: product };
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
  const flow = await startFlow(services, vscode.l10n.t('New Network (All Options)'));
  try {
    await runSteps([
      (back) => nameStep(flow, back),
      (back) => driverStep(flow, back),
      (back) => parentStep(flow, back),
      (back) => modeStep(flow, back),
      (back) => ipv6Step(flow, back),
      (back) => ipv4Step(flow, back),
      (back) => subnetsStep(flow, back),
      (back) => flagsStep(flow, back),
      (back) => gatewayModeStep(flow, back, 4),
      (back) => gatewayModeStep(flow, back, 6),
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
