/**
 * The overview decided once (src/model/topology/diagramPlan.ts): the diagram a request gets, and
 * whether the host namespace alone is read for it, as the panel, the command line and the
 * collector ask.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { buildTopology } from '../../src/model/topology/build';
import { planDiagram, readsHostOnly } from '../../src/model/topology/diagramPlan';
import { DEFAULT_DIAGRAM_OPTIONS, type TopoNamespace, type Topology } from '../../src/model/topology/types';
import { fixtureInput, loadTopologyFixture } from './topologySupport';

const HOST = { kind: 'host' } as const;

/** The topology with `extra` more running container namespaces (the rule counts them). */
function grown(topology: Topology, extra: number): Topology {
  const more: TopoNamespace[] = Array.from({ length: extra }, (_, i) => ({
    id: `ns:ctr:extra${i}`,
    kind: 'container',
    containers: [{ id: `extra${i}`, name: `extra${i}`, running: true, via: 'own' }],
    source: 'inferred',
    interfaces: [],
  }));
  return { ...topology, namespaces: [...topology.namespaces, ...more] };
}

describe('the diagram plan', () => {
  const small = buildTopology(fixtureInput(loadTopologyFixture(), 'netns'));
  const large = grown(small, 30);
  const listsOnly = (topology: Topology) => () => topology;

  test('by default the rule picks: the full plumbing for a lab, the overview for a large whole host', () => {
    assert.equal(planDiagram(small, { scope: HOST, options: DEFAULT_DIAGRAM_OPTIONS }), 'full');
    assert.equal(planDiagram(large, { scope: HOST, options: DEFAULT_DIAGRAM_OPTIONS }), 'overview');
    assert.equal(planDiagram(large, { scope: { kind: 'network', networkId: 'x' }, options: DEFAULT_DIAGRAM_OPTIONS }), 'full');
    assert.equal(planDiagram(large, { scope: HOST, options: { ...DEFAULT_DIAGRAM_OPTIONS, collapse: true } }), 'full');
  });

  test('asked for by name, the view is what was asked', () => {
    assert.equal(planDiagram(small, { scope: HOST, options: DEFAULT_DIAGRAM_OPTIONS, view: 'overview' }), 'overview');
    assert.equal(planDiagram(large, { scope: HOST, options: DEFAULT_DIAGRAM_OPTIONS, view: 'full' }), 'full');
  });

  test('the host namespace alone is read only for an overview of the whole host with inferred parts shown', () => {
    const request = { scope: HOST, options: DEFAULT_DIAGRAM_OPTIONS };
    assert.equal(readsHostOnly(request, listsOnly(large)), true);
    assert.equal(readsHostOnly(request, listsOnly(small)), false);
    assert.equal(readsHostOnly({ ...request, view: 'overview' }, listsOnly(small)), true);
    assert.equal(readsHostOnly({ ...request, view: 'full' }, listsOnly(large)), false);
    assert.equal(readsHostOnly({ ...request, options: { ...DEFAULT_DIAGRAM_OPTIONS, showInferred: false } }, listsOnly(large)), false);
    assert.equal(readsHostOnly({ ...request, options: { ...DEFAULT_DIAGRAM_OPTIONS, showInferred: false }, view: 'overview' }, listsOnly(large)), false);
    assert.equal(readsHostOnly({ ...request, scope: { kind: 'container', containerId: 'x' } }, listsOnly(large)), false);
  });

  test('the engine lists are not built when the request decides alone', () => {
    const never = () => assert.fail('built the lists-only topology');
    readsHostOnly({ scope: HOST, options: DEFAULT_DIAGRAM_OPTIONS, view: 'overview' }, never);
    readsHostOnly({ scope: HOST, options: { ...DEFAULT_DIAGRAM_OPTIONS, collapse: false } }, never);
  });
});
