/**
 * A swarm drawn across its nodes, each node's overlay observed on that node: fixtures recorded from
 * a real three-node swarm by scripts/recordSwarmFixtures.ts (swarm-nodes.json: each node's own
 * engine reads, its running sandboxes, and its host read as root at the netns level on that node).
 * The manager's topology takes each worker's own topology (built from that worker's inventory and
 * facts, as its TopologySource would); a worker left out stays inferred and says why.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EngineSession } from '../../src/engine/engineSession';
import { diagramCaptureTargets } from '../../src/model/capture/diagramTargets';
import { swarmNodeLookup, TopologySource } from '../../src/engine/topologySource';
import { ENGLISH_LABELS } from '../../src/messages/diagramLabels';
import type { NetworkJson } from '../../src/model/dockerTypes';
import { buildInventory } from '../../src/model/inventory';
import { peersOf } from '../../src/model/swarm';
import { buildTopology } from '../../src/model/topology/build';
import type { HostFacts, SandboxInfo } from '../../src/model/topology/facts';
import { escapeLabel, generateMermaid } from '../../src/model/topology/mermaid';
import type { SwarmNodeTopologies, TopoNamespace, Topology } from '../../src/model/topology/types';
import { DEFAULT_DIAGRAM_OPTIONS } from '../../src/model/topology/types';
import { FakeEngine } from '../support/fakeEngine';
import { FIXTURES_FOLDER, type RecordedFixture, recordedNames, snapshotOf } from '../support/fixtures';
import { parseFlowchart } from './topologySupport';

interface RecordedNode {
  address: string;
  nodeId: string;
  engine: RecordedFixture;
  sandboxes: SandboxInfo[];
  facts: HostFacts;
}

interface NodesFixture {
  network: { id: string; name: string };
  attachableNetwork: { id: string; name: string };
  service: { id: string; name: string };
  manager: string;
  nodes: Record<string, RecordedNode>;
}

const fixture = JSON.parse(readFileSync(path.join(FIXTURES_FOLDER, 'engine-1.41', 'swarm-nodes.json'), 'utf8')) as NodesFixture;
const names = Object.keys(fixture.nodes);
const managerNode = fixture.nodes[fixture.manager];
const workers = names.filter((name) => name !== fixture.manager);
const network = fixture.network;
const verbose = (id: string): NetworkJson => managerNode.engine.swarm!.verboseNetworks[id];
const vni = verbose(network.id).Options?.['com.docker.network.driver.overlay.vxlanid_list'];

/** A node's own topology, as its engine and its host show it (what its TopologySource would build). */
function ownTopology(node: RecordedNode): Topology {
  const inventory = buildInventory(snapshotOf(node.engine));
  const peers = node.engine.swarm ? (id: string) => (node.engine.swarm!.verboseNetworks[id] ? peersOf(verbose(id)) : undefined) : undefined;
  return buildTopology({
    inventory,
    sandboxes: Object.fromEntries(node.sandboxes.map((sandbox) => [sandbox.containerId, sandbox])),
    facts: structuredClone(node.facts),
    endpointNames: recordedNames(node.engine, inventory),
    swarmPeers: peers,
  });
}

/** The manager's topology with the given workers' own topologies (by host name), the others left out. */
function managerTopology(readings: Record<string, Topology | 'engineUnreachable'>): Topology {
  const inventory = buildInventory(snapshotOf(managerNode.engine));
  const byId: SwarmNodeTopologies = new Map(Object.entries(readings).map(([name, reading]) => [fixture.nodes[name].nodeId, reading]));
  return buildTopology({
    inventory,
    sandboxes: Object.fromEntries(managerNode.sandboxes.map((sandbox) => [sandbox.containerId, sandbox])),
    facts: structuredClone(managerNode.facts),
    endpointNames: recordedNames(managerNode.engine, inventory),
    swarmPeers: (id) => (managerNode.engine.swarm!.verboseNetworks[id] ? peersOf(verbose(id)) : undefined),
    swarmNodeTopologies: byId,
  });
}

function overlayOn(topology: Topology, name: string): TopoNamespace {
  const ns = topology.namespaces.find((each) => each.kind === 'overlay' && each.networkId === network.id && each.swarmNode?.hostname === name);
  assert.ok(ns, `overlay namespace of ${network.name} on ${name}`);
  return ns;
}

/** The recorded links of a node's namespace file (`1-<id10>`, a sandbox file). */
function recordedLinks(node: RecordedNode, file: string) {
  const ns = node.facts.namespaces.find((each) => each.name === file);
  assert.ok(ns, file);
  return ns.links;
}

/** `docker inspect` on the node: the task containers of the service and their address on the network. */
function recordedTasks(node: RecordedNode): { id: string; address: string; sandbox: string }[] {
  return node.engine.containers
    .filter((container) => container.Labels?.['com.docker.swarm.service.name'] === fixture.service.name)
    .map((container) => {
      const details = node.engine.containerDetails[container.Id];
      return {
        id: container.Id,
        address: details.NetworkSettings!.Networks![network.name].IPAddress!,
        sandbox: path.basename(details.NetworkSettings!.SandboxKey!),
      };
    });
}

const all = Object.fromEntries(workers.map((name) => [name, ownTopology(fixture.nodes[name])]));

describe('a swarm drawn across its nodes, each node observed on that node (recorded)', () => {
  const topology = managerTopology(all);

  test('every node\'s overlay namespace is observed, br0 and vxlan0 as that node\'s `ip -j -d addr` shows them', () => {
    for (const name of names) {
      const node = fixture.nodes[name];
      const ns = overlayOn(topology, name);
      assert.equal(ns.source, 'observed', name);
      assert.equal(ns.swarmNode?.inferredBecause, undefined);
      assert.equal(ns.swarmNode?.address, node.address);
      assert.equal(ns.swarmNode?.level, name === fixture.manager ? undefined : 'netns', 'the level it was read at on that node');
      const links = recordedLinks(node, `1-${network.id.slice(0, 10)}`);
      for (const want of ['br0', 'vxlan0']) {
        const iface = ns.interfaces.find((each) => each.name === want);
        const link = links.find((each) => each.name === want)!;
        assert.equal(iface?.source, 'observed', `${want} on ${name}`);
        assert.deepEqual([iface.addresses, iface.mac, iface.ifindex], [link.addresses, link.mac, link.ifindex], `${want} on ${name}`);
      }
      assert.equal(ns.interfaces.find((each) => each.kind === 'vxlan')?.vni, vni);
    }
  });

  test('the manager\'s own node keeps its ids; the others are suffixed with their node id and never collide', () => {
    assert.equal(overlayOn(topology, fixture.manager).id, `ns:overlay:${network.id}`);
    for (const name of workers) {
      assert.equal(overlayOn(topology, name).id, `ns:overlay:${network.id}@${fixture.nodes[name].nodeId}`);
    }
    const ids = [...topology.namespaces.map((ns) => ns.id), ...topology.namespaces.flatMap((ns) => ns.interfaces.map((iface) => iface.id)), ...topology.edges.map((edge) => edge.id)];
    assert.equal(new Set(ids).size, ids.length, 'unique ids');
    const interfaces = new Set(topology.namespaces.flatMap((ns) => ns.interfaces.map((iface) => iface.id)));
    assert.ok(topology.edges.every((edge) => (edge.kind === 'stoppedMember' || interfaces.has(edge.from)) && interfaces.has(edge.to)), 'every edge joins drawn interfaces');
  });

  test('the tunnels join observed vxlan0 ends, between the nodes\' addresses, on the network\'s VNI', () => {
    const tunnels = topology.edges.filter((edge) => edge.kind === 'vxlanTunnel' && edge.id.includes(network.id));
    assert.equal(tunnels.length, 3);
    const addresses = names.map((name) => fixture.nodes[name].address);
    for (const tunnel of tunnels) {
      assert.equal(tunnel.source, 'observed');
      assert.equal(tunnel.tunnel?.vni, vni);
      assert.ok(tunnel.tunnel!.addresses.every((address) => addresses.includes(address)));
    }
    // The /nodes list's Status.Addr is each node's hub address.
    for (const name of names) {
      assert.equal(managerNode.engine.swarm!.nodes.find((node) => node.ID === fixture.nodes[name].nodeId)?.Status?.Addr, fixture.nodes[name].address);
    }
  });

  test('each task on another node: its namespace, its address as `docker inspect` there gives it, its veth pair to br0', () => {
    for (const name of workers) {
      const node = fixture.nodes[name];
      const tasks = recordedTasks(node);
      assert.equal(tasks.length, 1, name);
      for (const task of tasks) {
        const ns = topology.namespaces.find((each) => each.id === `ns:ctr:${task.id}@${node.nodeId}`);
        assert.ok(ns, `task namespace on ${name}`);
        assert.equal(ns.source, 'observed');
        assert.equal(ns.name, task.sandbox);
        assert.equal(ns.swarmNode?.hostname, name);
        const end = ns.interfaces.find((iface) => iface.addresses.some((address) => address.split('/')[0] === task.address));
        assert.ok(end, `${task.address} on ${name}: ${JSON.stringify(ns.interfaces.map((iface) => iface.addresses))}`);
        assert.equal(end.source, 'observed');
        const pair = topology.edges.find((edge) => edge.kind === 'veth' && (edge.from === end.id || edge.to === end.id));
        assert.ok(pair, 'veth pair');
        const hostEnd = pair.from === end.id ? pair.to : pair.from;
        const overlay = overlayOn(topology, name);
        assert.ok(overlay.interfaces.some((iface) => iface.id === hostEnd), 'the other end is in the overlay namespace');
        const br0 = overlay.interfaces.find((iface) => iface.name === 'br0')!;
        assert.ok(topology.edges.some((edge) => edge.kind === 'bridgePort' && edge.from === hostEnd && edge.to === br0.id), 'a port of br0');
        // The interface's ifindex and peer are that node's (`ip -j -d addr` in the task's namespace).
        const link = recordedLinks(node, task.sandbox).find((each) => each.name === end.name)!;
        assert.deepEqual([end.ifindex, end.linkIndex, end.mac], [link.ifindex, link.linkIndex, link.mac]);
      }
    }
  });

  test('Mermaid draws the remote namespaces solid, names their node, and parses', async () => {
    const { text } = generateMermaid(topology, { kind: 'network', networkId: network.id }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
    const parsed = await parseFlowchart(text);
    const inferredClass = text.split('\n').find((line) => /^\s*class .* inferred$/.test(line)) ?? '';
    for (const name of workers) {
      const node = fixture.nodes[name];
      const title = parsed.subgraphs.find((subgraph) => subgraph.title.includes(`1-${network.id.slice(0, 10)}`) && subgraph.title.includes(name));
      assert.ok(title, `overlay subgraph of ${name}`);
      assert.ok(!inferredClass.includes(title.id), `${name}: drawn solid`);
      assert.ok(text.includes(escapeLabel(`${name} · ${node.address}`)));
    }
    assert.equal(text.split('\n').filter((line) => line.includes(`<-->|"${escapeLabel(`VNI ${vni} · udp/4789`)}"|`)).length, 3, 'three solid tunnels');
  });

  test("the diagram's Capture Packets… is offered on this node's interfaces only: another node's tasks are not this engine's containers", () => {
    const diagram = generateMermaid(topology, { kind: 'host' }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
    const targets = diagramCaptureTargets(topology, diagram.interfaceNodes);
    const remote = topology.namespaces.filter((ns) => ns.swarmNode && !ns.swarmNode.self);
    const remoteNodes = remote.flatMap((ns) => ns.interfaces.map((iface) => diagram.interfaceNodes[iface.id])).filter(Boolean);
    assert.ok(remoteNodes.length > 0, 'other nodes\' interfaces are drawn');
    assert.deepEqual(remoteNodes.filter((node) => targets.has(node)), []);
    const managerContainers = new Set(buildInventory(snapshotOf(managerNode.engine)).containers.map((container) => container.id));
    for (const target of targets.values()) {
      if (target.kind === 'container') assert.ok(managerContainers.has(target.containerId), `${target.containerName} is not the manager's`);
    }
    assert.ok(targets.size > 0, "the manager's own interfaces are offered");
  });
});

describe('a node without its engine stays inferred and says why', () => {
  const [kept, left] = workers;

  test('a worker with no engine configured: inferred, "no engine configured for this node"; its tunnels inferred', async () => {
    const topology = managerTopology({ [kept]: all[kept] });
    const ns = overlayOn(topology, left);
    assert.equal(ns.source, 'inferred');
    assert.equal(ns.swarmNode?.inferredBecause, 'noEngine');
    assert.equal(overlayOn(topology, kept).source, 'observed');
    const tunnels = topology.edges.filter((edge) => edge.kind === 'vxlanTunnel' && edge.id.includes(network.id));
    const leftAddress = fixture.nodes[left].address;
    assert.deepEqual(tunnels.map((edge) => [edge.tunnel!.addresses.includes(leftAddress), edge.source]).sort(), [[false, 'observed'], [true, 'inferred'], [true, 'inferred']]);
    assert.ok(!topology.namespaces.some((each) => each.id.endsWith(`@${fixture.nodes[left].nodeId}`) && each.kind === 'container'), 'no task namespace invented');
    const { text } = generateMermaid(topology, { kind: 'network', networkId: network.id }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
    // A subgraph's title lines are joined by ` · ` (mermaid.ts); the node's own line is escaped.
    assert.ok(text.includes(`${escapeLabel(`${left} · ${fixture.nodes[left].address}`)} · ${ENGLISH_LABELS.swarmNodeInferred.noEngine}"]`), text);
    assert.equal(ENGLISH_LABELS.swarmNodeInferred.noEngine, 'no engine configured for this node');
    await parseFlowchart(text);
  });

  test('an engine that gave no topology: "did not answer"; without any reading every other node is "no engine"', () => {
    const unreachable = managerTopology({ [kept]: all[kept], [left]: 'engineUnreachable' });
    assert.equal(overlayOn(unreachable, left).swarmNode?.inferredBecause, 'engineUnreachable');
    const none = managerTopology({});
    assert.deepEqual(workers.map((name) => [overlayOn(none, name).source, overlayOn(none, name).swarmNode?.inferredBecause]), workers.map(() => ['inferred', 'noEngine']));
    assert.equal(overlayOn(none, fixture.manager).swarmNode?.inferredBecause, undefined, 'the manager\'s own node is observed here');
  });
});

describe('the session glue: each configured engine found by its swarm node id', () => {
  const sessions: EngineSession[] = [];
  const sources = new Map<string, TopologySource>();
  const engines = new Map<string, FakeEngine>();

  before(async () => {
    for (const name of names) {
      const engine = new FakeEngine(fixture.nodes[name].engine);
      const session = new EngineSession(engine, { debounceMs: 10, watch: false });
      await session.start();
      const source = new TopologySource(session);
      // Each node's host as it was recorded there (what an observer reading that node gives).
      source.useObserver(async () => structuredClone(fixture.nodes[name].facts));
      sessions.push(session);
      sources.set(name, source);
      engines.set(name, engine);
    }
  });

  after(() => {
    sources.forEach((source) => source.dispose());
    sessions.forEach((session) => session.dispose());
  });

  test('from the manager, every worker is read through its own source; one that stops answering says so', async () => {
    const manager = sources.get(fixture.manager)!;
    const configured = [...sources.values()];
    manager.useSwarmNodes(swarmNodeLookup(() => configured, manager));
    const collected = await manager.collect();
    assert.deepEqual(names.map((name) => overlayOn(collected!.topology, name).source), names.map(() => 'observed'));
    // A worker whose engine went away after it was seen: its node is known, its reading is not.
    const [first] = workers;
    engines.get(first)!.failure = new Error('connect ECONNREFUSED');
    await sessions[names.indexOf(first)].refresh().catch(() => undefined);
    const again = await manager.collect();
    assert.equal(overlayOn(again!.topology, first).swarmNode?.inferredBecause, 'engineUnreachable');
    // And an engine the setting no longer lists: no engine configured for that node.
    manager.useSwarmNodes(swarmNodeLookup(() => configured.filter((source) => source !== sources.get(first)), manager));
    const without = await manager.collect();
    assert.equal(overlayOn(without!.topology, first).swarmNode?.inferredBecause, 'noEngine');
  });
});
