/**
 * The swarm model, its tree nodes, the swarm rules and the overlay topology, against fixtures
 * recorded from a real three-node swarm by scripts/recordSwarmFixtures.ts (manager and worker
 * reads, the engine's refusals, and `ip -d link` / `bridge fdb` in each node's overlay namespace).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { EngineSession } from '../../src/engine/engineSession';
import { readDriverContext } from '../../src/engine/runNetworkActions';
import { canConnect } from '../../src/model/connectSpec';
import { validateDriver } from '../../src/model/createNetworkSpec';
import type { EngineEventJson, NetworkJson } from '../../src/model/dockerTypes';
import { classifyOperationError } from '../../src/model/engineErrors';
import { buildInventory, Inventory } from '../../src/model/inventory';
import { disconnectTargets, removalPlans } from '../../src/model/networkActions';
import { networkSpans, peersOf, SwarmPeersLookup } from '../../src/model/swarm';
import { buildTopology } from '../../src/model/topology/build';
import { emptyFacts } from '../../src/model/topology/facts';
import { escapeLabel, generateMermaid } from '../../src/model/topology/mermaid';
import { DEFAULT_DIAGRAM_OPTIONS } from '../../src/model/topology/types';
import { childrenOf, mayHaveChildren, networkRoots, TreeNode } from '../../src/model/treeModel';
import { ENGLISH_LABELS } from '../../src/messages/diagramLabels';
import { FakeEngine } from '../support/fakeEngine';
import { advance, settle } from '../support/fakeTime';
import { FIXTURES_FOLDER, loadFixture, snapshotOf } from '../support/fixtures';
import { parseFlowchart } from './topologySupport';

const manager = loadFixture('engine-1.41', 'swarm-manager.json');
const worker = loadFixture('engine-1.41', 'swarm-worker.json');
const readJson = <T>(name: string): T => JSON.parse(readFileSync(path.join(FIXTURES_FOLDER, 'engine-1.41', name), 'utf8')) as T;
const errors = readJson<Record<string, string>>('swarm-errors.json');
const overlay = readJson<{ networkId: string; network: string; nodes: Record<string, { address: string; vxlan0: string; fdb: string }> }>('swarm-overlay.json');

const inventory = buildInventory(snapshotOf(manager));
const swarm = inventory.swarm!;
const all = { showStoppedContainers: true };
const verbose = (id: string): NetworkJson => manager.swarm!.verboseNetworks[id];
const peers: SwarmPeersLookup = (id) => (manager.swarm!.verboseNetworks[id] ? peersOf(verbose(id)) : undefined);
const serviceNetwork = inventory.networkById.get(overlay.networkId)!;
const attachable = inventory.networks.find((network) => network.scope === 'swarm' && network.attachable)!;

/** `vxlan id N … dstport P` of `ip -d link show vxlan0`. */
function vxlanOf(text: string): { vni: string; port: number } {
  const match = /vxlan id (\d+) .*?dstport (\d+)/s.exec(text);
  assert.ok(match, text);
  return { vni: match[1], port: Number(match[2]) };
}

/** The remote tunnel endpoints a node's vxlan0 forwards to (`bridge fdb show dev vxlan0`: `dst <ip>`). */
function fdbDestinations(text: string): string[] {
  return [...new Set([...text.matchAll(/ dst (\S+)/g)].map((match) => match[1]))].sort();
}

function nodeLabel(tree: Inventory, node: TreeNode): string {
  if (node.kind === 'swarmNode') {
    return tree.swarm!.nodeById.get(node.nodeId)!.hostname;
  }
  if (node.kind === 'swarmTask') {
    return tree.swarm!.taskById.get(node.taskId)!.name;
  }
  return node.kind;
}

describe('swarm model (recorded from a three-node swarm)', () => {
  test('a manager: three nodes with host name, address and role; this node is the manager', () => {
    assert.equal(swarm.role, 'manager');
    assert.deepEqual(swarm.nodes.map((node) => [node.hostname, node.address, node.role, node.self]), Object.entries(overlay.nodes).map(([name, node], index) => [name, node.address, index === 0 ? 'manager' : 'worker', index === 0]));
  });

  test('VNI and subnet of a swarm network; its nodes and tasks agree with the verbose inspection', () => {
    const model = swarm.networkById.get(serviceNetwork.id)!;
    const inspected = verbose(serviceNetwork.id);
    assert.equal(model.vni, inspected.Options?.['com.docker.network.driver.overlay.vxlanid_list']);
    assert.equal(model.vni, vxlanOf(Object.values(overlay.nodes)[0].vxlan0).vni);
    assert.deepEqual(model.subnets, (inspected.IPAM?.Config ?? []).map((config) => config.Subnet));
    assert.equal(model.attachable, false);
    // Services.<name>.Tasks: each task's address and its node's address ("Host IP").
    const services = (inspected as unknown as { Services: Record<string, { Tasks: { Name: string; EndpointIP: string; Info: { 'Host IP': string } }[] }> }).Services;
    const expected = Object.values(services).flatMap((service) => service.Tasks.map((task) => `${task.Info['Host IP']} ${task.EndpointIP}`)).sort();
    const spans = networkSpans(swarm, serviceNetwork.id, peers);
    const seen = spans.flatMap((span) => span.tasks.map((task) => `${swarm.nodeById.get(span.nodeId)!.address} ${task.addresses.get(serviceNetwork.id)!.split('/')[0]}`)).sort();
    assert.deepEqual(seen, expected);
    assert.equal(spans.length, 3);
    assert.ok(spans.every((span) => span.tasks.length === 1 && span.peer), 'one task per node, every node a peer');
    assert.deepEqual(model.services, Object.keys(services));
  });

  test('tree: a swarm network lists its nodes (then its local endpoints); each node its tasks', () => {
    const root = networkRoots(inventory, all).find((node) => node.kind === 'network' && node.networkId === serviceNetwork.id)!;
    assert.ok(mayHaveChildren(inventory, root, all));
    const children = childrenOf(inventory, root, all, undefined, peers);
    const nodes = children.filter((node) => node.kind === 'swarmNode');
    assert.deepEqual(nodes.map((node) => nodeLabel(inventory, node)), Object.keys(overlay.nodes));
    assert.equal(children[0].kind, 'swarmNode', 'nodes first');
    const service = swarm.networkById.get(serviceNetwork.id)!.services[0];
    for (const node of nodes) {
      const tasks = childrenOf(inventory, node, all, undefined, peers);
      assert.equal(tasks.length, 1);
      assert.match(nodeLabel(inventory, tasks[0]), new RegExp(`^${service}\\.[123]$`));
    }
    // Ids are unique across the network's children.
    assert.equal(new Set(children.map((node) => node.id)).size, children.length);
  });

  test('a worker has no swarm lists: role worker, no node rows, swarm networks not removable there', () => {
    const workerInventory = buildInventory(snapshotOf(worker));
    assert.equal(workerInventory.swarm?.role, 'worker');
    const network = workerInventory.networks.find((entry) => entry.scope === 'swarm' && entry.attachable)!;
    const root = networkRoots(workerInventory, all).find((node) => node.kind === 'network' && node.networkId === network.id)!;
    assert.ok(childrenOf(workerInventory, root, all).every((node) => node.kind !== 'swarmNode'));
    assert.equal(removalPlans(workerInventory, [network.id])[0].issue?.code, 'swarmNetworkNeedsManager');
  });

  test('creating an overlay on a worker says to use a manager (not to run swarm init)', async () => {
    const context = await readDriverContext(new FakeEngine(worker));
    assert.equal(validateDriver('overlay', context)?.code, 'overlayOnWorker');
    assert.equal(validateDriver('overlay', await readDriverContext(new FakeEngine(loadFixture())))?.code, 'overlayNeedsSwarm');
    assert.equal(validateDriver('overlay', await readDriverContext(new FakeEngine(manager))), undefined);
  });
});

describe('swarm rules, before anything is sent', () => {
  const standalone = inventory.containers.find((container) => container.name === 'standalone')!;
  const task = inventory.containers.find((container) => container.labels['com.docker.swarm.service.name'])!;

  test('connecting a standalone container to a non-attachable overlay is refused; to an attachable one it is not', () => {
    assert.deepEqual(canConnect(standalone, serviceNetwork), { code: 'overlayNotAttachable', field: 'network', params: { network: serviceNetwork.name } });
    assert.equal(canConnect(standalone, attachable), undefined);
  });

  test('removing a network a service uses names the service', () => {
    const [plan] = removalPlans(inventory, [serviceNetwork.id]);
    assert.equal(plan.blocked, 'swarm');
    assert.equal(plan.issue?.code, 'networkUsedByService');
    assert.equal(plan.issue?.params.services, task.labels['com.docker.swarm.service.name']);
  });

  test('disconnecting a task from its service network is refused (the engine would cut the task off silently)', () => {
    const [target] = disconnectTargets(inventory, [{ containerId: task.id, networkId: serviceNetwork.id }]);
    assert.equal(target.managedBy?.service, task.labels['com.docker.swarm.service.name']);
    assert.equal(target.managedBy?.issue.code, 'taskNetworkManaged');
  });

  test('the engine\'s swarm refusals are classified', () => {
    assert.deepEqual(classifyOperationError(new Error(errors.connectNotAttachable)).kind, 'notAttachable');
    const inUse = classifyOperationError(new Error(errors.removeUsedByService));
    assert.equal(inUse.kind, 'networkInUseByService');
    assert.equal(inUse.params.network, serviceNetwork.id);
    assert.equal(classifyOperationError(new Error(errors.removeOnWorker)).kind, 'swarmWorker');
    assert.equal(classifyOperationError(new Error(errors.createOnWorker)).kind, 'swarmWorker');
  });
});

describe('swarm topology', () => {
  const topology = buildTopology({ inventory, sandboxes: {}, facts: emptyFacts('remoteEngine'), swarmPeers: peers });
  const namespaces = topology.namespaces.filter((ns) => ns.kind === 'overlay' && ns.networkId === serviceNetwork.id);

  test('one overlay namespace 1-<id10> per node, vxlan0 with the VNI `ip -d link` shows on that node', () => {
    assert.deepEqual(namespaces.map((ns) => ns.swarmNode?.hostname).sort(), Object.keys(overlay.nodes).sort());
    for (const ns of namespaces) {
      const recorded = vxlanOf(overlay.nodes[ns.swarmNode!.hostname].vxlan0);
      assert.equal(ns.name, `1-${serviceNetwork.id.slice(0, 10)}`);
      assert.equal(ns.interfaces.find((iface) => iface.kind === 'vxlan')?.vni, recorded.vni);
      assert.ok(ns.interfaces.some((iface) => iface.name === 'br0'));
      assert.equal(ns.source, 'inferred', 'API level: nothing observed');
    }
  });

  test('the tunnels join each node to the nodes its vxlan0 forwards to (bridge fdb), on the recorded VNI and port', () => {
    const tunnels = topology.edges.filter((edge) => edge.kind === 'vxlanTunnel' && edge.id.includes(serviceNetwork.id));
    assert.equal(tunnels.length, 3, 'a full mesh of three nodes');
    for (const [name, node] of Object.entries(overlay.nodes)) {
      const remote = tunnels.filter((edge) => edge.tunnel!.addresses.includes(node.address)).map((edge) => edge.tunnel!.addresses.find((address) => address !== node.address)!).sort();
      assert.deepEqual(remote, fdbDestinations(node.fdb), name);
      const recorded = vxlanOf(node.vxlan0);
      assert.ok(tunnels.every((edge) => edge.tunnel!.vni === recorded.vni && edge.tunnel!.port === recorded.port));
    }
  });

  test('Mermaid draws the nodes and dashed tunnels labelled with VNI and udp port, and parses', async () => {
    const { text } = generateMermaid(topology, { kind: 'host' }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
    const vni = swarm.networkById.get(serviceNetwork.id)!.vni!;
    assert.ok(text.includes(`<-.->|"${escapeLabel(`VNI ${vni} · udp/4789`)}"|`), text);
    for (const name of Object.keys(overlay.nodes)) {
      assert.ok(text.includes(name), name);
    }
    const parsed = await parseFlowchart(text);
    assert.ok(parsed.edges.length >= 3);
    // Focused on the network: its namespaces on every node and the tunnels stay in the picture.
    const focused = generateMermaid(topology, { kind: 'network', networkId: serviceNetwork.id }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS).text;
    assert.equal(focused.split('\n').filter((line) => line.includes(`|"${escapeLabel(`VNI ${vni} · udp/4789`)}"|`)).length, 3);
    for (const [name, node] of Object.entries(overlay.nodes)) {
      assert.ok(focused.includes(escapeLabel(`${name} · ${node.address}`)), name);
    }
  });
});

describe('swarm reads in the session', () => {
  test('a manager refresh costs five list calls, whatever the number of networks; Peers are read only when asked', async () => {
    const engine = new FakeEngine(manager);
    const session = new EngineSession(engine, { debounceMs: 10, watch: false });
    try {
      await session.start();
      assert.equal(session.inventory?.swarm?.role, 'manager');
      const before = engine.apiCallCount;
      await session.refresh();
      assert.equal(engine.apiCallCount - before, 5);
      assert.equal(engine.count('inspectNetwork'), 0);
      const read = await session.readSwarmPeers(serviceNetwork.id);
      assert.deepEqual(read, peersOf(verbose(serviceNetwork.id)));
      await session.readSwarmPeers(serviceNetwork.id);
      assert.equal(engine.count('inspectNetwork'), 1, 'kept while the placement stays the same');
      assert.deepEqual(session.swarmPeers(serviceNetwork.id), read);
    } finally {
      session.dispose();
    }
  });

  test('a worker and a non-swarm engine make no swarm calls', async () => {
    for (const fixture of [worker, loadFixture()]) {
      const engine = new FakeEngine(fixture);
      const session = new EngineSession(engine, { debounceMs: 10, watch: false });
      try {
        await session.start();
        await session.refresh();
        assert.equal(engine.count('listSwarmNodes') + engine.count('listTasks') + engine.count('listServices'), 0);
        assert.equal(engine.count('listNetworks'), 2);
      } finally {
        session.dispose();
      }
    }
  });
});

describe('swarm lists in a watching session: read only when they may have changed', () => {
  const DEBOUNCE = 50;
  const POLL = 2000;
  const SWARM_CALLS = ['listServices', 'listSwarmNodes', 'listTasks'];
  const LIST_CALLS = ['listContainers', 'listNetworks'];
  let engine: FakeEngine;
  let session: EngineSession;

  /** Connected, subscribed, past the refresh that follows the subscription and its debounce window. */
  async function open(swarmPollMs = 0): Promise<void> {
    session = new EngineSession(engine, { debounceMs: DEBOUNCE, swarmPollMs, platform: 'linux', localHostName: 'fake-host' });
    await session.start();
    await settle();
    await advance(DEBOUNCE * 2);
  }
  /** The client calls one event's refresh makes (sorted), once its window is over. */
  async function callsFor(event: EngineEventJson): Promise<string[]> {
    const before = engine.calls.length;
    engine.emit(event);
    await advance(DEBOUNCE * 2);
    return engine.calls.slice(before).sort();
  }
  const standalone = manager.containers.find((container) => !container.Labels?.['com.docker.swarm.task.id'])!;
  const taskContainer = manager.containers.find((container) => container.Labels?.['com.docker.swarm.task.id'])!;
  const bridge = manager.networks.find((network) => network.Name === 'bridge')!;
  /** A container event carries the container's labels as attributes, with its name and image. */
  const containerEvent = (container: typeof standalone, Action: string): EngineEventJson => ({
    Type: 'container',
    Action,
    scope: 'local',
    Actor: { ID: container.Id, Attributes: { ...container.Labels, name: container.Names![0].slice(1), image: container.Image! } },
  });

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    engine = new FakeEngine(manager);
  });
  afterEach(() => {
    session?.dispose();
    mock.timers.reset();
  });

  test('a plain container event costs the two list calls and keeps the same swarm snapshot', async () => {
    await open();
    const swarmBefore = session.snapshot?.swarm;
    assert.ok(swarmBefore);
    assert.deepEqual(await callsFor(containerEvent(standalone, 'restart')), LIST_CALLS);
    assert.equal(session.snapshot?.swarm, swarmBefore, 'the same object: not read again');
    assert.deepEqual(
      await callsFor({ Type: 'network', Action: 'connect', scope: 'local', Actor: { ID: bridge.Id, Attributes: { container: standalone.Id, name: 'bridge', type: 'bridge' } } }),
      LIST_CALLS,
      'a local network',
    );
  });

  test('a service event, a task container event, a swarm network event or a swarm-scoped event costs five', async () => {
    await open();
    const five = [...LIST_CALLS, ...SWARM_CALLS].sort();
    const service = manager.swarm!.services[0];
    assert.deepEqual(await callsFor({ Type: 'service', Action: 'update', scope: 'swarm', Actor: { ID: service.ID, Attributes: { name: service.Spec!.Name! } } }), five, 'service');
    assert.deepEqual(await callsFor(containerEvent(taskContainer, 'die')), five, 'task container');
    assert.deepEqual(
      await callsFor({ Type: 'network', Action: 'disconnect', Actor: { ID: serviceNetwork.id, Attributes: { container: taskContainer.Id, name: serviceNetwork.name, type: 'overlay' } } }),
      five,
      'a swarm network in the inventory',
    );
    assert.deepEqual(await callsFor({ Type: 'network', Action: 'create', scope: 'swarm', Actor: { ID: 'not-listed-yet', Attributes: { name: 'new-overlay', type: 'overlay' } } }), five, 'swarm scope');
    assert.deepEqual(await callsFor(containerEvent(standalone, 'stop')), LIST_CALLS, 'and back to two');
  });

  test('a user Refresh and a new event stream read the swarm lists', async () => {
    await open();
    const before = engine.calls.length;
    await session.refresh();
    assert.deepEqual(engine.calls.slice(before).sort(), [...LIST_CALLS, ...SWARM_CALLS].sort());
    engine.stop();
    engine.start();
    await advance(1000);
    assert.equal(session.state.kind, 'connected');
    const afterReconnect = engine.calls.length;
    await advance(DEBOUNCE * 2); // the refresh that follows the new subscription: events may have been missed
    assert.deepEqual(engine.calls.slice(afterReconnect).sort(), [...LIST_CALLS, ...SWARM_CALLS].sort());
  });

  test('the poll that saw the lists change refreshes with them: no second read', async () => {
    await open(POLL);
    const before = engine.calls.length;
    await advance(POLL);
    assert.deepEqual(engine.calls.slice(before).sort(), SWARM_CALLS, 'nothing changed: the poll reads, no refresh');
    // A task stops on another node: no event here, the poll sees it.
    const gone = engine.tasks.find((task) => task.NodeID !== manager.info.Swarm?.NodeID)!;
    engine.tasks = engine.tasks.filter((task) => task !== gone);
    const beforeChange = engine.calls.length;
    await advance(POLL);
    assert.deepEqual(engine.calls.slice(beforeChange).sort(), [...LIST_CALLS, ...SWARM_CALLS].sort(), 'three for the poll, two for the refresh');
    assert.equal(session.inventory?.swarm?.taskById.has(gone.ID), false, 'the refresh shows the lists the poll read');
    assert.equal(session.inventory?.swarm?.tasks.length, manager.swarm!.tasks.length - 1);
  });
});
