/**
 * What the network action commands share: the inventory or a clear error, the clicked node plus
 * the multi-selection, a modal confirmation, and the tail of every action (progress -> settle ->
 * one summary of what was done, what was not, and why).
 */
import * as vscode from 'vscode';
import type { ContainerModel, Inventory } from '../model/inventory';
import type { StepOutcome } from '../model/networkActions';
import type { TreeNode } from '../model/treeModel';
import type { Services } from '../services';
import { ActionTexts, engineChanged, failureLogLines, SummaryMessage, summaryMessages } from './actionSummary';
import { Cancelled, UserFacingError } from './command';
import { operationErrorMessage } from '../messages/engineErrorMessages';
import { validationMessage } from '../messages/validationMessages';

export function requireInventory(services: Services): Inventory {
  const inventory = services.inventory();
  if (!inventory) {
    throw new UserFacingError(vscode.l10n.t('The Docker engine is not reachable.'));
  }
  return inventory;
}

/** The connected engine's API version, as the session read it (`GET /version`): what the forms may offer. */
export function sessionApiVersion(services: Services): string | undefined {
  const state = services.session.state;
  return state.kind === 'connected' ? state.apiVersion : undefined;
}

function isTreeNode(value: unknown): value is TreeNode {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string' && typeof (value as { id?: unknown }).id === 'string';
}

/** VS Code passes (clicked, selection): the selection when the clicked node is part of it, else the clicked node. */
export function selectedNodes(node: unknown, selection: unknown): TreeNode[] {
  const clicked = isTreeNode(node) ? node : undefined;
  const many = Array.isArray(selection) ? selection.filter(isTreeNode) : [];
  if (clicked && many.some((entry) => entry.id === clicked.id)) {
    return many;
  }
  return clicked ? [clicked] : [];
}

/** The network ids of the selected network nodes, each once. */
export function selectedNetworkIds(nodes: readonly TreeNode[]): string[] {
  return [...new Set(nodes.flatMap((entry) => (entry.kind === 'network' ? [entry.networkId] : [])))];
}

/** The containers of the selected nodes of these kinds that the inventory still has, each once. */
export function selectedContainers(inventory: Inventory, nodes: readonly TreeNode[], kinds: readonly ('container' | 'membership')[]): ContainerModel[] {
  const ids = nodes.flatMap((entry) => ((entry.kind === 'container' || entry.kind === 'membership') && kinds.includes(entry.kind) ? [entry.containerId] : []));
  return known([...new Set(ids)], inventory.containerById);
}

/** The objects the inventory still has for these ids, in their order. */
export function known<T>(ids: readonly string[], byId: ReadonlyMap<string, T>): T[] {
  return ids.map((id) => byId.get(id)).filter((found): found is T => found !== undefined);
}

function withProgress<T>(title: string, task: (report: (message: string) => void) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, (progress) =>
      task((message) => progress.report({ message })),
    ),
  );
}

/** Why one step failed, as one sentence. */
function reasonOf<T>(outcome: StepOutcome<T>): string {
  if (outcome.notSent) {
    return vscode.l10n.t('Not sent: the engine had stopped answering at an earlier step.');
  }
  if (outcome.issues && outcome.issues.length > 0) {
    return outcome.issues.map((issue) => validationMessage(issue, vscode.l10n)).join(' ');
  }
  if (outcome.error) {
    return operationErrorMessage(outcome.error, vscode.l10n);
  }
  return '';
}

/** One network action for `runAction`: what it runs, how it names an item, what it says at the end. */
export interface Action<T> {
  /** The title of the progress notification. */
  progressTitle: string;
  /** Runs every step; calls `step` as each item starts (its label shows in the progress). */
  run(step: (item: T) => void): Promise<StepOutcome<T>[]>;
  /** An item's name in the progress, the summary and the log. */
  label(item: T): string;
  texts: ActionTexts;
}

/**
 * The tail every network action shares: progress while it runs, then (when the engine changed)
 * wait for the trees to show it, then one summary. Returns the outcomes for what is particular.
 */
export async function runAction<T>(services: Services, action: Action<T>): Promise<StepOutcome<T>[]> {
  const outcomes = await withProgress(action.progressTitle, async (report) => {
    const result = await action.run((item) => report(action.label(item)));
    if (engineChanged(result)) {
      await settle(services);
    }
    return result;
  });
  for (const line of failureLogLines(outcomes, action.label)) {
    services.log.warn(line);
  }
  for (const message of summaryMessages(outcomes, action.label, { itemReason: (item, reason) => vscode.l10n.t('{0}: {1}', item, reason), ...action.texts }, reasonOf)) {
    show(message);
  }
  return outcomes;
}

function show(message: SummaryMessage): void {
  const options: vscode.MessageOptions = message.modal ? { modal: true, detail: message.modal.detail } : {};
  if (message.severity === 'information') {
    void vscode.window.showInformationMessage(message.text, options);
  } else if (message.severity === 'warning') {
    void vscode.window.showWarningMessage(message.text, options);
  } else {
    void vscode.window.showErrorMessage(message.text, options);
  }
}

/** Remove and Prune: the same item label and summary sentences. */
export function removalAction<T extends { networkName: string }>(progressTitle: string, run: Action<T>['run']): Action<T> {
  return {
    progressTitle,
    run,
    label: (item) => item.networkName,
    texts: {
      allDone: (list) => vscode.l10n.t('Removed: {0}.', list),
      someFailed: (done, failed) => vscode.l10n.t('{0} removed, {1} not removed.', done, failed),
      partlyDone: (network, containers) => vscode.l10n.t('{0} was not removed, but these containers were already disconnected from it: {1}.', network, containers),
    },
  };
}

/** A modal warning with its action buttons: the button chosen, or Cancelled when dismissed. */
export async function confirmModal(message: string, detail: string, ...actions: string[]): Promise<string> {
  const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...actions);
  if (answer === undefined || !actions.includes(answer)) {
    throw new Cancelled();
  }
  return answer;
}

/** Waits for the trees to show the change (the engine's events also do it on their own). */
async function settle(services: Services): Promise<void> {
  try {
    await services.refreshNow();
  } catch {
    // The events will catch up.
  }
}
