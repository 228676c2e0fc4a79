/**
 * Extension-host tier: what the user sees in the trees, the inspect documents and the welcome
 * state, through the real VS Code API against the real engine.
 */
import * as assert from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../src/extension';
import type { TreeNode } from '../../src/model/treeModel';
import { docker, removeLabelled } from '../support/dockerCli';
import { waitFor } from '../support/waitFor';

const EXTENSION_ID = 'docker-network-explorer.docker-network-explorer';
const LABEL = 'dne.test.exthost';
const NET = 'dnx-dev';
const BOX = 'dnx-es';
const OTHER = 'dnx-other';

function cleanup(): void {
  removeLabelled(LABEL);
}

function text(label: string | vscode.TreeItemLabel | undefined): string {
  return label === undefined ? '' : typeof label === 'string' ? label : label.label;
}

describe('trees, inspect and engine state', function () {
  this.timeout(60_000);
  let api: ExtensionTestApi;

  const childByLabel = async (tree: vscode.TreeDataProvider<TreeNode>, parent: TreeNode | undefined, label: string) => {
    for (const child of (await tree.getChildren(parent)) ?? []) {
      if (text((await tree.getTreeItem(child)).label) === label) return child;
    }
    return undefined;
  };

  before(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID)!;
    api = extension.isActive ? extension.exports : await extension.activate();
    cleanup();
    docker(['network', 'create', '--label', `${LABEL}=1`, NET]);
    docker(['run', '-d', '--name', BOX, '--label', `${LABEL}=1`, '--network', NET, '--network-alias', 'search', 'local/busybox:latest', 'sleep', '100000']);
    docker(['run', '-d', '--name', OTHER, '--label', `${LABEL}=1`, 'local/busybox:latest', 'sleep', '100000']);
  });

  after(async () => {
    await api?.services.switchContext(undefined);
    cleanup();
  });

  it('shows dnx-dev -> dnx-es -> search with the address the engine gave', async () => {
    const tree = api.networksTree;
    const network = await waitFor('the network in the tree', () => childByLabel(tree, undefined, NET));
    const endpoint = await waitFor('the endpoint', () => childByLabel(tree, network, BOX));
    const item = await tree.getTreeItem(endpoint);
    const ip = docker(['inspect', '--format', `{{(index .NetworkSettings.Networks "${NET}").IPAddress}}`, BOX]);
    assert.match(String(item.description), new RegExp(`^${ip.replace(/\./g, '\\.')}/\\d+ · running$`));
    assert.match(String(item.contextValue), /^endpoint:running:disconnectable$/);
    const names = await Promise.all(((await tree.getChildren(endpoint)) ?? []).map(async (n) => text((await tree.getTreeItem(n)).label)));
    assert.deepStrictEqual(names.slice(0, 2), ['search', BOX]);
    const networkItem = await tree.getTreeItem(network);
    assert.match(String(networkItem.contextValue), /^network:user:bridge:used$/);
    assert.ok(networkItem.tooltip instanceof vscode.MarkdownString);
  });

  it('shows an outside connect in the Containers tree, driven by events', async () => {
    const started = Date.now();
    docker(['network', 'connect', NET, OTHER]);
    const tree = api.containersTree;
    const container = await waitFor('the container', () => childByLabel(tree, undefined, OTHER));
    await waitFor('the new membership', () => childByLabel(tree, container, NET), { timeoutMs: 3000 });
    console.log(`      (membership shown ${Date.now() - started} ms after docker network connect)`);
  });

  it('marks the predefined networks and never lets them be removed', async () => {
    const tree = api.networksTree;
    for (const name of ['bridge', 'host', 'none']) {
      const node = await waitFor(name, () => childByLabel(tree, undefined, name));
      const item = await tree.getTreeItem(node);
      assert.match(String(item.contextValue), /^network:predefined:/);
      assert.match(String(item.description), /^predefined/);
    }
  });

  it('inspects a network as read-only JSON in its own scheme', async () => {
    const node = await waitFor('network node', () => childByLabel(api.networksTree, undefined, NET));
    await vscode.commands.executeCommand('dockerNetworks.inspect', node);
    const editor = await waitFor('the inspect editor', async () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.scheme === 'docker-network-inspect' ? active : undefined;
    });
    assert.strictEqual(editor.document.languageId, 'json');
    const json = JSON.parse(editor.document.getText()) as { Name: string; Id: string };
    assert.strictEqual(json.Name, NET);
    assert.strictEqual(json.Id, docker(['network', 'inspect', '--format', '{{.Id}}', NET]));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('names the cause when the chosen docker context points at a missing socket, and comes back', async () => {
    // A real docker context, written where the docker CLI keeps them, pointing nowhere.
    const config = mkdtempSync(path.join(os.tmpdir(), 'dne-docker-config-'));
    const name = 'dne-missing';
    const folder = path.join(config, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: `unix://${config}/nothing.sock`, SkipTLSVerify: false } } }));
    const previous = process.env.DOCKER_CONFIG;
    process.env.DOCKER_CONFIG = config;
    try {
      await api.services.switchContext(name);
      const state = await waitFor('unreachable', async () => (api.services.session.state.kind === 'unreachable' ? api.services.session.state : undefined));
      assert.strictEqual(state.kind === 'unreachable' && state.cause, 'socketMissing');
      assert.deepStrictEqual(await api.networksTree.getChildren(), []);
    } finally {
      if (previous === undefined) delete process.env.DOCKER_CONFIG;
      else process.env.DOCKER_CONFIG = previous;
      rmSync(config, { recursive: true, force: true });
    }
    await api.services.switchContext(undefined);
    await waitFor('connected again', async () => (api.services.session.state.kind === 'connected' ? true : undefined));
    assert.ok(await waitFor('networks back', () => childByLabel(api.networksTree, undefined, NET)));
  });
});
