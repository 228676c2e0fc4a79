/**
 * The diagram's context menu: which drawn nodes offer Capture Packets…, and on what, on the
 * recorded seed topology (root level) drawn as the panel draws it.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { diagramCaptureTargets } from '../../src/model/capture/diagramTargets';
import { buildTopology } from '../../src/model/topology/build';
import { generateMermaid } from '../../src/model/topology/mermaid';
import { DEFAULT_DIAGRAM_OPTIONS } from '../../src/model/topology/types';
import { ENGLISH_LABELS } from '../../src/messages/diagramLabels';
import { fixtureInput, loadTopologyFixture } from './topologySupport';

const fixture = loadTopologyFixture();
const input = fixtureInput(fixture, 'netns');
const topology = buildTopology(input);
const prefix = fixture.recordedWith.prefix;

test('bridges and host veths capture on the host; a running container eth0 in its namespace; nothing else', () => {
  const diagram = generateMermaid(topology, { kind: 'host' }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
  const targets = diagramCaptureTargets(topology, diagram.interfaceNodes);
  const byNode = [...targets.entries()];
  const bridge = byNode.find(([, target]) => target.kind === 'hostInterface' && target.interface.startsWith('br-'));
  assert.ok(bridge, 'a user-defined bridge is offered');
  assert.ok(byNode.some(([, target]) => target.kind === 'hostInterface' && target.interface === 'docker0'));
  assert.ok(byNode.some(([, target]) => target.kind === 'hostInterface' && /^veth/.test(target.interface)));
  const appDev = inventoryContainer('AppDev');
  const appDevTargets = byNode.filter(([, target]) => target.kind === 'container' && target.containerId === appDev.id);
  assert.ok(appDevTargets.length >= 1);
  for (const [node, target] of appDevTargets) {
    assert.equal(target.kind === 'container' && target.containerName, appDev.name);
    // The node is the one the diagram drew for that very interface.
    const ifaceId = Object.entries(diagram.interfaceNodes).find(([, drawn]) => drawn === node)![0];
    assert.equal(ifaceId, `ns:ctr:${appDev.id}/if:${target.kind === 'container' ? target.interface : ''}`);
  }
  // Every offered node is a drawn interface node; stopped containers and loopbacks aside, none invented.
  const drawnNodes = new Set(Object.values(diagram.interfaceNodes));
  assert.ok(byNode.every(([node]) => drawnNodes.has(node)));
  const stopped = topology.namespaces.filter((ns) => ns.stopped).flatMap((ns) => ns.interfaces.map((iface) => diagram.interfaceNodes[iface.id]));
  assert.ok(stopped.every((node) => node === undefined || !targets.has(node)), 'a stopped container offers no capture');
});

function inventoryContainer(name: string) {
  return input.inventory.containers.find((container) => container.name === `${prefix}${name}`)!;
}
