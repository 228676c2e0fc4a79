/**
 * The diagrams recorded as golden output (scripts/recordTopologyGolden.ts) and compared by
 * topologyGolden.test.ts: the seed topology at each level, every scope, three option sets.
 */
import * as path from 'node:path';
import { buildTopology } from '../../src/model/topology/build';
import { generateMermaid } from '../../src/model/topology/mermaid';
import { DEFAULT_DIAGRAM_OPTIONS, DiagramOptions, TopologyScope } from '../../src/model/topology/types';
import { ENGLISH_LABELS } from '../../src/messages/diagramLabels';
import { fixtureInput, loadTopologyFixture, root } from './topologySupport';

export const GOLDEN_PATH = path.join(root, 'test', 'fixtures', 'engine-1.41', 'topology-seed.golden.json');

export interface GoldenCase {
  name: string;
  text: string;
  nodeTargets: Record<string, unknown>;
  nodeCount: number;
  edgeCount: number;
  collapsed: boolean;
}

const OPTION_SETS: [string, DiagramOptions][] = [
  ['default', DEFAULT_DIAGRAM_OPTIONS],
  ['all', { showIPs: true, showMACs: true, showStopped: true, showUnmanaged: true, showInferred: true, showLegend: true, collapse: false }],
  ['minimal-collapsed', { showIPs: false, showMACs: false, showStopped: false, showUnmanaged: false, showInferred: false, showLegend: false, collapse: true }],
  ['collapsed', { ...DEFAULT_DIAGRAM_OPTIONS, collapse: true }],
];

export function goldenCases(): GoldenCase[] {
  const fixture = loadTopologyFixture();
  const cases: GoldenCase[] = [];
  for (const level of ['netns', 'sysfs', 'api'] as const) {
    const topology = buildTopology(fixtureInput(fixture, level));
    const scopes: [string, TopologyScope][] = [
      ['host', { kind: 'host' }],
      ...topology.networks.map((network): [string, TopologyScope] => [`network ${network.name}`, { kind: 'network', networkId: network.id }]),
      ...fixture.containers.map((container): [string, TopologyScope] => [`container ${container.Names?.[0] ?? container.Id}`, { kind: 'container', containerId: container.Id }]),
    ];
    for (const [scopeName, scope] of scopes) {
      for (const [optionsName, options] of OPTION_SETS) {
        // The recorded fields (the diagram's interface -> node map is checked by reachHighlight.test.ts).
        const { text, nodeTargets, nodeCount, edgeCount, collapsed } = generateMermaid(topology, scope, options, ENGLISH_LABELS);
        cases.push({ name: `${level} | ${scopeName} | ${optionsName}`, text, nodeTargets, nodeCount, edgeCount, collapsed });
      }
    }
  }
  return cases;
}
