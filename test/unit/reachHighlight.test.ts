/**
 * The connectivity path drawn on the topology diagram: on the recorded seed topology (root level),
 * the explanation's path is turned into Mermaid classes, and Mermaid's own parser says which
 * vertices carry them.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { explainReach } from '../../src/model/reachability/explain';
import { PATH_CLASS, pathHighlightLines, STOP_CLASS } from '../../src/model/reachability/highlight';
import { reachPath } from '../../src/model/reachability/path';
import type { ReachSide } from '../../src/model/reachability/types';
import { buildTopology } from '../../src/model/topology/build';
import { generateMermaid } from '../../src/model/topology/mermaid';
import { DEFAULT_DIAGRAM_OPTIONS } from '../../src/model/topology/types';
import { ENGLISH_LABELS } from '../../src/messages/diagramLabels';
import { fixtureInput, loadTopologyFixture, parseFlowchart } from './topologySupport';

const fixture = loadTopologyFixture();
const input = fixtureInput(fixture, 'netns');
const topology = buildTopology(input);
const { inventory } = input;
const prefix = fixture.recordedWith.prefix;

function side(name: string): ReachSide {
  const container = inventory.containers.find((c) => c.name === `${prefix}${name}`)!;
  return { kind: 'container', id: container.id, name: container.name };
}

function pathBetween(from: string, to: string) {
  const explanation = explainReach({ inventory, inspectionOf: (id) => fixture.containerDetails[id], question: { from: side(from), to: side(to) } });
  return { explanation, path: reachPath({ inventory, topology, explanation, final: explanation.verdict }) };
}

async function classesOf(text: string): Promise<Map<string, string[]>> {
  const parsed = await parseFlowchart(text);
  return new Map(parsed.vertices.map((vertex) => [vertex.id, vertex.classes ?? []]));
}

describe('connectivity path on the diagram', () => {
  test('AppDev -> multi over devops: every drawn hop of the path carries the path class, nothing else does', async () => {
    const { explanation, path } = pathBetween('AppDev', 'multi');
    assert.equal(explanation.verdict, 'reachable');
    const diagram = generateMermaid(topology, { kind: 'host' }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
    const expected = [...new Set(path.hops.filter((hop) => hop.topologyId).map((hop) => diagram.interfaceNodes[hop.topologyId!]).filter(Boolean))];
    assert.ok(expected.length >= 5, `eth0, veth, bridge, veth, eth: ${JSON.stringify(path.hops.map((hop) => hop.name))}`);
    const text = [diagram.text.trimEnd(), ...pathHighlightLines(path, diagram.interfaceNodes)].join('\n');
    const classes = await classesOf(text);
    const marked = [...classes].filter(([, list]) => list.includes(PATH_CLASS)).map(([id]) => id);
    assert.deepEqual(marked.sort(), expected.sort());
    const bridge = path.hops.find((hop) => hop.kind === 'bridge')!;
    assert.match(bridge.name ?? '', /^br-/);
    assert.ok(classes.get(diagram.interfaceNodes[bridge.topologyId!])?.includes(PATH_CLASS), 'the devops bridge is on the path');
  });

  test('c1 -> AppDev (no common network): the path stops, and that node is drawn as the stop', async () => {
    const { explanation, path } = pathBetween('c1', 'AppDev');
    assert.equal(explanation.verdict, 'unreachable');
    assert.equal(path.hops.at(-1)?.kind, 'drop');
    const diagram = generateMermaid(topology, { kind: 'host' }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
    const lines = pathHighlightLines(path, diagram.interfaceNodes);
    const classes = await classesOf([diagram.text.trimEnd(), ...lines].join('\n'));
    const stopped = [...classes].filter(([, list]) => list.includes(STOP_CLASS)).map(([id]) => id);
    assert.equal(stopped.length, 1);
    // The last hop before the drop that the diagram draws (c1's bridge: the host itself is no node).
    const lastDrawn = path.hops.slice(0, -1).filter((hop) => hop.topologyId && diagram.interfaceNodes[hop.topologyId]).at(-1)!;
    assert.equal(lastDrawn.kind, 'bridge');
    assert.equal(stopped[0], diagram.interfaceNodes[lastDrawn.topologyId!]);
  });

  test('a path none of whose hops is drawn adds nothing', () => {
    const { path } = pathBetween('AppDev', 'multi');
    assert.deepEqual(pathHighlightLines(path, {}), []);
  });
});
