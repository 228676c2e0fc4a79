/**
 * The packet story's pure half on the recorded seed topology (root level): which hops are captured,
 * the filter (compiled by the host's own tcpdump, as the capture will), and the path rewritten from
 * the counts, down to the Mermaid classes the diagram draws.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { interfaceIssue } from '../../src/model/capture/spec';
import { explainReach } from '../../src/model/reachability/explain';
import { pathHighlightLines, STOP_CLASS, UNREACHED_CLASS } from '../../src/model/reachability/highlight';
import { hopKey, storyFilter, storyPoints, withStory } from '../../src/model/reachability/packetStory';
import { reachPath } from '../../src/model/reachability/path';
import type { FilterRule, ReachSide } from '../../src/model/reachability/types';
import { buildTopology } from '../../src/model/topology/build';
import { generateMermaid } from '../../src/model/topology/mermaid';
import { DEFAULT_DIAGRAM_OPTIONS } from '../../src/model/topology/types';
import { ENGLISH_LABELS } from '../../src/messages/diagramLabels';
import { packetStoryText } from '../../src/messages/reachMessages';
import { englishTranslator } from '../../src/messages/translator';
import { fixtureInput, loadTopologyFixture, parseFlowchart } from './topologySupport';

const fixture = loadTopologyFixture();
const input = fixtureInput(fixture, 'netns');
const topology = buildTopology(input);
const { inventory } = input;
const prefix = fixture.recordedWith.prefix;

function side(name: string): ReachSide & { id: string } {
  const container = inventory.containers.find((c) => c.name === `${prefix}${name}`)!;
  return { kind: 'container' as const, id: container.id, name: container.name };
}

const explanation = explainReach({ inventory, inspectionOf: (id) => fixture.containerDetails[id], question: { from: side('AppDev'), to: side('multi') } });
const planned = reachPath({ inventory, topology, explanation, final: 'reachable' }).hops;
const dropRule: FilterRule = { table: 'filter', chain: 'DOCKER-USER', rule: '-A DOCKER-USER -s 10.0.0.2/32 -j DROP', target: 'DROP', packets: 2 };
const TEXT_HOPS = { name: (text: string) => text, dropped: (chain: string) => `DROP (${chain})`, stopped: () => 'STOP' };

describe('packet story', () => {
  test('the captured hops are the named interfaces of the path: A eth, A veth, bridge, B veth, B eth', () => {
    const points = storyPoints(planned);
    assert.deepEqual(
      points.map((point) => [point.namespace === 'ns:host' ? 'host' : 'ctr', point.interface.replace(/^veth\w+$/, 'veth').replace(/^br-\w+$/, 'br')]),
      [['ctr', 'eth0'], ['host', 'veth'], ['host', 'br'], ['host', 'veth'], ['ctr', points[4].interface]],
    );
    assert.equal(points[0].containerId, side('AppDev').id);
    assert.equal(points[4].containerId, side('multi').id);
  });

  test('a hop name the kernel could not have is not captured, by the same rule a capture spec is checked with', () => {
    const veth = planned.findIndex((hop) => hop.kind === 'veth');
    // 10 characters but 16 bytes in UTF-8 (IFNAMSIZ counts bytes), and a control character.
    for (const name of ['vethéééééé', 'eth\u00010']) {
      const renamed = planned.map((hop, index) => (index === veth ? { ...hop, name } : hop));
      assert.equal(storyPoints(renamed).length, storyPoints(planned).length - 1, name);
      assert.equal(interfaceIssue(name)?.code, 'invalidInterface', name);
    }
  });

  test('the filter keeps the probes to B only, and tcpdump compiles it (ICMP, ICMPv6, TCP)', () => {
    const icmp = storyFilter(['10.0.0.3', 'fd00::3'])!;
    const tcp = storyFilter(['10.0.0.3'], 8080)!;
    for (const filter of [icmp, tcp]) {
      const program = execFileSync('/usr/bin/tcpdump', ['-d', '-y', 'EN10MB', '--', filter], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      assert.match(program, /^\(000\)/, filter);
    }
    assert.match(icmp, /icmp-echo and dst host 10\.0\.0\.3/);
    assert.match(icmp, /ip6\[40\] == 128 and dst host fd00::3/);
    assert.equal(storyFilter(['not an address; reboot']), undefined, 'only addresses reach the filter');
    assert.equal(storyFilter(['10.0.0.3'], 70000), undefined);
  });

  test('a DOCKER-USER drop: last seen on the bridge, never reached B, and the diagram says so', async () => {
    const dropped = reachPath({ inventory, topology, explanation, final: 'unreachable', drop: dropRule });
    const points = storyPoints(planned);
    const seen = new Map(points.map((point, index) => [point.key, index < 3 ? 2 : 0]));
    const story = withStory(dropped, planned, seen);
    assert.deepEqual(story.hops.map((hop) => hop.seen ?? hop.kind), [2, 2, 2, 'drop']);
    assert.equal(story.dropAt, 3);
    assert.deepEqual(story.unreached?.map((hop) => [hopKey(hop), hop.seen]), [[points[3].key, 0], [points[4].key, 0]]);
    const text = packetStoryText(story, englishTranslator, TEXT_HOPS)!;
    assert.match(text, /captured on each hop: eth0 \(2\) → veth\w+ \(2\) → br-\w+ \(2\)\. They never reached veth\w+ \(0\), eth\d \(0\)\. Dropped by .*DOCKER-USER: -A DOCKER-USER -s 10\.0\.0\.2\/32 -j DROP \(2 packets\)\./);
    const diagram = generateMermaid(topology, { kind: 'host' }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
    const parsed = await parseFlowchart([diagram.text.trimEnd(), ...pathHighlightLines(story, diagram.interfaceNodes)].join('\n'));
    const classed = (name: string) => parsed.vertices.filter((vertex) => vertex.classes?.includes(name)).map((vertex) => vertex.id);
    assert.deepEqual(classed(STOP_CLASS), [diagram.interfaceNodes[planned.find((hop) => hop.kind === 'bridge')!.topologyId!]]);
    assert.deepEqual(classed(UNREACHED_CLASS).sort(), story.unreached!.map((hop) => diagram.interfaceNodes[hop.topologyId!]).sort());
  });

  test('reachable, packets everywhere: the path as drawn, each hop with its count, no unreached', () => {
    const path = reachPath({ inventory, topology, explanation, final: 'reachable' });
    const seen = new Map(storyPoints(planned).map((point) => [point.key, 2]));
    const story = withStory(path, planned, seen);
    assert.equal(story.unreached, undefined);
    assert.ok(story.hops.filter((hop) => hop.seen === 2).length >= 5);
    assert.match(packetStoryText(story, englishTranslator, TEXT_HOPS)!, /They reached every hop\.$/);
    assert.equal(withStory(path, planned, new Map()), path, 'no capture, no story');
  });
});
