/**
 * What a careful user found comparing the diagram with `ip -d -j link` in every namespace (issue
 * #8), checked on the recorded seed topology (scripts/recordTopologyFixtures.ts): scopes of the
 * none and host networks, the collapsed view of two links to one bridge, macvlan's network and
 * parent, the host's uplink and `ip netns add` namespaces, the level without root, the level said
 * in every export.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { buildTopology } from '../../src/model/topology/build';
import { generateMermaid, mermaidId } from '../../src/model/topology/mermaid';
import { DEFAULT_DIAGRAM_OPTIONS, TopoInterface, TopoNamespace, Topology, TopologyScope } from '../../src/model/topology/types';
import { markdownDocument, svgDocument } from '../../src/topologyPanel/exportDocuments';
import { ENGLISH_LABELS } from '../../src/messages/diagramLabels';
import { decodeMermaidText, fixtureInput, loadTopologyFixture, parseFlowchart } from './topologySupport';

const fixture = loadTopologyFixture();
const P = fixture.recordedWith.prefix;
const netns = buildTopology(fixtureInput(fixture, 'netns'));
const sysfs = buildTopology(fixtureInput(fixture, 'sysfs'));
const api = buildTopology(fixtureInput(fixture, 'api'));

const networkId = (name: string) => fixture.networks.find((network) => network.Name === name)!.Id;
const containerId = (name: string) => fixture.containers.find((container) => container.Names?.[0] === `/${P}${name}`)!.Id;
const nsOf = (topology: Topology, containerName: string): TopoNamespace => {
  const ns = topology.namespaces.find((candidate) => candidate.containers.some((container) => container.name === `${P}${containerName}`));
  assert.ok(ns, `no namespace holds ${P}${containerName}`);
  return ns!;
};
const byId = (topology: Topology) => new Map(topology.namespaces.flatMap((ns) => ns.interfaces).map((i) => [i.id, i] as [string, TopoInterface]));
const peerOf = (topology: Topology, id: string, kind = 'veth') =>
  topology.edges.filter((edge) => edge.kind === kind && (edge.from === id || edge.to === id)).map((edge) => (edge.from === id ? edge.to : edge.from));
const host = (topology: Topology) => topology.namespaces.find((ns) => ns.kind === 'host')!;
const draw = (topology: Topology, scope: TopologyScope, options = DEFAULT_DIAGRAM_OPTIONS) => generateMermaid(topology, scope, options, ENGLISH_LABELS);
const texts = async (text: string) => {
  const flow = await parseFlowchart(text);
  return { flow, vertices: flow.vertices.map((v) => decodeMermaidText(v.text ?? '')), titles: flow.subgraphs.map((s) => decodeMermaidText(s.title)) };
};
const dockerBridges = (topology: Topology) => host(topology).interfaces.filter((i) => i.kind === 'bridge').map((i) => i.name!);

describe('scopes of the none and host networks, and of a host-mode container', () => {
  for (const [level, topology] of [['netns', netns], ['sysfs', sysfs], ['api', api]] as const) {
    test(`${level}: Network none draws the --network none container with lo 127.0.0.1/8, not only the legend`, async () => {
      const { text } = draw(topology, { kind: 'network', networkId: networkId('none') });
      const { vertices, titles } = await texts(text);
      assert.ok(titles.some((t) => t.startsWith(`${P}isolated`)) || vertices.some((t) => t.startsWith(`${P}isolated`)), text);
      assert.ok(vertices.some((t) => t.startsWith('lo') && t.includes('127.0.0.1/8')), 'lo with its address');
      assert.ok(!dockerBridges(topology).some((bridge) => text.includes(bridge)), 'no bridge');
      assert.ok(!text.includes('host mode'), 'no host-mode suffix');
    });

    test(`${level}: Network host and the host-mode container draw the host stack (its uplink), not every bridge`, async () => {
      for (const scope of [{ kind: 'network', networkId: networkId('host') }, { kind: 'container', containerId: containerId('hostbox') }] as TopologyScope[]) {
        const { text } = draw(topology, scope);
        const { vertices, titles } = await texts(text);
        assert.ok([...titles, ...vertices].some((t) => t.includes(`host mode: ${P}hostbox`)), `${JSON.stringify(scope)}\n${text}`);
        assert.ok(!dockerBridges(topology).some((bridge) => text.includes(bridge)), `${JSON.stringify(scope)}: no Docker bridge`);
        assert.ok(!text.includes(`${P}c1`), 'no other container');
        if (level !== 'api') {
          const uplink = fixture.facts[level].defaultRoutes![0].interface;
          assert.ok(vertices.some((t) => t.startsWith(uplink) && t.includes('default route via')), `${uplink} drawn as the uplink`);
        }
      }
    });
  }

  test('the host-mode suffix appears only where the scope is about host mode', () => {
    for (const network of ['bridge', `${P}bnet`, `${P}devops`, `${P}ovnet`, `${P}mvnet`]) {
      assert.ok(!draw(netns, { kind: 'network', networkId: networkId(network) }).text.includes('host mode'), network);
    }
    for (const container of ['c1', 'AppProd', 'mv1']) {
      assert.ok(!draw(netns, { kind: 'container', containerId: containerId(container) }).text.includes('host mode'), container);
    }
    assert.ok(draw(netns, { kind: 'host' }).text.includes(`host mode: ${P}hostbox`));
  });
});

describe('collapsed view: a Docker link and a hand-made link to the same bridge', () => {
  test('stay two edges (one orange), and each interface line keeps its tag', async () => {
    const appDev = nsOf(netns, 'AppDev');
    assert.deepEqual(appDev.interfaces.map((i) => `${i.name} ${i.managed}`).sort(), ['eth0 true', 'eth1 false']);
    const result = draw(netns, { kind: 'container', containerId: containerId('AppDev') }, { ...DEFAULT_DIAGRAM_OPTIONS, collapse: true, showLegend: false });
    const { flow, vertices } = await texts(result.text);
    const node = mermaidId('ns', appDev.id);
    const bridge = mermaidId('if', `ns:host/if:br-${networkId(`${P}devops`).slice(0, 12)}`);
    const toBridge = flow.edges.map((edge, index) => ({ edge, index })).filter(({ edge }) => edge.start === node && edge.end === bridge);
    assert.equal(toBridge.length, 2, result.text);
    const orange = (/^\s*linkStyle ([\d,]+) /m.exec(result.text)?.[1] ?? '').split(',').map(Number);
    assert.deepEqual(toBridge.map(({ index }) => orange.includes(index)).sort(), [false, true]);
    const line = vertices.find((t) => t.startsWith(`${P}AppDev`))!;
    assert.match(line, /eth1@if\d+ [^<]*\(not managed by Docker\)/);
    assert.doesNotMatch(line, /eth0@if\d+ [^<]*not managed/);
  });
});

describe('macvlan: network, driver and mode, and the parent with its peer', () => {
  for (const [level, topology] of [['netns', netns], ['sysfs', sysfs], ['api', api]] as const) {
    test(`${level}: the container's link and the parent name the network (macvlan bridge)`, async () => {
      const { text } = draw(topology, { kind: 'network', networkId: networkId(`${P}mvnet`) });
      const { vertices } = await texts(text);
      assert.ok(vertices.some((t) => /^eth/.test(t) && t.includes(`network ${P}mvnet (macvlan bridge)`)), text);
      assert.ok(vertices.some((t) => t.startsWith('dnetopo-dmy0') && t.includes(`parent of ${P}mvnet (macvlan bridge)`)), text);
    });
  }

  test('netns and sysfs: the parent (one end of a veth here) is drawn with its peer', () => {
    for (const topology of [netns, sysfs]) {
      const parent = byId(topology).get('ns:host/if:dnetopo-dmy0')!;
      assert.equal(parent.source, 'observed');
      if (parent.kind === 'veth') {
        const peer = byId(topology).get(peerOf(topology, parent.id)[0])!;
        assert.ok(peer && peer.namespaceId === 'ns:host', `${topology.level}: peer of dnetopo-dmy0`);
      }
      const mv1 = nsOf(topology, 'mv1').interfaces.find((i) => i.name === 'eth0')!;
      assert.equal(mv1.kind, 'macvlan');
      assert.deepEqual(peerOf(topology, mv1.id, 'parent'), [parent.id]);
    }
  });
});

describe("the host's uplink and ip netns namespaces", () => {
  test('the interface of the default route is drawn with its address and gateway', () => {
    for (const level of ['netns', 'sysfs'] as const) {
      const topology = level === 'netns' ? netns : sysfs;
      const route = fixture.facts[level].defaultRoutes![0];
      const uplink = host(topology).interfaces.find((i) => i.name === route.interface)!;
      assert.ok(uplink, `${level}: ${route.interface}`);
      assert.ok(uplink.addresses.length > 0 && uplink.uplinkGateways!.includes(route.gateway!));
      assert.equal(uplink.managed, true, 'the host\'s own interface is not flagged as a hand-made link');
    }
  });

  test('netns: the ip netns namespace, its veth and the host end, not managed by Docker', () => {
    const ns = netns.namespaces.find((candidate) => candidate.kind === 'named')!;
    assert.equal(ns.name, 'dnetopo-ns1');
    assert.equal(ns.source, 'observed');
    const inside = ns.interfaces.find((i) => i.name === 'dnetopo-vn0')!;
    const hostEnd = byId(netns).get(peerOf(netns, inside.id)[0])!;
    assert.equal(hostEnd.name, 'dnetopo-vh0');
    assert.equal(inside.managed || hostEnd.managed, false);
    assert.match(draw(netns, { kind: 'host' }).text, /ip netns dnetopo-ns1/);
  });

  test('sysfs: the ip netns namespace is listed, drawn dashed (it cannot be entered without root)', () => {
    const ns = sysfs.namespaces.find((candidate) => candidate.kind === 'named')!;
    assert.equal(ns.source, 'inferred');
    const { text } = draw(sysfs, { kind: 'host' });
    assert.match(text, new RegExp(`class [^\\n]*${mermaidId('ns', ns.id)}[^\\n]* inferred`));
  });
});

describe('without root (sysfs): the same picture, what could not be read inferred', () => {
  test('container interfaces carry their MAC (Docker\'s record of the endpoint)', () => {
    for (const ns of netns.namespaces.filter((candidate) => candidate.kind === 'container' && !candidate.stopped)) {
      const twin = sysfs.namespaces.find((candidate) => candidate.id === ns.id)!;
      for (const own of ns.interfaces.filter((i) => i.managed && i.kind !== 'loopback' && i.networkIds.length > 0 && i.containerId)) {
        const mine = twin.interfaces.find((i) => i.name === own.name);
        if (fixture.networks.find((n) => n.Id === own.networkIds[0])?.Name === 'docker_gwbridge') continue; // swarm's gateway endpoint is not listed
        assert.equal(mine?.mac, own.mac, `${ns.containers[0].name} ${own.name}`);
      }
    }
  });

  test("overlay 1-<id> with br0/vxlan0, lb_ and ingress_sbox are inferred; the task's eth0 is not an orphan", () => {
    for (const ns of netns.namespaces.filter((candidate) => ['overlay', 'ingress', 'loadBalancer'].includes(candidate.kind))) {
      const twin = sysfs.namespaces.find((candidate) => candidate.id === ns.id);
      assert.ok(twin, `${ns.name} at sysfs`);
      assert.equal(twin!.source, 'inferred');
    }
    const task = sysfs.namespaces.find((ns) => ns.containers.some((c) => c.name.startsWith(`${P}s1.`)))!;
    for (const own of task.interfaces.filter((i) => i.kind !== 'loopback')) {
      assert.equal(peerOf(sysfs, own.id).length, 1, `${own.name} has its veth peer (observed or inferred)`);
    }
  });

  test("ingress_sbox's end on docker_gwbridge is Docker's (not orange), joined to ingress_sbox as root sees it", () => {
    const sysfsEnd = peerOf(sysfs, 'ns:netns:ingress_sbox/if:eth1')[0];
    assert.equal(sysfsEnd, peerOf(netns, 'ns:netns:ingress_sbox/if:eth1')[0]);
    assert.equal(byId(sysfs).get(sysfsEnd)!.managed, true);
    const unmanagedClass = draw(sysfs, { kind: 'host' }).text.split('\n').find((line) => / unmanaged$/.test(line)) ?? '';
    assert.ok(!unmanagedClass.includes(mermaidId('if', sysfsEnd)), 'not drawn orange');
  });

  test('addresses per interface equal the root level: two interfaces, --network none, a bridge without carrier', () => {
    const summary = (ns: TopoNamespace) => ns.interfaces.map((i) => `${i.name} ${[...i.addresses].sort().join(',')}`).sort();
    // AppDev: eth0 (Docker's) and eth1 (hand-made) on one subnet; procfs alone cannot tell whose address is whose.
    assert.deepEqual(summary(nsOf(netns, 'AppDev')), ['eth0 10.213.8.2/24', 'eth1 10.213.8.200/24']);
    for (const name of ['multi', 'isolated', 'AppProd', 'AppDev']) {
      assert.deepEqual(summary(nsOf(sysfs, name)), summary(nsOf(netns, name)), name);
    }
    assert.equal(nsOf(netns, 'multi').interfaces.length, 2);
    const bridges = (topology: Topology) => host(topology).interfaces.filter((i) => i.kind === 'bridge').map((i) => `${i.name} ${i.addresses.join(',')}`).sort();
    assert.deepEqual(bridges(sysfs), bridges(netns));
    const empty = host(netns).interfaces.find((i) => i.name === `br-${networkId(`${P}empty`).slice(0, 12)}`)!;
    assert.equal(empty.state, 'DOWN');
    assert.ok(empty.addresses.length > 0);
  });
});

describe('the level is said in every export', () => {
  test('Mermaid: a comment after the diagram type, for each level', async () => {
    for (const [topology, line] of [[netns, 'netns (full)'], [sysfs, 'sysfs (notRoot)'], [api, 'api (remoteEngine)']] as const) {
      const { text } = draw(topology, { kind: 'host' });
      assert.equal(text.split('\n')[1], `%% probe level: ${line}`);
      await parseFlowchart(text);
    }
  });

  test('Markdown: a line above the diagram; SVG: a comment and a <desc>', () => {
    const line = 'Probe level: sysfs (notRoot). Observed without root through /sys and /proc.';
    const md = markdownDocument('Docker Network Topology', line, 'flowchart LR\n');
    assert.ok(md.includes(`\n${line}\n\n\`\`\`mermaid\nflowchart LR\n`));
    const svg = svgDocument('<svg xmlns="http://www.w3.org/2000/svg" id="x"><g/></svg>', 'level <a> -- b');
    assert.equal(svg, '<!-- level <a> - b -->\n<svg xmlns="http://www.w3.org/2000/svg" id="x"><desc>level &lt;a&gt; -- b</desc><g/></svg>');
  });
});
