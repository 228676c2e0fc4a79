/**
 * The root node of one engine when several are shown: its name, its state in the description, and
 * in the tooltip the cause the welcome view would give (socket missing, refused, TLS…) with the
 * engine's own error, so each engine says what is wrong with it.
 */
import * as vscode from 'vscode';
import { displayHost, shortHost } from '../model/displayHost';
import type { Inventory } from '../model/inventory';
import type { TreeFilter, TreeKind } from '../model/treeModel';
import { unreachableCauseSentence } from '../messages/unreachableMessages';
import type { EngineEntry } from '../session/sessionManager';
import { code, field } from './treeItems';

/** Whether the engine is reached over TLS whose certificate is not checked (skip-verify). */
function tlsUnverified(entry: EngineEntry): boolean {
  return entry.session.target.tls?.verify === false;
}

/** "connected · 20.10.24" ("connected, certificate not verified · 20.10.24" over skip-verify TLS), "unreachable", "connecting…". */
export function engineStateText(entry: EngineEntry): string {
  const state = entry.session.state;
  switch (state.kind) {
    case 'connected':
      return tlsUnverified(entry)
        ? vscode.l10n.t('connected, certificate not verified · {0}', state.engineVersion ?? '?')
        : vscode.l10n.t('connected · {0}', state.engineVersion ?? '?');
    case 'unreachable':
      return vscode.l10n.t('unreachable');
    default:
      return vscode.l10n.t('connecting…');
  }
}

function engineTooltip(entry: EngineEntry): vscode.MarkdownString {
  const session = entry.session;
  const state = session.state;
  const lines = [`**${code(entry.label)}**`, field(vscode.l10n.t('Engine'), code(shortHost(session.target.host)))];
  if (state.kind === 'unreachable') {
    lines.push(unreachableCauseSentence(state.cause, vscode.l10n), code(displayHost(state.detail)));
  } else if (state.kind === 'connected') {
    if (tlsUnverified(entry)) {
      lines.push(`⚠ ${vscode.l10n.t("TLS is on but the engine's certificate is not verified (DOCKER_TLS without DOCKER_TLS_VERIFY, or the context's SkipTLSVerify): anyone on the path could pose as this engine.")}`);
    }
    lines.push(session.isLocal ? vscode.l10n.t('Runs on this machine.') : vscode.l10n.t('A remote engine: its topology is drawn from the API (inferred, dashed).'));
  }
  const tooltip = new vscode.MarkdownString(lines.join('\n\n'));
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  return tooltip;
}

/**
 * An engine's root. Always expanded: VS Code keeps a row's collapsible state across refreshes of the
 * same id, so a root that started as a leaf (connecting) would never show its networks.
 */
export function engineItem(entry: EngineEntry, tree: TreeKind): vscode.TreeItem {
  const state = entry.session.state;
  const connected = state.kind === 'connected';
  const item = new vscode.TreeItem(entry.label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `${tree}/engine:${entry.key}`;
  item.description = engineStateText(entry);
  item.tooltip = engineTooltip(entry);
  item.contextValue = `engine:${state.kind}`;
  item.iconPath =
    state.kind === 'unreachable'
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
      : connected && tlsUnverified(entry)
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
        : new vscode.ThemeIcon(connected ? 'server-environment' : 'loading~spin');
  return item;
}

/** Why a connected engine's root has nothing under it: nothing there, or the filters hide it all. */
export function emptyEngineSentence(tree: TreeKind, inventory: Inventory, filter: TreeFilter): string {
  if (filter.nameFilter) {
    return tree === 'networks' ? vscode.l10n.t('No networks match the filter') : vscode.l10n.t('No containers match the filter');
  }
  if (tree === 'networks') {
    return vscode.l10n.t('No networks to show');
  }
  return inventory.containers.length === 0 ? vscode.l10n.t('No containers') : vscode.l10n.t('No running containers');
}

/**
 * The row under an engine's root that has no tree: an unreachable engine's cause (the engine's own
 * error in the tooltip, Retry beside it), or, given `empty`, why a connected engine shows nothing.
 */
export function engineCauseItem(entry: EngineEntry, tree: TreeKind, empty?: string): vscode.TreeItem {
  const state = entry.session.state;
  const label = state.kind === 'unreachable' ? unreachableCauseSentence(state.cause, vscode.l10n) : empty ?? engineStateText(entry);
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.id = `${tree}/engineCause:${entry.key}`;
  item.tooltip = engineTooltip(entry);
  item.contextValue = state.kind === 'unreachable' ? 'engineCause' : 'engineEmpty';
  item.iconPath = new vscode.ThemeIcon('info');
  return item;
}
