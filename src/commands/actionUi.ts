/**
 * What the network action commands share: the inventory or a clear error, the clicked node plus
 * the multi-selection, quick picks of networks and containers, progress, and one summary message
 * for a multi-step action (what was done, what was not, and why).
 */
import * as vscode from 'vscode';
import type { Inventory } from '../model/inventory';
import type { ActionSummary, StepOutcome } from '../model/networkActions';
import type { TreeNode } from '../model/treeModel';
import type { Services } from '../services';
import { Cancelled, UserFacingError } from './command';
import { operationErrorMessage } from './engineErrorMessages';
import { validationMessage } from './validationMessages';

export function requireInventory(services: Services): Inventory {
  const inventory = services.inventory();
  if (!inventory) {
    throw new UserFacingError(vscode.l10n.t('The Docker engine is not reachable.'));
  }
  return inventory;
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

export function withProgress<T>(title: string, task: (report: (message: string) => void) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, (progress) =>
      task((message) => progress.report({ message })),
    ),
  );
}

/** Why one step failed, as one sentence. */
export function reasonOf<T>(outcome: StepOutcome<T>): string {
  if (outcome.issues && outcome.issues.length > 0) {
    return outcome.issues.map(validationMessage).join(' ');
  }
  if (outcome.error) {
    return operationErrorMessage(outcome.error);
  }
  return '';
}

/**
 * One message for the whole action: information when all went well, a warning listing the
 * failures (with their reasons) otherwise. `label` names an item in the message.
 */
export async function showSummary<T>(
  summary: ActionSummary<T>,
  label: (item: T) => string,
  texts: { allDone: (names: string) => string; someFailed: (done: number, failed: number) => string },
  services: Services,
): Promise<void> {
  for (const failure of summary.failed) {
    services.log.warn(`${label(failure.item)}: ${failure.error?.engineMessage || failure.issues?.map((i) => i.code).join(',') || 'failed'}`);
  }
  if (summary.failed.length === 0) {
    if (summary.done.length > 0) {
      void vscode.window.showInformationMessage(texts.allDone(summary.done.map((outcome) => label(outcome.item)).join(', ')));
    }
    return;
  }
  if (summary.done.length === 0 && summary.failed.length === 1) {
    void vscode.window.showErrorMessage(reasonOf(summary.failed[0]));
    return;
  }
  const detail = [
    ...summary.done.map((outcome) => `✓ ${label(outcome.item)}`),
    ...summary.failed.map((outcome) => `✗ ${label(outcome.item)}: ${reasonOf(outcome)}`),
  ].join('\n');
  void vscode.window.showWarningMessage(texts.someFailed(summary.done.length, summary.failed.length), { modal: true, detail });
}

/** The summary sentences of the two commands that remove networks (Remove and Prune). */
export function removalTexts(): { allDone: (names: string) => string; someFailed: (done: number, failed: number) => string } {
  return {
    allDone: (list) => vscode.l10n.t('Removed: {0}.', list),
    someFailed: (done, failed) => vscode.l10n.t('{0} removed, {1} not removed.', done, failed),
  };
}

export function cancelUnless<T>(value: T | undefined): T {
  if (value === undefined) {
    throw new Cancelled();
  }
  return value;
}

/** Waits for the trees to show the change (the engine's events also do it on their own). */
export async function settle(services: Services): Promise<void> {
  try {
    await services.refreshNow();
  } catch {
    // The events will catch up.
  }
}
