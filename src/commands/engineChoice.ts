/**
 * The one place that decides which engine a command acts on when several are shown: the engine of
 * the clicked node (the multi-selection kept to that engine), or, from the palette or a view title,
 * the engine the user picks first. Commands themselves only see services narrowed to that engine.
 */
import * as vscode from 'vscode';
import { shortHost } from '../model/displayHost';
import { engineOfArguments, selectionOnEngine } from '../model/engines';
import type { Services } from '../services';
import type { EngineEntry } from '../session/sessionManager';
import { engineStateText } from '../views/engineItems';
import { Cancelled, CommandDefinition } from './command';

async function pickEngine(engines: readonly EngineEntry[]): Promise<string> {
  const chosen = await vscode.window.showQuickPick(
    engines.map((entry) => {
      const host = shortHost(entry.session.target.host);
      // A context's host is worth a line; a host URL is its own label already.
      return { label: `$(server-environment) ${entry.label}`, description: engineStateText(entry), detail: host === entry.label ? undefined : host, key: entry.key };
    }),
    { title: vscode.l10n.t('Which engine?'), placeHolder: vscode.l10n.t('The engine to act on') },
  );
  if (!chosen) {
    throw new Cancelled();
  }
  return chosen.key;
}

/** The services and arguments a command runs with: unchanged with one engine or an engine-less command. */
export async function onChosenEngine(services: Services, command: CommandDefinition, args: unknown[]): Promise<{ services: Services; args: unknown[] }> {
  const engines = services.severalEngines();
  if (engines.length === 0 || command.engine === 'none') {
    return { services, args };
  }
  const [node, selection, ...rest] = args;
  const named = engineOfArguments(node, selection) ?? services.topologyPanel.activeEngine();
  const key = named !== undefined && engines.some((entry) => entry.key === named) ? named : await pickEngine(engines);
  return { services: services.forEngine(key), args: args.length > 1 ? [node, selectionOnEngine(selection, key), ...rest] : args };
}
