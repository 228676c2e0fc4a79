import type * as vscode from 'vscode';
import type { Services } from '../services';

/** Registers the topology panel (serializer, commands' panel side). Filled by the topology work. */
export function registerTopology(_services: Services): vscode.Disposable[] {
  return [];
}
