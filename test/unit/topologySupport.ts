/**
 * Shared by the topology unit tests: the recorded topology fixture (scripts/recordTopologyFixtures.ts)
 * and Mermaid's own flowchart parser, run in plain Node. `mermaid.parse` only needs DOMPurify's
 * hooks, which a window-less DOMPurify lacks; the parser never sanitizes, so no-op hooks suffice
 * (no jsdom). The real parser and the real flowchart database answer.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ContainerInspectJson, ContainerSummaryJson, NetworkJson } from '../../src/model/dockerTypes';
import { EndpointNamesLookup, namesFromInspections } from '../../src/model/endpointNames';
import { buildInventory } from '../../src/model/inventory';
import type { TopologyInput } from '../../src/model/topology/build';
import type { HostFacts, SandboxInfo } from '../../src/model/topology/facts';
import { emptyFacts } from '../../src/model/topology/facts';

export interface TopologyFixture {
  recordedWith: { engine: string; apiVersion: string; prefix: string };
  networks: NetworkJson[];
  containers: ContainerSummaryJson[];
  containerDetails: Record<string, ContainerInspectJson>;
  sandboxes: SandboxInfo[];
  facts: { netns: HostFacts; sysfs: HostFacts };
}

export const root = path.join(__dirname, '..', '..', '..');

/** The seed labs recorded from Docker 20.10 (API 1.41, the default) or Docker 28.5 (API 1.51). */
export function loadTopologyFixture(api: '1.41' | '1.51' = '1.41'): TopologyFixture {
  return JSON.parse(readFileSync(path.join(root, 'test', 'fixtures', `engine-${api}`, 'topology-seed.json'), 'utf8')) as TopologyFixture;
}

export function fixtureInput(fixture: TopologyFixture, level: 'netns' | 'sysfs' | 'api'): TopologyInput & { endpointNames: EndpointNamesLookup } {
  const inventory = buildInventory({ networks: fixture.networks, containers: fixture.containers });
  const endpointNames = namesFromInspections(inventory, (id) => fixture.containerDetails[id]);
  const sandboxes = Object.fromEntries(fixture.sandboxes.map((sandbox) => [sandbox.containerId, sandbox]));
  const facts = level === 'api' ? emptyFacts('remoteEngine') : structuredClone(fixture.facts[level]);
  return { inventory, sandboxes, facts, endpointNames };
}

export interface FlowVertex {
  id: string;
  text?: string;
  link?: string;
  haveCallback?: boolean;
  classes?: string[];
}

export interface ParsedFlowchart {
  vertices: FlowVertex[];
  edges: { start: string; end: string; stroke?: string; type?: string }[];
  subgraphs: { id: string; title: string; nodes: string[] }[];
  classes: Map<string, unknown>;
}

// A real dynamic import (tsc would turn `import()` into `require()`, and mermaid is ESM only).
const importEsm = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<{ default: T }>;

/** The parts of Mermaid's API the tests use. */
interface FlowchartDb {
  getVertices(): Map<string, unknown>;
  getEdges(): ParsedFlowchart['edges'];
  getSubGraphs(): ParsedFlowchart['subgraphs'];
  getClasses(): Map<string, unknown>;
}
interface MermaidForTests {
  parse(text: string): Promise<unknown>;
  mermaidAPI: { getDiagramFromText(text: string): Promise<{ db: FlowchartDb }> };
}
interface PurifyStub {
  addHook?: () => void;
  sanitize?: (text: string) => string;
}
let mermaidPromise: Promise<MermaidForTests> | undefined;

async function mermaid(): Promise<MermaidForTests> {
  mermaidPromise ??= (async () => {
    // DOMPurify has no window in Node: the parser only needs these two to exist.
    const purify = (await importEsm<PurifyStub>('dompurify')).default;
    purify.addHook ??= () => undefined;
    purify.sanitize ??= (text: string) => text;
    return (await importEsm<MermaidForTests>('mermaid')).default;
  })();
  return mermaidPromise;
}

/** Parses with Mermaid (throws on a syntax error) and returns the flowchart database's view. */
export async function parseFlowchart(text: string): Promise<ParsedFlowchart> {
  const m = await mermaid();
  await m.parse(text);
  const diagram = await m.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db;
  return {
    vertices: [...db.getVertices().values()] as FlowVertex[],
    edges: db.getEdges(),
    subgraphs: db.getSubGraphs(),
    classes: db.getClasses(),
  };
}

/** Mermaid keeps entity codes encoded in its database (`ﬂ°°34¶ß`); decode them like the renderer does. */
export function decodeMermaidText(text: string): string {
  return text
    .replace(/ﬂ°°(\d+)¶ß/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/ﬂ°(\w+)¶ß/g, (_, name: string) => ({ quot: '"', lt: '<', gt: '>', amp: '&' })[name] ?? `&${name};`);
}
