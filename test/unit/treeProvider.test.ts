/**
 * The Networks and Containers trees as the user reads them (src/views/dockerTreeProvider.ts and
 * treeItems.ts), on the VS Code fake and a session on the fake engine fed from the recorded
 * fixtures: the rows, their labels, descriptions, icons, tooltips and context values (which decide
 * the menus), what the filters hide, what an expand asks of the engine, and the parent links that
 * reveal uses.
 */
import { fake, MarkdownString, resetVscodeFake, ThemeIcon, TreeItemCollapsibleState } from '../support/vscodeFake';
import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type * as vscode from 'vscode';
import { fakeServices, ServicesHarness, treeOf } from '../support/fakeServices';
import { loadFixture } from '../support/fixtures';

let harness: ServicesHarness;
const networkId = (name: string) => harness.session.inventory!.networks.find((network) => network.name === name)!.id;
const containerId = (name: string) => harness.session.inventory!.containers.find((container) => container.name === name)!.id;
const tooltipOf = (item: vscode.TreeItem) => (item.tooltip instanceof MarkdownString ? item.tooltip.value : item.tooltip);
const iconOf = (item: vscode.TreeItem) => (item.iconPath instanceof ThemeIcon ? item.iconPath.id : undefined);
const everything = { showStoppedContainers: true, showPredefinedNetworks: true };

beforeEach(async () => {
  resetVscodeFake();
  harness = await fakeServices();
});
afterEach(() => harness.dispose());

describe('the Networks tree', () => {
  test('the roots: the predefined networks first, then the user ones by name; the predefined ones hidden when asked', async () => {
    assert.deepEqual(await treeOf(harness.session, 'networks', { showStoppedContainers: true, showPredefinedNetworks: false }).labels(), ['bnet', 'dev', 'devops', 'named', 'prod', 'secure']);
    assert.deepEqual(await treeOf(harness.session, 'networks', everything).labels(), ['bridge', 'host', 'none', 'bnet', 'dev', 'devops', 'named', 'prod', 'secure']);
  });

  test('a user network row: driver, scope and subnet; menus from its context value; a Markdown tooltip that escapes engine text', async () => {
    const { item } = await treeOf(harness.session, 'networks', everything).find('dev');
    assert.equal(item.description, 'bridge · local · 172.23.0.0/16');
    assert.equal(item.contextValue, 'network:user:bridge:used|networkName|networkId');
    assert.equal(iconOf(item), 'type-hierarchy-sub');
    assert.equal(item.collapsibleState, TreeItemCollapsibleState.Collapsed);
    assert.equal(item.id, `networks/network:${networkId('dev')}`);
    const tooltip = item.tooltip as MarkdownString;
    assert.equal(tooltip.isTrusted, false);
    assert.equal(tooltip.supportHtml, false);
    assert.ok(tooltip.value.startsWith(`**dev** \`${networkId('dev').slice(0, 12)}\`\n\nDriver: bridge · Scope: local · IPAM: default\n\nBridge device: br\\-${networkId('dev').slice(0, 12)}`), tooltip.value);
    assert.match(tooltip.value, /Subnet 172\\\.23\\\.0\\\.0\/16 · gateway 172\\\.23\\\.0\\\.1/);
    assert.match(tooltip.value, /Labels:\n- `dne\.fixture` = `1`/);
  });

  test('predefined networks say what they are, and their context value keeps Remove away', async () => {
    const tree = treeOf(harness.session, 'networks', everything);
    const bridge = (await tree.find('bridge')).item;
    assert.equal(bridge.description, 'predefined · bridge · local · 172.17.0.0/16');
    assert.equal(bridge.contextValue, 'network:predefined:bridge:used|networkName|networkId');
    assert.match(tooltipOf(bridge) as string, /_Default bridge \\\(docker0\\\)\\: containers started without \\-\\-network land here/);
    assert.equal((await tree.find('host')).item.description, 'predefined · host · local');
    assert.equal(iconOf((await tree.find('host')).item), 'vm');
    assert.equal((await tree.find('none')).item.description, 'predefined · null · local');
    assert.equal(iconOf((await tree.find('none')).item), 'circle-slash');
    assert.equal((await tree.find('secure')).item.description, 'bridge · local · 10.30.0.0/24, fd00:dead:beef::/64 · internal');
  });

  test('endpoints: the container, its address and state; what it allows; its names once expanded (one inspection)', async () => {
    const tree = treeOf(harness.session, 'networks', everything);
    assert.deepEqual(await tree.labels('dev'), ['c2', 'es']);
    const es = (await tree.find('dev', 'es')).item;
    assert.equal(es.description, '172.23.0.2/16 · running');
    assert.equal(es.contextValue, 'endpoint:running:disconnectable|containerName|containerId|networkName|networkId|ipv4|ipv4Cidr|mac|gateway');
    assert.equal(iconOf(es), 'vm-running');
    const before = harness.engine.count('inspectContainer');
    assert.deepEqual(await tree.labels('dev', 'es'), ['search', 'es', 'ef29e9314783']);
    assert.equal(harness.engine.count('inspectContainer') - before, 1, 'the aliases cost one inspection, on expand');
    const alias = (await tree.find('dev', 'es', 'search')).item;
    assert.equal(alias.description, 'network alias');
    assert.equal(alias.contextValue, 'alias');
    assert.equal(tooltipOf(alias), '**search** · network alias\n\nOn the network **dev**, the embedded DNS resolves `search` to `172.23.0.2`: the container **es**.\n\nOnly containers on dev can use this name.');
  });

  test("an endpoint's tooltip lists its aliases and DNS names, read on hover (one inspection), as the same membership's tooltip does", async () => {
    const networks = treeOf(harness.session, 'networks', everything);
    const { node, item } = await networks.find('dev', 'es');
    assert.equal(item.tooltip, undefined, 'the names are not known yet: the tooltip is made on hover');
    const before = harness.engine.count('inspectContainer');
    const text = tooltipOf(await networks.provider.resolveTreeItem(item, node));
    assert.equal(harness.engine.count('inspectContainer') - before, 1, 'one inspection, on hover');
    const expected = '**es** on **dev**\n\nIPv4: `172.23.0.2/16`\n\nGateway: `172.23.0.1`\n\nMAC: `02:42:ac:17:00:02`\n\nEndpoint: `8091bb8e143f`\n\nAliases: `search`\n\nDNS names: `es`, `search`, `ef29e9314783`';
    assert.equal(text, expected);
    // Once known, both rows are made with their names, and say the same.
    assert.equal(tooltipOf((await networks.find('dev', 'es')).item), expected);
    assert.equal(tooltipOf((await treeOf(harness.session, 'containers', everything).find('es', 'dev')).item), expected);
  });

  test('containers that cannot be disconnected say why, and their context value says fixed', async () => {
    const tree = treeOf(harness.session, 'networks', everything);
    const hostbox = (await tree.find('host', 'hostbox')).item;
    assert.equal(hostbox.description, "uses the host's network stack · running");
    assert.equal(hostbox.contextValue, 'endpoint:running:fixed|containerName|containerId|networkName|networkId');
    assert.equal((await tree.find('none', 'isolated')).item.description, 'loopback only · running');
    const sidecar = (await tree.find('bnet', 'sidecar')).item;
    assert.equal(sidecar.description, "shares c1's network stack · 172.22.0.2/16 · running");
    assert.match(tooltipOf(sidecar) as string, /Runs in the network stack of c1 \(--network container:c1\): same interfaces, same addresses\./);
  });

  test('a legacy link under the container that has it', async () => {
    const link = (await treeOf(harness.session, 'networks', everything).find('bridge', 'web2', 'db')).item;
    assert.equal(link.description, 'legacy link → web1');
    assert.equal(link.contextValue, 'link');
    assert.equal(tooltipOf(link), 'web2 was started with --link web1:db: inside web2, the name db points to web1.');
  });

  test('the name filter keeps a network found by its name whole, and only matching endpoints elsewhere', async () => {
    const tree = treeOf(harness.session, 'networks', { ...everything, nameFilter: 'es' });
    const roots = await tree.labels();
    assert.ok(roots.includes('dev'), roots.join(', '));
    assert.deepEqual(await tree.labels('dev'), ['es']);
  });
});

describe('the Containers tree', () => {
  test('the roots with their state and networks; stopped containers only when asked', async () => {
    const all = treeOf(harness.session, 'containers', everything);
    const labels = await all.labels();
    assert.ok(labels.includes('stopped'));
    assert.ok(!(await treeOf(harness.session, 'containers', { showStoppedContainers: false }).labels()).includes('stopped'));
    const stopped = (await all.find('stopped')).item;
    assert.equal(stopped.description, 'stopped');
    assert.equal(stopped.contextValue, 'container:stopped:connectable|containerName|containerId|networkName|networkId');
    assert.equal(iconOf(stopped), 'vm-outline');
    assert.equal((await all.find('hostbox')).item.description, 'host network · running');
    assert.equal((await all.find('isolated')).item.description, 'no network · running');
    assert.equal((await all.find('sidecar')).item.contextValue, 'container:running:fixed|containerName|containerId');
    assert.equal((await all.find('sleeper')).item.description, '10.30.0.2/24 · running');
  });

  test('memberships: the network, the address and the driver; the address leaves copy their value', async () => {
    const tree = treeOf(harness.session, 'containers', everything);
    const secure = (await tree.find('sleeper', 'secure')).item;
    assert.equal(secure.description, '10.30.0.2/24 · bridge');
    assert.equal(secure.contextValue, 'membership:running:disconnectable|containerName|containerId|networkName|networkId|ipv4|ipv4Cidr|ipv6|ipv6Cidr|mac|gateway|ipv6Gateway');
    assert.deepEqual(await tree.labels('sleeper', 'secure'), ['02:42:0a:1e:00:02', '10.30.0.1', 'fd00:dead:beef::2/64', 'fd00:dead:beef::1', 'sleeper', 'e945bfdfb3cf']);
    const mac = (await tree.find('sleeper', 'secure', '02:42:0a:1e:00:02')).item;
    assert.equal(mac.description, 'MAC');
    assert.equal(mac.contextValue, 'address:mac');
  });

  test('a container row gets its tooltip on hover, from one inspection, and is rebuilt later', async () => {
    const tree = treeOf(harness.session, 'containers', everything);
    const { node, item } = await tree.find('c2');
    assert.equal(item.tooltip, undefined, 'computed on hover, not with the tree');
    const changed: unknown[] = [];
    tree.provider.onDidChangeTreeData((element) => changed.push(element));
    try {
      const before = harness.engine.count('inspectContainer');
      const resolved = await tree.provider.resolveTreeItem(item, node);
      assert.ok(harness.engine.count('inspectContainer') - before <= 1);
      const text = tooltipOf(resolved) as string;
      assert.ok(text.startsWith(`**c2** \`${containerId('c2').slice(0, 12)}\`\n\nImage: local/busybox\\:latest\n\nState: Running for `), text);
      assert.ok(text.endsWith('\n\nNetwork mode: bnet'), text);
      tree.provider.refresh();
      assert.deepEqual(changed, [undefined], 'a refresh redraws the whole tree (and drops the pending rebuild)');
    } finally {
      tree.provider.dispose();
    }
  });

  test('getParent links a membership to its container and a leaf to its membership (reveal walks these)', async () => {
    const tree = treeOf(harness.session, 'containers', everything);
    const membership = (await tree.find('c2', 'dev')).node;
    const parent = tree.provider.getParent(membership);
    assert.equal(parent?.kind, 'container');
    assert.equal(parent && 'containerId' in parent ? parent.containerId : undefined, containerId('c2'));
    assert.equal(tree.provider.getParent((await tree.find('c2')).node), undefined);
  });
});

describe('when the engine is not reachable', () => {
  test('both trees are empty (the welcome view names the cause) and no message pops up', async () => {
    harness.engine.stop();
    await harness.session.refresh();
    assert.equal(harness.session.state.kind, 'unreachable');
    assert.deepEqual(await treeOf(harness.session, 'networks', everything).labels(), []);
    assert.deepEqual(await treeOf(harness.session, 'containers', everything).labels(), []);
    assert.deepEqual(fake.messages, []);
  });
});

describe('a swarm manager (recorded on a three-node swarm)', () => {
  test('an overlay network lists the nodes it spans (from one verbose inspection), then the local task endpoints', async () => {
    harness.dispose();
    harness = await fakeServices(loadFixture('engine-1.41', 'swarm-manager.json'));
    const tree = treeOf(harness.session, 'networks');
    const overlay = (await tree.find('dnerec-ov')).item;
    assert.equal(overlay.description, 'overlay · swarm · 10.162.1.0/24');
    assert.equal(overlay.contextValue, 'network:user:overlay:used|networkName|networkId');
    assert.equal(iconOf(overlay), 'globe');
    assert.deepEqual(await tree.labels('dnerec-ov'), ['dnerecn1', 'dnerecn2', 'dnerecn3', 'dnerec-web.2.idqg9dtq3glt183l96vlbnsle']);
    const leader = (await tree.find('dnerec-ov', 'dnerecn1')).item;
    assert.equal(leader.description, '10.150.2.1 · manager (leader) · this node');
    assert.equal(leader.contextValue, 'swarmNode:manager:self');
    assert.equal(iconOf(leader), 'server');
    assert.match(tooltipOf(leader) as string, /Role: manager \\\(leader\\\)\n\nState: ready · active\n\nTasks on this network: 1\n\nListed as a peer of this network \(VXLAN tunnel endpoint\)\./);
    assert.equal((await tree.find('dnerec-ov', 'dnerecn2')).item.description, '10.150.2.2 · worker');
    const ingress = (await tree.find('ingress')).item;
    assert.equal(ingress.description, 'predefined · overlay · swarm · 10.162.0.0/24');
    assert.match(tooltipOf(ingress) as string, /_Swarm ingress\\: the routing mesh that publishes service ports on every node\\._/);
  });
});
