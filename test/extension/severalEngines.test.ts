/**
 * Extension-host tier: several engines at once (`dockerNetworks.engines`), against real engines —
 * the shared dockerd, a second dockerd in its own network namespace (test/support/dockerdNode.ts)
 * and a TCP port where nothing listens. Each engine is a root with its own state and cause; an
 * event on one engine refreshes its root only; a command on a node acts on that node's engine.
 */
import * as assert from 'node:assert';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../src/extension';
import { freePort } from '../harness/codeServer';
import type { ViewNode } from '../../src/views/dockerTreeProvider';
import { engineKey } from '../../src/model/engines';
import { docker } from '../support/dockerCli';
import { DockerdNode, nodeDocker, removeHub, startDockerdNode } from '../support/dockerdNode';
import { waitFor } from '../support/waitFor';

const EXTENSION_ID = 'docker-network-explorer.docker-network-explorer';
const MAIN = 'unix:///var/run/docker.sock';
const NET = 'dnx-multi-second';
/** The test's hub namespace and address group (group 0 is the swarm test's). */
const HUB = 'dnemulti';

function text(label: string | vscode.TreeItemLabel | undefined): string {
  return label === undefined ? '' : typeof label === 'string' ? label : label.label;
}


async function rows(tree: vscode.TreeDataProvider<ViewNode>, parent?: ViewNode): Promise<{ node: ViewNode; item: vscode.TreeItem }[]> {
  const children = (await tree.getChildren(parent)) ?? [];
  return Promise.all(children.map(async (node) => ({ node, item: await tree.getTreeItem(node) })));
}

async function childByLabel(tree: vscode.TreeDataProvider<ViewNode>, parent: ViewNode, label: string): Promise<ViewNode | undefined> {
  return (await rows(tree, parent)).find((row) => text(row.item.label) === label)?.node;
}

describe('several engines at once', function () {
  this.timeout(180_000);
  let api: ExtensionTestApi;
  let node: DockerdNode | undefined;
  let closed: string;

  const config = () => vscode.workspace.getConfiguration('dockerNetworks');
  const root = async (index: number) => (await rows(api.networksTree))[index];

  before(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID)!;
    api = extension.isActive ? extension.exports : await extension.activate();
    node = await startDockerdNode({ hub: HUB, group: 3, index: 1, loadImage: false });
    closed = `tcp://127.0.0.1:${await freePort()}`;
    await config().update('engines', [MAIN, node.host, closed], vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await config().update('engines', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await node?.stop();
    removeHub(HUB);
    await waitFor('one engine again, connected', async () => (api.services.severalEngines().length === 0 && api.services.session.state.kind === 'connected' ? true : undefined));
  });

  it('shows one root per engine, each with its own state; the unreachable one names its cause', async () => {
    const shown = await waitFor('three roots, two connected', async () => {
      const found = await rows(api.networksTree);
      const states = found.map((row) => String(row.item.description));
      return found.length === 3 && states[0].startsWith('connected') && states[1].startsWith('connected') && states[2] === 'unreachable' ? found : undefined;
    }, { timeoutMs: 20_000 });
    assert.deepStrictEqual(shown.map((row) => text(row.item.label)), ['/var/run/docker.sock', node!.socketPath, closed]);
    assert.strictEqual(shown[0].item.description, `connected · ${docker(['version', '--format', '{{.Server.Version}}'])}`);
    assert.strictEqual(shown[1].item.description, `connected · ${nodeDocker(node!, ['version', '--format', '{{.Server.Version}}'])}`);
    assert.strictEqual(shown[2].item.contextValue, 'engine:unreachable');
    const cause = 'The Docker engine refused the connection: it is not running (or restarting).';
    assert.ok((shown[2].item.tooltip as vscode.MarkdownString).value.includes(cause));
    // Under the unreachable root, one row says why (the welcome view's sentence).
    const why = await rows(api.networksTree, shown[2].node);
    assert.deepStrictEqual(why.map((row) => text(row.item.label)), [cause]);
    assert.strictEqual(why[0].item.contextValue, 'engineCause');
    // The Containers tree has the same roots; the second engine has no container, the first has.
    const containerRoots = await rows(api.containersTree);
    assert.deepStrictEqual(containerRoots.map((row) => text(row.item.label)), shown.map((row) => text(row.item.label)));
    // Under a connected engine without containers, one row says so (not an empty expanded root).
    const none = await rows(api.containersTree, containerRoots[1].node);
    assert.deepStrictEqual(none.map((row) => [text(row.item.label), row.item.contextValue]), [['No containers', 'engineEmpty']]);
    // The second engine's own networks: its predefined ones, its docker0 subnet (not the main engine's).
    const bridge = await waitFor('bridge under the second root', () => childByLabel(api.networksTree, shown[1].node, 'bridge'));
    const subnet = nodeDocker(node!, ['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Subnet}}', 'bridge']);
    assert.match(String((await api.networksTree.getTreeItem(bridge)).description), new RegExp(subnet.replace(/\./g, '\\.')));
  });

  it('refreshes only the root of the engine an event came from', async () => {
    const [main, second] = [await root(0), await root(1)];
    const fired: (ViewNode | undefined)[] = [];
    const listener = api.networksTree.onDidChangeTreeData((element) => fired.push(element ?? undefined));
    try {
      nodeDocker(node!, ['network', 'create', NET]);
      await waitFor('the new network under the second root', () => childByLabel(api.networksTree, second.node, NET), { timeoutMs: 5000 });
    } finally {
      listener.dispose();
    }
    assert.ok(fired.length > 0, 'no tree change fired');
    assert.ok(fired.every((element) => element !== undefined), 'a whole-tree refresh fired for one engine\'s event');
    assert.ok(fired.includes(second.node), 'the second root was not refreshed');
    assert.strictEqual(await childByLabel(api.networksTree, main.node, NET), undefined);
    assert.strictEqual(docker(['network', 'ls', '--quiet', '--filter', `name=^${NET}$`]), '');
  });

  it('acts on the engine of the clicked node: inspect and topology of the second engine', async () => {
    const second = await root(1);
    const network = await waitFor('the network', () => childByLabel(api.networksTree, second.node, NET));
    await vscode.commands.executeCommand('dockerNetworks.inspect', network);
    const document = await waitFor('the inspect document', async () => vscode.window.activeTextEditor?.document);
    const inspected = JSON.parse(document.getText()) as { Name: string; Id: string };
    assert.strictEqual(inspected.Name, NET);
    assert.strictEqual(inspected.Id, nodeDocker(node!, ['network', 'inspect', '--format', '{{.Id}}', NET]));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    await vscode.commands.executeCommand('dockerNetworks.showTopology', network);
    const title = await waitFor('the topology tab', async () =>
      vscode.window.tabGroups.all.flatMap((group) => group.tabs).map((tab) => tab.label).find((label) => label.startsWith('Docker Network Topology')),
    );
    assert.strictEqual(title, `Docker Network Topology · ${node!.socketPath}`);
    // The second dockerd has its own host name: a remote engine, drawn from the API, its plumbing dashed.
    const source = await waitFor('the second engine drawn', async () => (api.topologyPanel()?.lastSource.includes(NET) ? api.topologyPanel()!.lastSource : undefined), { timeoutMs: 20_000 });
    assert.match(api.topologyPanel()!.lastLevelLine, /^Probe level: api \(remoteEngine\)\. .*\(dashed\)\.$/);
    // Its bridge is drawn, and drawn as inferred (the dashed class).
    const bridgeNode = /(if_ns_host_if_br_\w+)\{\{"br-\w+<br\/>network dnx-multi-second/.exec(source)?.[1];
    assert.ok(bridgeNode, source);
    assert.match(source, new RegExp(`^  class [^\\n]*${bridgeNode}[^\\n]* inferred$`, 'm'));

    // The main engine's root: the same panel follows it, observed on this host (not the API level).
    await vscode.commands.executeCommand('dockerNetworks.showTopology', (await root(0)).node);
    await waitFor('the main engine drawn', async () =>
      vscode.window.tabGroups.all.flatMap((group) => group.tabs).some((tab) => tab.label === 'Docker Network Topology · /var/run/docker.sock') &&
      /^Probe level: (sysfs|netns) /.test(api.topologyPanel()?.lastLevelLine ?? '') ? true : undefined, { timeoutMs: 20_000 });
    assert.ok(!api.topologyPanel()!.lastSource.includes(NET));
  });

  it('says "No networks match the filter" under an engine whose networks the name filter hides all', async () => {
    const second = await root(1);
    api.services.nameFilter.set('dnx-multi-matches-nothing');
    try {
      const shown = await waitFor('the second root emptied by the filter', async () => {
        const found = await rows(api.networksTree, second.node);
        return found.length === 1 && found[0].item.contextValue === 'engineEmpty' ? found : undefined;
      });
      assert.strictEqual(text(shown[0].item.label), 'No networks match the filter');
    } finally {
      api.services.nameFilter.set(undefined);
    }
    await waitFor('the filter cleared', () => childByLabel(api.networksTree, second.node, NET));
  });

  it('Check Connectivity from the topology panel acts on the engine the panel draws (no "Which engine?")', async () => {
    await vscode.commands.executeCommand('dockerNetworks.showTopology', (await root(1)).node);
    await waitFor('the panel in front, drawing the second engine', async () => (api.topologyPanel()?.activeEngine === engineKey(node!.host) ? true : undefined));
    // The first question asked is recorded and answered "cancel": no check runs.
    const asked: { placeHolder?: string; items: string[] }[] = [];
    const window = vscode.window as { showQuickPick: unknown };
    const original = window.showQuickPick;
    window.showQuickPick = async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
      asked.push({ placeHolder: options?.placeHolder, items: (await items).map((item) => item.label) });
      return undefined;
    };
    try {
      // As the panel's title-bar button runs it: no tree node among the arguments.
      await vscode.commands.executeCommand('dockerNetworks.checkConnectivity');
    } finally {
      window.showQuickPick = original;
    }
    // The second engine has no container: "From (A)" offers only its host.
    assert.deepStrictEqual(asked, [{ placeHolder: 'From (A)', items: ['$(server) The host'] }]);
  });

  it('retries the engine of the clicked root only: a relay on the refused port makes it connect', async () => {
    const port = new URL(closed).port;
    // A TCP relay to the shared engine on the port that refused so far (loopback only).
    const relay = spawn('socat', [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, 'UNIX-CONNECT:/var/run/docker.sock'], { stdio: 'ignore' });
    try {
      await waitFor('the relay listening', async () => new Promise<true | undefined>((resolve) => {
        const probe = net.connect(Number(port), '127.0.0.1', () => { probe.destroy(); resolve(true); });
        probe.on('error', () => resolve(undefined));
      }));
      const started = Date.now();
      await vscode.commands.executeCommand('dockerNetworks.retry', (await root(2)).node);
      await waitFor('the third root connected', async () => (String((await root(2)).item.description).startsWith('connected · ') ? true : undefined), { timeoutMs: 3000 });
      console.log(`      (connected ${Date.now() - started} ms after Retry on its root)`);
      assert.strictEqual(api.services.severalEngines()[1].session.state.kind, 'connected');
      assert.match(String((await root(1)).item.description), /^connected · /);
    } finally {
      relay.kill();
    }
  });
});
