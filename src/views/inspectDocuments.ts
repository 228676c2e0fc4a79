/**
 * Read-only JSON documents of the engine's own answers, under their own URI scheme:
 *   docker-network-inspect:/network/<name>.json?<id>
 *   docker-network-inspect:/container/<name>.json?<id>
 *   docker-network-inspect:/endpoint/<container>@<network>.json?<containerId>/<networkId>
 * The engine is asked when the document opens (one inspect call), never to fill a tree. With
 * several engines, the URI's fragment names the engine (its key).
 */
import * as vscode from 'vscode';
import type { EngineSession } from '../engine/engineSession';

export const INSPECT_SCHEME = 'docker-network-inspect';

export type InspectTarget =
  | { kind: 'network'; id: string; name: string }
  | { kind: 'container'; id: string; name: string }
  | { kind: 'endpoint'; containerId: string; networkId: string; containerName: string; networkName: string };

function safe(name: string): string {
  return name.replace(/[^\w.@-]+/g, '_');
}

export function inspectUri(target: InspectTarget, engineKey?: string): vscode.Uri {
  const fragment = engineKey ?? '';
  switch (target.kind) {
    case 'network':
      return vscode.Uri.from({ scheme: INSPECT_SCHEME, path: `/network/${safe(target.name)}.json`, query: target.id, fragment });
    case 'container':
      return vscode.Uri.from({ scheme: INSPECT_SCHEME, path: `/container/${safe(target.name)}.json`, query: target.id, fragment });
    case 'endpoint':
      return vscode.Uri.from({
        scheme: INSPECT_SCHEME,
        path: `/endpoint/${safe(target.containerName)}@${safe(target.networkName)}.json`,
        query: `${target.containerId}/${target.networkId}`,
        fragment,
      });
  }
}

export class InspectDocumentProvider implements vscode.TextDocumentContentProvider {
  /** The session of the engine a URI names (its fragment), or the only one. */
  constructor(private readonly getSession: (engineKey: string | undefined) => EngineSession) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const client = this.getSession(uri.fragment || undefined).client;
    const kind = uri.path.split('/')[1];
    let value: unknown;
    if (kind === 'network') {
      value = await client.inspectNetwork(uri.query, true).catch(() => client.inspectNetwork(uri.query));
    } else if (kind === 'container') {
      value = await client.inspectContainer(uri.query);
    } else {
      const [containerId, networkId] = uri.query.split('/');
      const [container, network] = await Promise.all([client.inspectContainer(containerId), client.inspectNetwork(networkId)]);
      const settings = Object.entries(container.NetworkSettings?.Networks ?? {}).find(([, endpoint]) => endpoint.NetworkID === networkId);
      value = {
        Container: container.Name?.replace(/^\//, ''),
        Network: network.Name,
        EndpointSettings: settings?.[1] ?? null,
        NetworkView: network.Containers?.[containerId] ?? null,
      };
    }
    return JSON.stringify(value, null, 2) + '\n';
  }
}
