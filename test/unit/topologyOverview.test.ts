/** The whole-host overview for large hosts (src/model/topology/overview.ts), on the recorded seed labs. */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { buildTopology } from '../../src/model/topology/build';
import { generateMermaid } from '../../src/model/topology/mermaid';
import { drawDiagram } from '../../src/model/topology/diagramPlan';
import { generateOverview, OVERVIEW_THRESHOLD, overviewApplies } from '../../src/model/topology/overview';
import { fitScore, READABLE_SCALE } from '../../src/model/topology/overviewGrid';
import { DEFAULT_DIAGRAM_OPTIONS, TopoNamespace, Topology } from '../../src/model/topology/types';
import { ENGLISH_LABELS } from '../../src/messages/diagramLabels';
import { decodeMermaidText, fixtureInput, loadTopologyFixture, ParsedFlowchart, parseFlowchart } from './topologySupport';

const HOSTILE = 'x"]; click a call alert(1); y["';
const HTML = '<img src=x onerror=alert(1)>';

const fixture = loadTopologyFixture();
const P = fixture.recordedWith.prefix;
const HOST = { kind: 'host' } as const;
const running = fixture.containers.filter((container) => container.State === 'running').map((container) => container.Names![0].slice(1));
const userNetworks = fixture.networks.filter((network) => !['host', 'null'].includes(network.Driver ?? '')).map((network) => network.Name!);

const texts = (flow: ParsedFlowchart) => flow.vertices.map((vertex) => ({ id: vertex.id, text: decodeMermaidText(vertex.text ?? '') }));
/** A whole name in a label: not part of a longer name (`c1` in `c12`). */
const holds = (text: string, name: string) => new RegExp(`(^|[^\\w.-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w.-])`).test(text);

/** The seed with `copies` more containers made from AppDev's recorded namespace (new ids and names). */
function grown(topology: Topology, copies: number): Topology {
  const appDev = topology.namespaces.find((ns) => ns.containers.some((container) => container.name === `${P}AppDev`))!;
  const extra: TopoNamespace[] = [];
  for (let i = 0; i < copies; i++) {
    const id = `${appDev.id}-copy${i}`;
    extra.push({
      ...appDev,
      id,
      containers: appDev.containers.map((container) => ({ ...container, id: `${container.id}${i}`, name: `${container.name}-${i}` })),
      interfaces: appDev.interfaces.map((iface) => ({ ...iface, id: iface.id.replace(appDev.id, id), namespaceId: id })),
    });
  }
  return { ...topology, namespaces: [...topology.namespaces, ...extra] };
}

for (const level of ['netns', 'sysfs', 'api'] as const) {
  describe(`overview of the recorded seed labs (${level})`, () => {
    const topology = buildTopology(fixtureInput(fixture, level));
    const result = generateOverview(topology, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);

    test('parses with Mermaid; every running container appears in exactly one node, every network in exactly one', async () => {
      const flow = await parseFlowchart(result.text);
      const labels = texts(flow);
      for (const name of running) {
        const holders = labels.filter((label) => holds(label.text, name));
        assert.equal(holders.length, 1, `${name} in ${holders.length} nodes: ${holders.map((h) => h.text).join(' | ')}`);
      }
      for (const name of userNetworks) {
        const nodes = labels.filter((label) => label.text.startsWith(`${name} · `));
        assert.equal(nodes.length, 1, `network ${name}: ${nodes.length} nodes`);
        assert.deepEqual(result.nodeTargets[nodes[0].id], { kind: 'network', id: fixture.networks.find((network) => network.Name === name)!.Id });
      }
    });

    test('a container on two networks is linked to each; no edge joins two containers; no interface drawn', async () => {
      const flow = await parseFlowchart(result.text);
      const labels = texts(flow);
      const networkNodes = new Map(userNetworks.map((name) => [labels.find((label) => label.text.startsWith(`${name} · `))!.id, name]));
      const multi = labels.find((label) => holds(label.text, `${P}multi`))!;
      const linked = flow.edges.filter((edge) => edge.end === multi.id || edge.start === multi.id).map((edge) => networkNodes.get(edge.start === multi.id ? edge.end : edge.start));
      assert.deepEqual(linked.sort(), [`${P}bnet`, `${P}devops`]);
      assert.deepEqual(result.nodeTargets[multi.id], { kind: 'container', id: fixture.containers.find((c) => c.Names![0] === `/${P}multi`)!.Id });
      // Drawn links only: the invisible ones (~~~) chain the cells of a grid row.
      for (const edge of flow.edges.filter((edge) => edge.stroke !== 'invisible')) {
        assert.ok(networkNodes.has(edge.start) || networkNodes.has(edge.end), `edge ${edge.start} - ${edge.end} joins no network`);
      }
      assert.deepEqual(result.interfaceNodes, {});
      assert.ok(!/veth/.test(result.text), 'no veth end in the overview');
    });
  });
}

describe('overview: engine strings and the rule', () => {
  const topology = buildTopology(fixtureInput(fixture, 'netns'));

  test('hostile container and network names render as literal text: no click, no link, no extra node', async () => {
    const hostile = structuredClone(topology);
    const appDev = hostile.namespaces.find((ns) => ns.containers.some((container) => container.name === `${P}AppDev`))!;
    appDev.containers[0].name = HOSTILE;
    hostile.networks.find((network) => network.name === `${P}devops`)!.name = HTML;
    const result = generateOverview(hostile, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
    assert.ok(!result.text.includes(HOSTILE) && !result.text.includes(HTML));
    const flow = await parseFlowchart(result.text);
    const plain = await parseFlowchart(generateOverview(topology, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS).text);
    assert.equal(flow.vertices.length, plain.vertices.length);
    assert.ok(flow.vertices.every((vertex) => !vertex.link && !vertex.haveCallback));
    const labels = texts(flow).map((label) => label.text);
    assert.ok(labels.some((text) => text.includes(HOSTILE)), 'the container keeps its name, as text');
    assert.ok(labels.some((text) => text.startsWith(`${HTML} · `)), 'the network keeps its name, as text');
  });

  test('the lab-sized seed keeps the full plumbing: the rule picks generateMermaid', () => {
    assert.equal(overviewApplies(topology, { kind: 'host' }, DEFAULT_DIAGRAM_OPTIONS), false);
    assert.equal(drawDiagram(topology, { scope: HOST, options: DEFAULT_DIAGRAM_OPTIONS }, ENGLISH_LABELS).text, generateMermaid(topology, HOST, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS).text);
  });

  test(`above ${OVERVIEW_THRESHOLD} container namespaces the whole host is the overview; a scope or collapse set by hand keeps the plumbing`, () => {
    const large = grown(topology, OVERVIEW_THRESHOLD);
    assert.equal(drawDiagram(large, { scope: HOST, options: DEFAULT_DIAGRAM_OPTIONS }, ENGLISH_LABELS).text, generateOverview(large, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS).text);
    const devops = { kind: 'network', networkId: fixture.networks.find((network) => network.Name === `${P}devops`)!.Id } as const;
    assert.equal(drawDiagram(large, { scope: devops, options: DEFAULT_DIAGRAM_OPTIONS }, ENGLISH_LABELS).text, generateMermaid(large, devops, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS).text);
    const byHand = { ...DEFAULT_DIAGRAM_OPTIONS, collapse: true };
    assert.equal(drawDiagram(large, { scope: HOST, options: byHand }, ENGLISH_LABELS).text, generateMermaid(large, HOST, byHand, ENGLISH_LABELS).text);
    // One fewer container namespace than the threshold allows: still the plumbing.
    const containerNs = topology.namespaces.filter((ns) => ns.kind === 'container' && !ns.stopped).length;
    assert.equal(overviewApplies(grown(topology, OVERVIEW_THRESHOLD - containerNs), HOST, DEFAULT_DIAGRAM_OPTIONS), false);
    assert.equal(overviewApplies(grown(topology, OVERVIEW_THRESHOLD - containerNs + 1), HOST, DEFAULT_DIAGRAM_OPTIONS), true);
  });

  test('the devops node lists its copies; with many, names only, the first 8 and how many more (all in the drill-down)', async () => {
    const large = grown(topology, 12);
    const flow = await parseFlowchart(generateOverview(large, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS).text);
    const devops = texts(flow).find((label) => label.text.startsWith(`${P}devops · `))!;
    const copies = Array.from({ length: 12 }, (_, i) => `${P}AppDev-${i}`);
    const listed = copies.filter((name) => holds(devops.text, name));
    const more = Number(/(\d+) more/.exec(devops.text)?.[1]);
    // AppDev and its 12 copies are on devops alone: those listed and the "more" count them all.
    assert.equal(listed.length + (holds(devops.text, `${P}AppDev`) ? 1 : 0) + more, 1 + copies.length, devops.text);
    assert.ok(listed.length >= 6 && more > 0, devops.text);
    assert.ok(!devops.text.includes('10.213.8.2,'), 'names only above 4 containers');
    const devopsId = fixture.networks.find((network) => network.Name === `${P}devops`)!.Id;
    const drill = generateMermaid(large, { kind: 'network', networkId: devopsId }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS).text;
    for (const name of copies) assert.ok(drill.includes(name), `${name} in the drill-down`);
  });

  test('every link stays inside its own joined cell (a subgraph of its own), so none can cross an unrelated node', () => {
    const large = grown(topology, 12);
    const text = generateOverview(large, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS).text;
    const stack: string[] = [];
    const home = new Map<string, string>();
    const links: [string, string][] = [];
    for (const line of text.split('\n').map((l) => l.trim())) {
      const subgraph = /^subgraph (\S+?)\[/.exec(line);
      if (subgraph) stack.push(subgraph[1]);
      else if (line === 'end') stack.pop();
      else if (/^\w+ --- \w+$/.test(line)) links.push(line.split(' --- ') as [string, string]);
      else if (/^\w+\[/.test(line)) home.set(line.slice(0, line.indexOf('[')), stack[stack.length - 1] ?? '');
    }
    assert.ok(links.length > 0, 'the seed has a container on two networks');
    for (const [from, to] of links) {
      assert.ok(home.get(from)?.startsWith('cell_'), `${from} is in a joined cell: ${home.get(from)}`);
      assert.equal(home.get(from), home.get(to), `${from} --- ${to} leaves its cell`);
    }
  });

  test('stopped containers, when shown, sit on the networks they would join', async () => {
    const options = { ...DEFAULT_DIAGRAM_OPTIONS, showStopped: true };
    const flow = await parseFlowchart(generateOverview(topology, options, ENGLISH_LABELS).text);
    const bnet = texts(flow).find((label) => label.text.startsWith(`${P}bnet · `))!;
    assert.ok(bnet.text.includes(`${P}stopped (stopped)`), bnet.text);
  });
});

/** The seed with `copies` more bridge networks made from devops's recorded one (new ids and names, no container). */
function withNetworks(topology: Topology, copies: number): Topology {
  const devops = topology.networks.find((network) => network.name === `${P}devops`)!;
  const extra = Array.from({ length: copies }, (_, i) => ({ ...devops, id: `${devops.id}${i}`, name: `${P}n${i}`, anchorInterfaceIds: [] }));
  return { ...topology, networks: [...topology.networks, ...extra] };
}

/** Cells per row of the bridge region (rows are cells chained by `~~~`; a row of one has no chain). */
function bridgeColumns(text: string): number {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim().startsWith('subgraph region_bridge['));
  let depth = 0;
  let widest = 1;
  for (const line of lines.slice(start)) {
    const trimmed = line.trim();
    if (trimmed.startsWith('subgraph ')) depth++;
    else if (trimmed === 'end' && --depth === 0) break;
    else if (depth === 1 && trimmed.includes(' ~~~ ')) widest = Math.max(widest, trimmed.split(' ~~~ ').length);
  }
  return widest;
}

describe('overview: laid out for the panel it is drawn in (issue 22)', () => {
  const topology = buildTopology(fixtureInput(fixture, 'netns'));
  const wide = { width: 1042, height: 694 };
  const narrow = { width: 521, height: 617 };

  test('fitScore: whole at a readable size beats width-fitted and panned, which beats too wide to read', () => {
    const room = (size: { width: number; height: number }) => ({ width: size.width + 32, height: size.height + 32 });
    const panel = room({ width: 1000, height: 600 });
    const wholeReadable = fitScore({ width: 1200, height: 700 }, panel); // scale 0.83 whole
    const wholeTiny = fitScore({ width: 1000, height: 2000 }, panel); // whole only at 0.3, width at 1
    const tooWide = fitScore({ width: 3000, height: 500 }, panel); // width only at 0.33
    assert.ok(wholeReadable > wholeTiny && wholeTiny > tooWide, `${wholeReadable} > ${wholeTiny} > ${tooWide}`);
    // Among drawings whose width fits, the one to pan through less is better.
    assert.ok(fitScore({ width: 1000, height: 1500 }, panel) > fitScore({ width: 1000, height: 3000 }, panel));
    // Never planned below READABLE_SCALE when a layout fits: at the readable scale exactly, it is "whole".
    assert.ok(fitScore({ width: 1000 / READABLE_SCALE, height: 600 / READABLE_SCALE }, panel) > 2);
  });

  for (const count of [30, 100]) {
    test(`${count} networks: a narrow panel gets fewer columns than a wide one, and the other regions under the main one`, () => {
      const large = withNetworks(topology, count);
      const forWide = drawDiagram(large, { scope: HOST, options: DEFAULT_DIAGRAM_OPTIONS, panel: wide }, ENGLISH_LABELS);
      const forNarrow = drawDiagram(large, { scope: HOST, options: DEFAULT_DIAGRAM_OPTIONS, panel: narrow }, ENGLISH_LABELS);
      assert.equal(forWide.kind, 'overview');
      assert.deepEqual(forWide.reason, { kind: 'networks', count: large.networks.filter((network) => !['host', 'null'].includes(network.driver)).length, limit: 12 });
      assert.ok(bridgeColumns(forWide.text) >= 3, `wide: ${bridgeColumns(forWide.text)} columns`);
      assert.equal(bridgeColumns(forNarrow.text), 1, 'narrow: one column, read by panning down at a readable size');
      assert.ok(forNarrow.text.includes('region_bridge ~~~ side'), 'narrow: the other regions stand under the bridge networks');
    });
  }
});
