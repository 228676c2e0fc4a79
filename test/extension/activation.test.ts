/**
 * Extension-host tier: activation, contributed commands, and the Networks tree against the real
 * Docker engine (the engine must be running; scripts/test-all.sh runs ensure-docker.sh first).
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { docker } from '../support/dockerCli';
import { waitFor } from '../support/waitFor';

const EXTENSION_ID = 'docker-network-explorer.docker-network-explorer';

interface TreeLike {
  getChildren(element?: unknown): vscode.ProviderResult<unknown[]>;
  getTreeItem(element: unknown): vscode.TreeItem | Thenable<vscode.TreeItem>;
}
interface TestApi {
  networksTree?: TreeLike;
  containersTree?: TreeLike;
}

function labelText(item: vscode.TreeItem): string {
  const l = item.label;
  if (l === undefined) return '';
  return typeof l === 'string' ? l : l.label;
}

async function labelsOf(tree: TreeLike, element?: unknown): Promise<string[]> {
  const children = (await tree.getChildren(element)) ?? [];
  const out: string[] = [];
  for (const c of children) out.push(labelText(await tree.getTreeItem(c)));
  return out;
}

describe('activation', function () {
  this.timeout(30_000);
  let ext: vscode.Extension<TestApi> | undefined;

  before(async () => {
    ext = vscode.extensions.getExtension<TestApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this host`);
    if (!ext.isActive) await ext.activate();
  });

  it('activates and returns its test API', () => {
    assert.ok(ext!.isActive, 'extension is not active');
    const api = ext!.exports;
    assert.ok(api, 'activate() returned nothing');
    assert.ok(api.networksTree, 'exports.networksTree missing');
    assert.ok(api.containersTree, 'exports.containersTree missing');
  });

  it('registers the contributed commands', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    const contributed: { command: string }[] = ext!.packageJSON?.contributes?.commands ?? [];
    for (const c of ['dockerNetworks.refresh', 'dockerNetworks.inspect', 'dockerNetworks.showTopology']) {
      assert.ok(contributed.some((x) => x.command === c), `${c} is not contributed in package.json`);
    }
    const missing = contributed.map((c) => c.command).filter((c) => !all.has(c));
    assert.deepStrictEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('contributes the Docker Networks views', () => {
    const views = ext!.packageJSON?.contributes?.views?.dockerNetworks ?? [];
    const ids = views.map((v: { id: string }) => v.id);
    assert.ok(ids.includes('dockerNetworks.networks'), `views: ${ids.join(', ')}`);
    assert.ok(ids.includes('dockerNetworks.containers'), `views: ${ids.join(', ')}`);
  });

  it('lists the same networks as `docker network ls`', async () => {
    const expected = docker(['network', 'ls', '--format', '{{.Name}}']).split('\n').filter(Boolean).sort();
    assert.ok(expected.length > 0, 'docker network ls returned nothing (is the engine running?)');
    await vscode.commands.executeCommand('dockerNetworks.refresh');
    const tree = ext!.exports.networksTree!;
    const listed = async () => (await labelsOf(tree)).sort();
    const actual = await waitFor(
      `the tree to list ${expected.join(', ')}`,
      async () => {
        const labels = await listed();
        return JSON.stringify(labels) === JSON.stringify(expected) ? labels : undefined;
      },
      { intervalMs: 200, lastSeen: async () => (await listed()).join(', ') },
    );
    assert.deepStrictEqual(actual, expected);
  });
});
