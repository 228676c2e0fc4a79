import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { buildTopology } from '../../src/model/topology/build';
import { escapeLabel, generateMermaid, mermaidId } from '../../src/model/topology/mermaid';
import { filterTopology } from '../../src/model/topology/scope';
import { DEFAULT_DIAGRAM_OPTIONS, DiagramOptions, TopoInterface, TopoNamespace, Topology, TopologyScope } from '../../src/model/topology/types';
import { ENGLISH_LABELS } from '../../src/messages/diagramLabels';
import { decodeMermaidText, fixtureInput, loadTopologyFixture, parseFlowchart } from './topologySupport';

const HOSTILE_ALIAS = 'x"]; click a call alert(1); y["';
const HTML_ALIAS = '<img src=x onerror=alert(1)>';

const fixture = loadTopologyFixture();
const P = fixture.recordedWith.prefix;
const build = (level: 'netns' | 'sysfs' | 'api') => buildTopology(fixtureInput(fixture, level));
const netns = build('netns');
const sysfs = build('sysfs');
const api = build('api');

const nsOf = (topology: Topology, containerName: string): TopoNamespace => {
  const ns = topology.namespaces.find((candidate) => candidate.containers.some((container) => container.name === `${P}${containerName}`));
  assert.ok(ns, `no namespace holds ${P}${containerName}`);
  return ns!;
};
const iface = (ns: TopoNamespace, name: string): TopoInterface => {
  const found = ns.interfaces.find((candidate) => candidate.name === name);
  assert.ok(found, `${ns.id} has no ${name} (has ${ns.interfaces.map((i) => i.name).join(', ')})`);
  return found!;
};
const host = (topology: Topology) => topology.namespaces.find((ns) => ns.kind === 'host')!;
const networkId = (name: string) => fixture.networks.find((network) => network.Name === name)!.Id;
const devopsBridge = `br-${networkId(`${P}devops`).slice(0, 12)}`;
const peerOf = (topology: Topology, id: string, kind = 'veth') =>
  topology.edges.filter((edge) => edge.kind === kind && (edge.from === id || edge.to === id)).map((edge) => (edge.from === id ? edge.to : edge.from));
const allInterfaces = (topology: Topology) => topology.namespaces.flatMap((ns) => ns.interfaces);

describe('topology from the recorded seed labs, root level (netns)', () => {
  test('reports its level', () => {
    assert.equal(netns.level, 'netns');
    assert.equal(netns.reason, 'full');
  });

  test('host namespace holds the bridges, and the host-mode container', () => {
    const names = host(netns).interfaces.map((i) => i.name);
    for (const bridge of ['docker0', 'docker_gwbridge', devopsBridge]) {
      assert.ok(names.includes(bridge), `${bridge} missing from ${names.join(', ')}`);
    }
    assert.deepEqual(host(netns).containers.map((c) => c.name), [`${P}hostbox`]);
  });

  test('devops: AppDev eth0 is a veth pair with a port of the devops bridge', () => {
    const eth0 = iface(nsOf(netns, 'AppDev'), 'eth0');
    assert.equal(eth0.kind, 'veth');
    assert.equal(eth0.source, 'observed');
    assert.ok(eth0.managed);
    const [hostEndId] = peerOf(netns, eth0.id);
    const hostEnd = allInterfaces(netns).find((i) => i.id === hostEndId)!;
    assert.equal(hostEnd.namespaceId, 'ns:host');
    assert.match(hostEnd.name!, /^veth[0-9a-f]{7}$/);
    assert.equal(hostEnd.ifindex, eth0.linkIndex);
    assert.equal(hostEnd.linkIndex, eth0.ifindex);
    assert.deepEqual(peerOf(netns, hostEnd.id, 'bridgePort'), [`ns:host/if:${devopsBridge}`]);
  });

  test('the hand-made veth: int_hote on the devops bridge, its peer eth1 in AppProd, both not managed by Docker', () => {
    const intHote = iface(host(netns), 'int_hote');
    const eth1 = iface(nsOf(netns, 'AppProd'), 'eth1');
    assert.equal(intHote.managed, false);
    assert.equal(eth1.managed, false);
    assert.deepEqual(peerOf(netns, intHote.id), [eth1.id]);
    assert.deepEqual(peerOf(netns, intHote.id, 'bridgePort'), [`ns:host/if:${devopsBridge}`]);
    const edge = netns.edges.find((e) => e.kind === 'veth' && (e.from === eth1.id || e.to === eth1.id))!;
    assert.equal(edge.managed, false);
    assert.ok(iface(nsOf(netns, 'AppProd'), 'eth0').managed);
  });

  test('container: sharing puts sidecar in c1 namespace; none has only lo', () => {
    assert.deepEqual(nsOf(netns, 'c1').containers.map((c) => c.name).sort(), [`${P}c1`, `${P}sidecar`]);
    assert.deepEqual(nsOf(netns, 'isolated').interfaces.map((i) => i.name), ['lo']);
  });

  test('macvlan: the container interface hangs from the dummy parent in the host namespace', () => {
    const eth0 = iface(nsOf(netns, 'mv1'), 'eth0');
    assert.equal(eth0.kind, 'macvlan');
    assert.deepEqual(peerOf(netns, eth0.id, 'parent'), ['ns:host/if:dnetopo-dmy0']);
  });

  test('swarm: overlay namespace 1-<id10> with br0, vxlan0 and the veth to the service task; ingress_sbox; lb_', () => {
    const ovnetId = networkId(`${P}ovnet`);
    const overlay = netns.namespaces.find((ns) => ns.id === `ns:overlay:${ovnetId}`)!;
    assert.ok(overlay, 'overlay namespace of ovnet');
    assert.equal(overlay.name, `1-${ovnetId.slice(0, 10)}`);
    const br0 = iface(overlay, 'br0');
    const vxlan0 = iface(overlay, 'vxlan0');
    assert.equal(vxlan0.kind, 'vxlan');
    assert.deepEqual(peerOf(netns, vxlan0.id, 'bridgePort'), [br0.id]);
    const task = netns.namespaces.find((ns) => ns.containers.some((c) => c.name.startsWith(`${P}s1.`)))!;
    const taskPeers = task.interfaces.flatMap((i) => peerOf(netns, i.id));
    assert.ok(taskPeers.some((id) => id.startsWith(overlay.id)), 'task eth reaches the overlay namespace');
    assert.ok(task.interfaces.every((i) => i.managed), 'docker_gwbridge endpoint is Docker-made');
    assert.ok(netns.namespaces.some((ns) => ns.kind === 'ingress' && ns.name === 'ingress_sbox'));
    assert.ok(netns.namespaces.some((ns) => ns.kind === 'loadBalancer'));
  });

  test('every observed veth pair has reciprocal ifindex/link index', () => {
    const byId = new Map(allInterfaces(netns).map((i) => [i.id, i]));
    const pairs = netns.edges.filter((e) => e.kind === 'veth');
    assert.ok(pairs.length >= 10, `only ${pairs.length} pairs`);
    for (const edge of pairs) {
      const [a, b] = [byId.get(edge.from)!, byId.get(edge.to)!];
      assert.equal(a.linkIndex, b.ifindex, edge.id);
      assert.equal(b.linkIndex, a.ifindex, edge.id);
    }
  });
});

describe('topology at the sysfs level (no root)', () => {
  test('finds the same bridge-port veth pairs into container namespaces as the root level', () => {
    const pairs = (topology: Topology) =>
      topology.edges
        .filter((e) => e.kind === 'veth')
        .map((e) => [e.from, e.to].sort().join(' <-> '))
        .filter((pair) => pair.includes('ns:host/') && pair.includes('ns:ctr:'))
        .sort();
    assert.equal(sysfs.level, 'sysfs');
    assert.deepEqual(pairs(sysfs), pairs(netns));
    assert.equal(iface(host(sysfs), 'int_hote').managed, false);
    assert.equal(iface(nsOf(sysfs, 'AppProd'), 'eth1').managed, false);
    assert.ok(iface(nsOf(sysfs, 'AppDev'), 'eth0').addresses.length > 0);
  });
});

describe('topology from the Engine API only', () => {
  test('everything is inferred', () => {
    assert.equal(api.level, 'api');
    assert.ok(allInterfaces(api).every((i) => i.source === 'inferred'));
    assert.ok(api.edges.every((e) => e.source === 'inferred'));
  });

  test('every observed veth between a container and a host bridge has an inferred equivalent', () => {
    const bridgeOfContainerSide = (topology: Topology, containerIface: TopoInterface): string | undefined => {
      const [hostEnd] = peerOf(topology, containerIface.id).filter((id) => id.startsWith('ns:host/'));
      return hostEnd ? peerOf(topology, hostEnd, 'bridgePort')[0] : undefined;
    };
    let compared = 0;
    for (const ns of netns.namespaces.filter((candidate) => candidate.kind === 'container')) {
      for (const observed of ns.interfaces.filter((i) => i.managed && i.kind === 'veth')) {
        const bridge = bridgeOfContainerSide(netns, observed);
        if (!bridge || bridge === 'ns:host/if:docker_gwbridge') {
          continue; // swarm's gwbridge endpoint is not in the API's container networks
        }
        const inferredNs = api.namespaces.find((candidate) => candidate.id === ns.id);
        assert.ok(inferredNs, `API level lacks namespace ${ns.id}`);
        const match = inferredNs!.interfaces.find((i) => bridgeOfContainerSide(api, i) === bridge);
        assert.ok(match, `no inferred veth from ${ns.id} to ${bridge}`);
        assert.deepEqual(match!.addresses.filter((a) => a.includes('.')), observed.addresses.filter((a) => a.includes('.')));
        compared++;
      }
    }
    assert.ok(compared >= 5, `compared only ${compared}`);
  });

  test('API level infers the overlay namespace with br0 and vxlan0, and the macvlan parent', () => {
    const ovnetId = networkId(`${P}ovnet`);
    const overlay = api.namespaces.find((ns) => ns.id === `ns:overlay:${ovnetId}`)!;
    assert.deepEqual(overlay.interfaces.filter((i) => i.name).map((i) => i.name).sort(), ['br0', 'vxlan0']);
    const mv = nsOf(api, 'mv1').interfaces[0];
    assert.deepEqual(peerOf(api, mv.id, 'parent'), ['ns:host/if:dnetopo-dmy0']);
  });
});

const SCOPES = (topology: Topology): TopologyScope[] => [
  { kind: 'host' },
  ...topology.networks.map((network) => ({ kind: 'network' as const, networkId: network.id })),
  ...fixture.containers.map((container) => ({ kind: 'container' as const, containerId: container.Id })),
];
const OPTION_SETS: DiagramOptions[] = [
  DEFAULT_DIAGRAM_OPTIONS,
  { showIPs: true, showMACs: true, showStopped: true, showUnmanaged: true, showInferred: true, showLegend: true, collapse: false },
  { showIPs: false, showMACs: false, showStopped: false, showUnmanaged: false, showInferred: false, showLegend: false, collapse: true },
];

describe('Mermaid generator', () => {
  test('every scope, level and option set parses with Mermaid own parser', async () => {
    let parsed = 0;
    for (const topology of [netns, sysfs, api]) {
      for (const scope of SCOPES(topology)) {
        for (const options of OPTION_SETS) {
          const { text } = generateMermaid(topology, scope, options, ENGLISH_LABELS);
          try {
            await parseFlowchart(text);
          } catch (error) {
            assert.fail(`${topology.level} ${JSON.stringify(scope)} ${JSON.stringify(options)}: ${(error as Error).message}\n${text}`);
          }
          parsed++;
        }
      }
    }
    assert.ok(parsed > 100);
  });

  test('the diagram has the nodes and edges the generator counted, and the devops scope shows the hand-made link', async () => {
    const devops = { kind: 'network' as const, networkId: networkId(`${P}devops`) };
    const result = generateMermaid(netns, devops, { ...DEFAULT_DIAGRAM_OPTIONS, showLegend: false }, ENGLISH_LABELS);
    const flow = await parseFlowchart(result.text);
    assert.equal(flow.vertices.filter((v) => !flow.subgraphs.some((s) => s.id === v.id)).length, result.nodeCount);
    assert.equal(flow.edges.length, result.edgeCount);
    const texts = flow.vertices.map((v) => decodeMermaidText(v.text ?? ''));
    assert.ok(texts.some((t) => t.startsWith(`${devopsBridge}<br/>`)), 'bridge node');
    assert.ok(texts.some((t) => t.startsWith('int_hote@if') && t.includes('not managed by Docker')), 'host end of the hand-made veth');
    assert.ok(texts.some((t) => t.startsWith('eth1@if') && t.includes('not managed by Docker')), 'AppProd end of the hand-made veth');
    assert.ok(flow.subgraphs.some((s) => decodeMermaidText(s.title).startsWith(`${P}AppDev`)), 'AppDev namespace');
    assert.ok(flow.subgraphs.some((s) => decodeMermaidText(s.title).startsWith(`${P}AppProd`)), 'AppProd namespace');
    assert.ok(!texts.some((t) => t.includes('172.16.86.130')), 'AppProd eth0 on prod is outside the devops scope');
  });

  test('ids are stable: same text whatever the order of the inputs, ids made of [A-Za-z0-9_]', () => {
    const input = fixtureInput(fixture, 'netns');
    const shuffled = fixtureInput(fixture, 'netns');
    shuffled.facts.namespaces.reverse();
    for (const ns of shuffled.facts.namespaces) ns.links.reverse();
    shuffled.inventory.networks.reverse();
    shuffled.inventory.containers.reverse();
    const a = generateMermaid(buildTopology(input), { kind: 'host' }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
    const b = generateMermaid(buildTopology(shuffled), { kind: 'host' }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
    assert.equal(b.text, a.text);
    for (const id of Object.keys(a.nodeTargets)) {
      assert.match(id, /^[A-Za-z0-9_]+$/);
    }
  });

  test('mermaidId: distinct keys give distinct ids, the same key the same id in any order and any process, always a plain identifier', () => {
    const keys = new Set<string>(['a/b', 'a_b', 'a-b', 'a b', 'a//b', '/a/b/', 'ab', 'end', 'graph', 'subgraph', '', '___']);
    // Longer than the readable part (32 characters): only the hash tells these apart.
    keys.add(`x${'0'.repeat(40)}`).add(`y${'0'.repeat(40)}`);
    for (const topology of [netns, sysfs, api]) {
      for (const ns of topology.namespaces) {
        keys.add(ns.id);
        ns.interfaces.forEach((i) => keys.add(i.id));
      }
    }
    const ordered = [...keys];
    const ids = ordered.map((key) => mermaidId('if', key));
    assert.equal(new Set(ids).size, keys.size, 'two keys share an id');
    for (const id of ids) {
      assert.match(id, /^if_[A-Za-z0-9_]*$/, 'a prefix, then letters, digits and underscores only');
    }
    assert.deepEqual([...ordered].reverse().map((key) => mermaidId('if', key)), [...ids].reverse(), 'an id does not depend on what was asked before');
    // Pinned: a webview state or a test that remembers an id must find it again after a restart.
    assert.equal(mermaidId('if', 'ns:host/if:docker0'), 'if_ns_host_if_docker0_1991ham');
  });

  test('reserved words as network, container, namespace and interface names still give a diagram that parses, with the names as text', async () => {
    const RESERVED = ['end', 'graph', 'subgraph', 'flowchart', 'click', 'style', 'class', 'classDef', 'linkStyle', 'direction'];
    const input = fixtureInput(fixture, 'netns');
    input.facts.namespaces.find((ns) => ns.kind === 'host')!.links.find((link) => link.name === 'int_hote')!.name = 'end';
    input.facts.namespaces.find((ns) => ns.kind === 'ingress')!.name = 'subgraph';
    const topology = buildTopology(input);
    topology.networks.forEach((network, i) => (network.name = RESERVED[i % RESERVED.length]));
    topology.namespaces.flatMap((ns) => ns.containers).forEach((container, i) => (container.name = RESERVED[(i + 3) % RESERVED.length]));
    for (const options of OPTION_SETS) {
      const result = generateMermaid(topology, { kind: 'host' }, { ...options, showStopped: true }, ENGLISH_LABELS);
      const flow = await parseFlowchart(result.text);
      // nodeCount leaves the legend's samples out.
      const nodes = flow.vertices.filter((v) => !flow.subgraphs.some((s) => s.id === v.id) && !v.id.startsWith('legend_'));
      assert.equal(nodes.length, result.nodeCount, JSON.stringify(options));
      assert.equal(flow.edges.length, result.edgeCount, JSON.stringify(options));
      const texts = [...flow.vertices.map((v) => v.text ?? ''), ...flow.subgraphs.map((s) => s.title)].map(decodeMermaidText);
      const words = new Set(texts.flatMap((text) => text.split(/[\s,·()<>/]+/)));
      const shownNames = filterTopology(topology, { ...options, showStopped: true }).namespaces.flatMap((ns) => ns.containers.map((container) => container.name));
      assert.ok(shownNames.length > 5, JSON.stringify(options));
      for (const name of shownNames) {
        assert.ok(words.has(name), `container ${name} missing with ${JSON.stringify(options)}`);
      }
      if (options.collapse === false) {
        assert.ok(texts.some((text) => text.startsWith('end@if')), 'host interface named end');
        assert.ok(texts.includes('ingress netns subgraph'), 'namespace named subgraph');
        const bridge = topology.networks.find((network) => network.driver === 'bridge')!;
        assert.ok(texts.some((text) => text.includes(`<br/>network ${bridge.name}`)), 'network name on its bridge');
      }
    }
  });

  test("AppProd's hostile aliases render as literal text: no click, no link, no extra node", async () => {
    const prodId = networkId(`${P}prod`);
    const result = generateMermaid(netns, { kind: 'network', networkId: prodId }, { ...DEFAULT_DIAGRAM_OPTIONS, showLegend: false }, ENGLISH_LABELS);
    assert.ok(!result.text.includes(HOSTILE_ALIAS) && !result.text.includes(HTML_ALIAS));
    assert.ok(!/^\s*click\b/m.test(result.text));
    const flow = await parseFlowchart(result.text);
    const decoded = flow.vertices.map((v) => decodeMermaidText(v.text ?? ''));
    const appProd = decoded.find((text) => text.includes('172.16.86.130'));
    assert.ok(appProd, 'AppProd eth0 on prod');
    assert.ok(appProd!.includes(HOSTILE_ALIAS), appProd);
    assert.ok(appProd!.includes(HTML_ALIAS), appProd);
    assert.ok(flow.vertices.every((v) => !v.link && !v.haveCallback), 'no vertex got a link or callback');
    assert.equal(flow.vertices.filter((v) => !flow.subgraphs.some((s) => s.id === v.id)).length, result.nodeCount, 'no extra node (y, a)');
  });

  test('hostile interface and namespace names from the host are escaped too', async () => {
    const input = fixtureInput(fixture, 'netns');
    const hostNs = input.facts.namespaces.find((ns) => ns.kind === 'host')!;
    hostNs.links.find((link) => link.name === 'int_hote')!.name = HOSTILE_ALIAS;
    const overlay = input.facts.namespaces.find((ns) => ns.kind === 'ingress')!;
    overlay.name = HTML_ALIAS;
    const topology = buildTopology(input);
    const result = generateMermaid(topology, { kind: 'host' }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
    const flow = await parseFlowchart(result.text);
    assert.ok(flow.vertices.some((v) => decodeMermaidText(v.text ?? '').startsWith(`${HOSTILE_ALIAS}@if`)));
    assert.ok(flow.subgraphs.some((s) => decodeMermaidText(s.title).includes(HTML_ALIAS)));
    assert.ok(flow.vertices.every((v) => !v.link && !v.haveCallback));
  });

  test('escapeLabel keeps a small alphabet and encodes the rest', () => {
    for (const text of [HOSTILE_ALIAS, HTML_ALIAS, 'a`b`*c*', 'é#;&%\n\t"\'', '%%{init: {}}%%']) {
      const escaped = escapeLabel(text);
      assert.match(escaped, /^(?:[A-Za-z0-9 .:/@,_=+-]|#\d+;)*$/, escaped);
      assert.equal(decodeMermaidText(escaped.replace(/#(\d+);/g, 'ﬂ°°$1¶ß')), text);
    }
  });

  test('inferred parts are dashed (class inferred), and the legend explains the styles', async () => {
    const result = generateMermaid(api, { kind: 'host' }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
    assert.match(result.text, /<-\.->/);
    assert.match(result.text, /classDef inferred stroke-dasharray/);
    const flow = await parseFlowchart(result.text);
    assert.ok(flow.subgraphs.some((s) => s.id === 'legend'));
    const inferred = flow.vertices.filter((v) => v.classes?.includes('inferred'));
    assert.ok(inferred.length > 5);
  });

  test('collapse draws each container namespace as one node', async () => {
    const open = generateMermaid(netns, { kind: 'host' }, { ...DEFAULT_DIAGRAM_OPTIONS, collapse: false }, ENGLISH_LABELS);
    const closed = generateMermaid(netns, { kind: 'host' }, { ...DEFAULT_DIAGRAM_OPTIONS, collapse: true }, ENGLISH_LABELS);
    assert.ok(closed.collapsed && !open.collapsed);
    assert.ok(closed.nodeCount < open.nodeCount);
    await parseFlowchart(closed.text);
  });
});
