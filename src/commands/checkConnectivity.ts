/**
 * Check Connectivity: can A reach B (by address or by a name, ping or a TCP port), explained from
 * the engine's facts and observed from inside A, shown as a report beside the editor and as a
 * highlighted path on the topology diagram. From a container's context menu ("Check Connectivity
 * To…": A is the clicked container), from the palette and from the topology panel (asks both).
 */
import * as vscode from 'vscode';
import { checkReach, HOST_SIDE, ReachRequestError } from '../engine/reachability/checkReach';
import { reachNameIssue } from '../model/engineValues';
import type { ContainerModel, Inventory } from '../model/inventory';
import { byName } from '../model/naturalOrder';
import { oneLine } from '../model/safeText';
import type { ReachReport } from '../model/reachability/types';
import type { TopologyScope } from '../model/topology/types';
import type { TreeNode } from '../model/treeModel';
import type { Services } from '../services';
import { ENGINE_VALUE_KINDS } from '../messages/reachMessages';
import { containerStateText } from '../messages/containerStates';
import { helperObservationImage } from '../session/vscodeHelperObservation';
import { Cancelled, CommandDefinition, UserFacingError } from './command';

type SidePick = vscode.QuickPickItem & { ref: string };

function sideItems(inventory: Inventory, except?: string): SidePick[] {
  const containers = inventory.containers
    .filter((container) => container.id !== except)
    .sort(byName)
    .map((container: ContainerModel): SidePick => ({ label: `$(vm) ${container.name}`, description: containerStateText(container.state, vscode.l10n), ref: container.id }));
  const host: SidePick = { label: `$(server) ${vscode.l10n.t('The host')}`, description: vscode.l10n.t('the machine the engine runs on'), ref: HOST_SIDE };
  return except === HOST_SIDE ? containers : [...containers, host];
}

async function pickSide(inventory: Inventory, title: string, placeHolder: string, except?: string): Promise<string> {
  const chosen = await vscode.window.showQuickPick(sideItems(inventory, except), { title, placeHolder, matchOnDescription: true });
  if (!chosen) {
    throw new Cancelled();
  }
  return chosen.ref;
}

/** Optional: a TCP port (empty: ping), then optional: a name to reach B by (empty: its addresses). */
async function askHow(title: string): Promise<{ port?: number; name?: string }> {
  const port = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('TCP port to connect to (leave empty to ping)'),
    validateInput: (value) => (value.trim() === '' || (/^\d+$/.test(value.trim()) && Number(value) >= 1 && Number(value) <= 65535) ? undefined : vscode.l10n.t('A port is a number from 1 to 65535.')),
  });
  if (port === undefined) {
    throw new Cancelled();
  }
  const name = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Name to reach the target by (leave empty to use its addresses)'),
    validateInput: (value) => nameMessage(value.trim()),
  });
  if (name === undefined) {
    throw new Cancelled();
  }
  return { port: port.trim() ? Number(port) : undefined, name: name.trim() || undefined };
}

/** Empty: use the addresses. Else a DNS name as the docker CLI writes names and aliases (never a leading `-`). */
function nameMessage(name: string): string | undefined {
  if (name === '') {
    return undefined;
  }
  if (/\s/.test(name)) {
    return vscode.l10n.t('A name has no spaces.');
  }
  return reachNameIssue(name)
    ? vscode.l10n.t('"{0}" is not a container name or alias: start with a letter or digit, then use only letters, digits, "_", "." and "-".', oneLine(name, 200))
    : undefined;
}

/**
 * The doctor refused the question: the engine went away, a side vanished since it was picked, the
 * name is not one, or the engine answered a value its field cannot hold (nothing was run).
 */
function requestError(error: unknown): unknown {
  if (!(error instanceof ReachRequestError)) {
    return error;
  }
  switch (error.code) {
    case 'engineUnreachable':
      return new UserFacingError(vscode.l10n.t('The Docker engine is not reachable.'));
    case 'invalidName':
      return new UserFacingError(nameMessage(error.ref) ?? error.message);
    case 'engineValueInvalid':
      return new UserFacingError(
        vscode.l10n.t(
          'The engine answered a value that is not valid, so nothing was run: {0} is "{1}", not {2}.',
          oneLine(error.ref, 300),
          oneLine(error.invalid?.value ?? '', 200),
          ENGINE_VALUE_KINDS[error.invalid?.kind ?? 'ipAddress'](vscode.l10n),
        ),
      );
    default:
      return new UserFacingError(vscode.l10n.t('{0} is no longer on this engine: refresh and try again.', oneLine(error.ref, 200)));
  }
}

/** Where a new topology panel looks: the network the path runs over, else the source, else the host. */
function diagramScope(report: ReachReport): TopologyScope {
  if (report.path.networkId) {
    return { kind: 'network', networkId: report.path.networkId };
  }
  const from = report.effectiveFrom;
  return from.kind === 'container' ? { kind: 'container', containerId: from.id } : { kind: 'host' };
}

function sourceOfNode(node: unknown): string | undefined {
  const treeNode = node && typeof node === 'object' && 'kind' in node ? (node as TreeNode) : undefined;
  return treeNode && (treeNode.kind === 'container' || treeNode.kind === 'endpoint' || treeNode.kind === 'membership') ? treeNode.containerId : undefined;
}

/**
 * A side as the log names it: a container by its name (unique on its engine; a 64-character id told
 * the reader nothing), the short id only for one gone since, or "host".
 */
function sideLogName(inventory: Inventory, ref: string): string {
  return ref === HOST_SIDE ? 'host' : inventory.containerById.get(ref)?.name ?? ref.slice(0, 12);
}

/**
 * The engine is observed through the helper level: the user allowed helper containers on it, so the
 * doctor's probes run from one too (where this machine cannot enter A's namespace as root).
 */
function helperConsented(services: Services): { helper?: { image: string; log: (line: string) => void } } {
  return services.topologySource.observed ? { helper: { image: helperObservationImage(), log: (line) => services.log.info(line) } } : {};
}

async function checkConnectivity(services: Services, node?: unknown): Promise<void> {
    const inventory = services.inventory();
    if (!inventory) {
      throw new UserFacingError(vscode.l10n.t('The Docker engine is not reachable.'));
    }
    const title = vscode.l10n.t('Check Connectivity');
    const from = sourceOfNode(node) ?? (await pickSide(inventory, title, vscode.l10n.t('From (A)')));
    const fromName = from === HOST_SIDE ? vscode.l10n.t('the host') : inventory.containerById.get(from)?.name ?? from;
    const to = await pickSide(inventory, title, vscode.l10n.t('From {0} to (B)', fromName), from);
    const how = await askHow(title);
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking whether {0} reaches the target…', fromName) },
      () =>
        checkReach(services.session, { from, to, ...how, ...helperConsented(services) }, services.topologySource).catch((error: unknown) => {
          throw requestError(error);
        }),
    );
    services.log.info(
      oneLine(
        `connectivity: ${sideLogName(inventory, from)} -> ${sideLogName(inventory, to)}${how.name ? ` by ${how.name}` : ''}${how.port ? ` port ${how.port}` : ''}: ${report.verdict.final} (explained ${report.verdict.explained}, observed ${report.verdict.observed ?? 'no'}` +
          `${report.observation.method !== 'none' ? `, ${report.observation.method}` : ''}${report.observation.reason ? `, ${report.observation.reason}` : ''})`,
      ),
    );
    // The diagram first, scoped to where the path runs, the report beside it.
    const panel = services.topologyPanel.show(diagramScope(report));
    panel.highlightPath(report.path);
    await services.reachReports.show(report);
}

/** From the palette and the topology panel's title bar: asks A and B. */
export const checkConnectivityCommand: CommandDefinition = {
  id: 'dockerNetworks.checkConnectivity',
  run: (services: Services, node?: unknown) => checkConnectivity(services, node),
};

/** From a container's context menu: A is the clicked container, asks B. */
export const checkConnectivityToCommand: CommandDefinition = {
  id: 'dockerNetworks.checkConnectivityTo',
  run: (services: Services, node?: unknown) => checkConnectivity(services, node),
};
