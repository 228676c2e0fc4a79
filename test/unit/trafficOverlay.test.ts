/**
 * The Traffic overlay's pure part: rates formatted as a network engineer reads them (EN and FR), and
 * the links of the diagram drawn from the recorded seed labs classified idle / active / busiest from
 * the rates of their ends (the webview only paints what this says).
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ENGLISH_LABELS } from '../../src/messages/diagramLabels';
import { rateUnits, trafficLegend } from '../../src/messages/trafficOverlayMessages';
import { bundleTranslator, englishTranslator } from '../../src/messages/translator';
import { buildTopology } from '../../src/model/topology/build';
import { generateMermaid } from '../../src/model/topology/mermaid';
import { DEFAULT_DIAGRAM_OPTIONS } from '../../src/model/topology/types';
import { ENGLISH_RATE_UNITS, formatBytesPerSecond, formatPacketsPerSecond, formatRate, trafficOverlay } from '../../src/model/traffic/overlay';
import type { InterfaceRate } from '../../src/model/traffic/types';
import { fixtureInput, loadTopologyFixture, root } from './topologySupport';

const french = bundleTranslator(JSON.parse(readFileSync(path.join(root, 'l10n', 'fr', 'traffic.json'), 'utf8')) as Record<string, string>);

function rate(interfaceId: string, bytes: number, packets: number, extra: Partial<InterfaceRate> = {}): InterfaceRate {
  return {
    interfaceId, namespace: 'ns', interface: interfaceId.split(':').pop() ?? 'eth0', source: 'sysfs',
    rxBytesPerSecond: bytes, txBytesPerSecond: bytes / 10, rxPacketsPerSecond: packets, txPacketsPerSecond: packets / 2, drops: 0, errors: 0, ...extra,
  };
}

describe('rate formatting', () => {
  test('bytes per second take a decimal prefix and at most three significant figures', () => {
    assert.equal(formatBytesPerSecond(0, ENGLISH_RATE_UNITS, 'en'), '0 B/s');
    assert.equal(formatBytesPerSecond(999, ENGLISH_RATE_UNITS, 'en'), '999 B/s');
    assert.equal(formatBytesPerSecond(1_536, ENGLISH_RATE_UNITS, 'en'), '1.54 kB/s');
    assert.equal(formatBytesPerSecond(12_345_678, ENGLISH_RATE_UNITS, 'en'), '12.3 MB/s');
    assert.equal(formatBytesPerSecond(250_000_000, ENGLISH_RATE_UNITS, 'en'), '250 MB/s');
    assert.equal(formatBytesPerSecond(3e12, ENGLISH_RATE_UNITS, 'en'), '3,000 GB/s');
  });

  test('French writes octets and a decimal comma', () => {
    const units = rateUnits(french);
    assert.equal(formatBytesPerSecond(1_536_000, units, 'fr'), '1,54 Mo/s');
    assert.equal(formatPacketsPerSecond(0.5, units, 'fr'), '0,5 paq./s');
  });

  test('a rate line says rx and tx, and drops and errors only when there were some', () => {
    const quiet = rate('a', 2_000, 10);
    assert.equal(formatRate(quiet, ENGLISH_RATE_UNITS, 'en'), 'rx 2 kB/s 10 pkt/s · tx 200 B/s 5 pkt/s');
    const lossy = rate('a', 2_000, 10, { drops: 3, errors: 1 });
    assert.equal(formatRate(lossy, ENGLISH_RATE_UNITS, 'en'), 'rx 2 kB/s 10 pkt/s · tx 200 B/s 5 pkt/s · 3 dropped · 1 errors');
  });

  test('the legend names where the counters came from', () => {
    const legend = trafficLegend(['procNetDev', 'sysfs'], 1, englishTranslator);
    assert.match(legend, /\/proc net\/dev \(the host's and the containers' interfaces, no root\)/);
    assert.match(legend, /\/sys\/class\/net/);
    assert.match(trafficLegend(['engineStats'], 1, englishTranslator), /from the Engine API/);
    assert.match(trafficLegend([], 1, englishTranslator), /Reading the counters/);
  });
});

describe('trafficOverlay on the recorded seed labs', () => {
  const topology = buildTopology(fixtureInput(loadTopologyFixture(), 'sysfs'));
  const diagram = generateMermaid(topology, { kind: 'host' }, { ...DEFAULT_DIAGRAM_OPTIONS, collapse: false }, ENGLISH_LABELS);
  // Links whose two ends are drawn interfaces of their own (veth pairs, bridge ports).
  const links = diagram.links.filter((link) => link.ends.every((end) => diagram.interfaceNodes[end] !== undefined));
  const [busy, warm, quiet] = links;

  test('the seed draws enough links to tell busy from idle', () => {
    assert.ok(links.length >= 3, `links drawn: ${links.length}`);
  });

  test('the busiest link is emphasised, a warm one active, one with zero bytes idle, one never read left alone', () => {
    const rates = [
      rate(busy.ends[0], 1_500_000, 1_100), rate(busy.ends[1], 0, 1_100, { txBytesPerSecond: 1_500_000 }),
      rate(warm.ends[0], 300, 3),
      rate(quiet.ends[0], 0, 0, { txBytesPerSecond: 0, txPacketsPerSecond: 0 }),
    ];
    const overlay = trafficOverlay({ interfaceNodes: diagram.interfaceNodes, links: diagram.links }, rates, ENGLISH_RATE_UNITS, 'en');
    const activity = (link: { from: string; to: string }) => overlay.links.find((entry) => entry.from === link.from && entry.to === link.to)?.activity;
    assert.equal(activity(busy), 'busiest');
    assert.equal(activity(warm), 'active');
    assert.equal(activity(quiet), 'idle');
    const unread = links.filter((link) => link !== busy && link !== warm && link !== quiet && !link.ends.some((end) => rates.some((r) => r.interfaceId === end)));
    for (const link of unread) assert.equal(activity(link), undefined);
    // Rate text on the busy ends' nodes, none on the idle one's.
    const text = (interfaceId: string) => overlay.nodes.find((node) => node.node === diagram.interfaceNodes[interfaceId])?.lines;
    assert.match(text(busy.ends[0])?.[0] ?? '', /^rx 1\.5 MB\/s 1,100 pkt\/s/);
    assert.equal(text(quiet.ends[0]), undefined);
    assert.deepEqual(overlay.sources, ['sysfs']);
  });

  test('with no traffic at all, every read link is idle and no node has text', () => {
    const rates = links.flatMap((link) => link.ends).map((end) => rate(end, 0, 0, { txBytesPerSecond: 0, txPacketsPerSecond: 0 }));
    const overlay = trafficOverlay({ interfaceNodes: diagram.interfaceNodes, links: diagram.links }, rates, ENGLISH_RATE_UNITS, 'en');
    assert.deepEqual(overlay.nodes, []);
    assert.ok(overlay.links.length >= links.length);
    assert.ok(overlay.links.every((link) => link.activity === 'idle'));
  });

  test('a node holding several interfaces (a folded namespace) names each line', () => {
    const folded = generateMermaid(topology, { kind: 'host' }, { ...DEFAULT_DIAGRAM_OPTIONS, collapse: true }, ENGLISH_LABELS);
    const byNode = new Map<string, string[]>();
    for (const [id, node] of Object.entries(folded.interfaceNodes)) byNode.set(node, [...(byNode.get(node) ?? []), id]);
    const shared = [...byNode.values()].find((ids) => ids.length > 1);
    assert.ok(shared, 'a folded node with several interfaces');
    const overlay = trafficOverlay(folded, shared.map((id) => rate(id, 1_000, 1)), ENGLISH_RATE_UNITS, 'en');
    const lines = overlay.nodes.find((node) => node.node === folded.interfaceNodes[shared[0]])?.lines ?? [];
    assert.equal(lines.length, shared.length);
    for (const line of lines) assert.match(line, /^[^:]+: rx 1 kB\/s/);
  });
});
