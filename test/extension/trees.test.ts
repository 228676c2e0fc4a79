/**
 * Extension-host tier: what the user sees in the trees, the inspect documents and the welcome
 * state, through the real VS Code API against the real engine.
 */
import * as assert from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../src/extension';
import type { ViewNode as TreeNode } from '../../src/views/dockerTreeProvider';
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

async function childByLabel(tree: vscode.TreeDataProvider<TreeNode>, parent: TreeNode | undefined, label: string): Promise<TreeNode | undefined> {
  for (const child of (await tree.getChildren(parent)) ?? []) {
    if (text((await tree.getTreeItem(child)).label) === label) return child;
  }
  return undefined;
}

describe('trees, inspect and engine state', function () {
  this.timeout(60_000);
  let api: ExtensionTestApi;


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
    assert.match(String(item.contextValue), /^endpoint:running:disconnectable\|/);
    const names = await Promise.all(((await tree.getChildren(endpoint)) ?? []).map(async (n) => text((await tree.getTreeItem(n)).label)));
    assert.deepStrictEqual(names.slice(0, 2), ['search', BOX]);
    const networkItem = await tree.getTreeItem(network);
    assert.match(String(networkItem.contextValue), /^network:user:bridge:used\|networkName\|networkId$/);
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

describe('what the trees show and copy (issue #8)', function () {
  this.timeout(90_000);
  const WEB = 'dnx-web';
  const NONE = 'dnx-none';
  const PROJECT = 'dnxproj';
  const PROJECT_NET = 'dnxproj_default';
  const PROJECT_APP = 'dnxproj-app-1';
  let api: ExtensionTestApi;
  let hostPort = 0;

  const labelOf = async (tree: vscode.TreeDataProvider<TreeNode>, node: TreeNode) => text((await tree.getTreeItem(node)).label);
  const labels = async (tree: vscode.TreeDataProvider<TreeNode>, parent?: TreeNode) =>
    Promise.all(((await tree.getChildren(parent)) ?? []).map((child) => labelOf(tree, child)));
  const tooltipOf = async (tree: vscode.TreeDataProvider<TreeNode>, node: TreeNode) => {
    const item = await tree.getTreeItem(node);
    const resolved = (await tree.resolveTreeItem?.(item, node, new vscode.CancellationTokenSource().token)) ?? item;
    const tooltip = resolved.tooltip ?? item.tooltip;
    return tooltip instanceof vscode.MarkdownString ? tooltip.value : String(tooltip ?? '');
  };
  const inspectIp = (container: string, network: string, field = 'IPAddress') =>
    docker(['inspect', '--format', `{{(index .NetworkSettings.Networks "${network}").${field}}}`, container]);

  before(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID)!;
    api = extension.isActive ? extension.exports : await extension.activate();
    cleanup();
    hostPort = await freeLoopbackPort();
    docker(['network', 'create', '--label', `${LABEL}=1`, NET]);
    docker(['run', '-d', '--name', WEB, '--label', `${LABEL}=1`, '--network', NET, '--network-alias', 'www', '-p', `127.0.0.1:${hostPort}:80`, 'local/busybox:latest', 'sleep', '100000']);
    docker(['run', '-d', '--name', NONE, '--label', `${LABEL}=1`, '--network', 'none', 'local/busybox:latest', 'sleep', '100000']);
    // What Docker Compose makes, by hand (compose is not installed): the project label on both.
    const compose = ['--label', `com.docker.compose.project=${PROJECT}`];
    docker(['network', 'create', '--label', `${LABEL}=1`, ...compose, PROJECT_NET]);
    docker(['run', '-d', '--name', PROJECT_APP, '--label', `${LABEL}=1`, ...compose, '--network', PROJECT_NET, 'local/busybox:latest', 'sleep', '100000']);
  });

  after(async () => {
    const config = vscode.workspace.getConfiguration('dockerNetworks');
    for (const key of ['groupByComposeProject', 'showPredefinedNetworks', 'showStoppedContainers']) {
      await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    api?.services.nameFilter.set(undefined);
    cleanup();
  });

  it('copies IPv4 with and without the prefix, names, ids, MAC and gateway from an endpoint', async () => {
    const tree = api.networksTree;
    const network = await waitFor('the network', () => childByLabel(tree, undefined, NET));
    const endpoint = await waitFor('the endpoint', () => childByLabel(tree, network, WEB));
    const item = await tree.getTreeItem(endpoint);
    const ip = inspectIp(WEB, NET);
    const expected: Record<string, string> = {
      ipv4: ip,
      ipv4Cidr: `${ip}/${inspectIp(WEB, NET, 'IPPrefixLen')}`,
      mac: inspectIp(WEB, NET, 'MacAddress'),
      gateway: inspectIp(WEB, NET, 'Gateway'),
      containerName: WEB,
      containerId: docker(['inspect', '--format', '{{.Id}}', WEB]),
      networkName: NET,
      networkId: docker(['network', 'inspect', '--format', '{{.Id}}', NET]),
    };
    for (const [field, value] of Object.entries(expected)) {
      // The Copy submenu shows the entry only when the row says it has the value.
      assert.match(String(item.contextValue), new RegExp(`\\|${field}\\b`), field);
      await vscode.env.clipboard.writeText('');
      await vscode.commands.executeCommand(`dockerNetworks.copy.${field}`, endpoint);
      assert.strictEqual(await vscode.env.clipboard.readText(), value, field);
    }
    assert.doesNotMatch(String(item.contextValue), /\|ipv6\b/, 'no IPv6 on this network: no Copy IPv6 entry');
  });

  it('shows the published port under the container and in its tooltip, and copies its host side', async () => {
    const tree = api.containersTree;
    const container = await waitFor('the container', () => childByLabel(tree, undefined, WEB));
    const portLabel = `127.0.0.1:${hostPort} → 80/tcp`;
    const port = await waitFor('the port row', () => childByLabel(tree, container, portLabel));
    assert.strictEqual((await tree.getTreeItem(port)).description, 'published port');
    assert.ok((await tooltipOf(tree, container)).includes(portLabel), 'tooltip lists the published port');
    await vscode.commands.executeCommand('dockerNetworks.copyValue', port);
    assert.strictEqual(await vscode.env.clipboard.readText(), `127.0.0.1:${hostPort}`);
  });

  it('computes the container state when the tooltip is shown, in words', async () => {
    const tree = api.containersTree;
    const container = await waitFor('the container', () => childByLabel(tree, undefined, WEB));
    // The Markdown source without its escapes: what the hover shows.
    const tooltip = (await tooltipOf(tree, container)).replace(/\\([\\`*_{}[\]()#+\-.!|<>&~:@])/g, '$1');
    const started = new Date(docker(['inspect', '--format', '{{.State.StartedAt}}', WEB]));
    assert.match(tooltip, /State: Running for \d+ (second|minute)s? \(since /);
    assert.ok(tooltip.includes(started.toLocaleString('en', { dateStyle: 'medium', timeStyle: 'medium' })), tooltip);
    assert.doesNotMatch(tooltip, /Up Less than a second|Status:/);
  });

  it('gives no chevron to the "none" row of a container in none mode', async () => {
    const tree = api.containersTree;
    const container = await waitFor('the container', () => childByLabel(tree, undefined, NONE));
    const membership = await waitFor('its none row', () => childByLabel(tree, container, 'none'));
    assert.strictEqual((await tree.getTreeItem(membership)).collapsibleState, vscode.TreeItemCollapsibleState.None);
    assert.deepStrictEqual(await tree.getChildren(membership), []);
  });

  it('says what an alias resolves to, and on which network', async () => {
    const tree = api.networksTree;
    const network = await waitFor('the network', () => childByLabel(tree, undefined, NET));
    const endpoint = await waitFor('the endpoint', () => childByLabel(tree, network, WEB));
    const alias = await waitFor('the alias', () => childByLabel(tree, endpoint, 'www'));
    const tooltip = await tooltipOf(tree, alias);
    assert.ok(tooltip.includes(`On the network **${NET.replace(/-/g, '\\-')}**, the embedded DNS resolves \`www\` to \`${inspectIp(WEB, NET)}\`: the container **${WEB.replace(/-/g, '\\-')}**.`), tooltip);
  });

  it('an alias that looks like a link stays text in the endpoint, membership and name tooltips', async () => {
    const PHISH = 'see https://attacker.example/phish';
    const BAIT = 'dnx-sec-bait';
    docker(['run', '-d', '--name', BAIT, '--label', `${LABEL}=1`, '--network', NET, '--network-alias', PHISH, 'local/busybox:latest', 'sleep', '100000']);
    // Outside code spans, no URL is left for VS Code's Markdown to autolink ("https\:" is escaped).
    const outsideCode = (markdown: string) => markdown.replace(/(`+)[^`]*?\1/g, '');
    const networks = api.networksTree;
    const network = await waitFor('the network', () => childByLabel(networks, undefined, NET));
    const endpoint = await waitFor('the endpoint', () => childByLabel(networks, network, BAIT));
    // The aliases come with the container's inspection, made when the endpoint is expanded.
    const name = await waitFor('the alias row', () => childByLabel(networks, endpoint, PHISH));
    const endpointTooltip = await waitFor('the aliases in the endpoint tooltip', async () => {
      const markdown = await tooltipOf(networks, endpoint);
      return markdown.includes('Aliases') ? markdown : undefined;
    });
    assert.ok(endpointTooltip.includes(`\`${PHISH}\``), endpointTooltip);
    const containers = api.containersTree;
    const container = await waitFor('the container', () => childByLabel(containers, undefined, BAIT));
    const membership = await waitFor('the membership', () => childByLabel(containers, container, NET));
    for (const markdown of [endpointTooltip, await tooltipOf(networks, name), await tooltipOf(containers, membership)]) {
      assert.ok(!/https?:\/\/|www\./.test(outsideCode(markdown)), markdown);
      assert.ok(markdown.includes('attacker'), markdown);
    }
  });

  it('groups networks and containers by Compose project when the toggle is on', async () => {
    await vscode.commands.executeCommand('dockerNetworks.groupByComposeProject');
    assert.strictEqual(vscode.workspace.getConfiguration('dockerNetworks').get('groupByComposeProject'), true);
    const networks = api.networksTree;
    const project = await waitFor('the project row', () => childByLabel(networks, undefined, PROJECT));
    assert.deepStrictEqual(await labels(networks, project), [PROJECT_NET]);
    assert.ok(!(await labels(networks)).includes(PROJECT_NET), 'the project network is not at the root any more');
    assert.ok((await labels(networks)).includes(NET), 'networks without a project stay at the root');
    const projectNet = (await networks.getChildren(project))![0];
    assert.strictEqual((await networks.getParent!(projectNet))?.id, project.id);
    const containers = api.containersTree;
    const containerProject = await waitFor('the project row', () => childByLabel(containers, undefined, PROJECT));
    assert.deepStrictEqual(await labels(containers, containerProject), [PROJECT_APP]);
    assert.match(String((await containers.getTreeItem(containerProject)).description), /^Compose project · 1 container$/);
    await vscode.commands.executeCommand('dockerNetworks.ungroupComposeProjects');
    await waitFor('ungrouped', async () => ((await labels(networks)).includes(PROJECT_NET) ? true : undefined));
  });

  it('hides predefined networks and stopped containers with the view-title toggles', async () => {
    await vscode.commands.executeCommand('dockerNetworks.hidePredefinedNetworks');
    await waitFor('predefined hidden', async () => ((await labels(api.networksTree)).includes('bridge') ? undefined : true));
    const shown = await labels(api.networksTree);
    assert.ok(!shown.includes('host') && !shown.includes('none') && shown.includes(NET), JSON.stringify(shown));
    await vscode.commands.executeCommand('dockerNetworks.showPredefinedNetworks');
    await waitFor('predefined back', async () => ((await labels(api.networksTree)).includes('bridge') ? true : undefined));

    docker(['stop', '-t', '0', NONE]);
    await waitFor('stopped', async () => (api.services.inventory()?.containers.find((c) => c.name === NONE)?.running === false ? true : undefined));
    await vscode.commands.executeCommand('dockerNetworks.hideStoppedContainers');
    await waitFor('stopped hidden', async () => ((await labels(api.containersTree)).includes(NONE) ? undefined : true));
    await vscode.commands.executeCommand('dockerNetworks.showStoppedContainers');
    await waitFor('stopped back', async () => ((await labels(api.containersTree)).includes(NONE) ? true : undefined));
  });

  it('filters both trees by name, and clears the filter', async () => {
    api.services.nameFilter.set('dnxproj');
    assert.deepStrictEqual(await labels(api.networksTree), [PROJECT_NET]);
    assert.deepStrictEqual(await labels(api.containersTree), [PROJECT_APP]);
    await vscode.commands.executeCommand('dockerNetworks.clearNameFilter');
    assert.strictEqual(api.services.nameFilter.get(), undefined);
    assert.ok((await labels(api.networksTree)).includes(NET));
  });
});

/** A loopback port nobody listens on now (the engine binds it for the published port). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
