/**
 * Engine tier: the three-node swarm drawn from its manager with all three engines configured,
 * every node's overlay namespace observed on that node. A real three-node swarm built on this
 * machine for this file (test/support/swarmCluster.ts, hub `dneswo`, address group 2, nodes
 * 10..12), torn down afterwards even when a test fails. One EngineClient, EngineSession and
 * TopologySource per node socket, as the session manager keeps one per configured engine; each
 * source reads its node's host through its own helper container (observeThroughHelper over that
 * node's socket: the helper level, as Observe Through a Helper Container… does). The manager's source finds the others
 * with the session manager's own lookup (swarmNodeLookup, by each engine's swarm node id).
 *
 * What the manager's topology shows is compared with what each node's engine and kernel say:
 * `docker node inspect` (Status.Addr) for the tunnel ends, `docker network inspect` on a node for
 * the VNI, `docker inspect` on the node where each task runs for its address, `ip -j addr` in each
 * node's overlay namespace for br0. Needs root (namespaces, a dockerd per node).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import { swarmNodeLookup, TopologySource } from '../../src/engine/topologySource';
import { ENGLISH_LABELS } from '../../src/messages/diagramLabels';
import { generateMermaid } from '../../src/model/topology/mermaid';
import type { TopoNamespace, Topology } from '../../src/model/topology/types';
import { DEFAULT_DIAGRAM_OPTIONS } from '../../src/model/topology/types';
import { DockerdNode, nodeDocker } from '../support/dockerdNode';
import { TEST_IMAGE } from '../support/dockerCli';
import { startSwarmCluster, SwarmCluster } from '../support/swarmCluster';
import { observeThroughHelper } from '../../src/engine/helperObservation';

interface NodeEngine {
  node: DockerdNode;
  client: EngineClient;
  session: EngineSession;
  source: TopologySource;
}

/** `docker inspect` on a node: the service's task containers there, with their address on `network` and sandbox file. */
function tasksOn(node: DockerdNode, service: string, network: string): { id: string; address: string }[] {
  const ids = nodeDocker(node, ['ps', '-q', '--no-trunc', '--filter', `label=com.docker.swarm.service.name=${service}`]).split('\n').filter(Boolean);
  return ids.map((id) => ({ id, address: nodeDocker(node, ['inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, id]) }));
}

/** `ip -j addr show br0` inside a node's overlay namespace: its addresses as CIDR. */
function br0Addresses(node: DockerdNode, networkId: string): string[] {
  const file = path.join(node.execRoot, 'netns', `1-${networkId.slice(0, 10)}`);
  const [link] = JSON.parse(execFileSync('nsenter', [`--net=${file}`, '--', 'ip', '-j', 'addr', 'show', 'br0'], { encoding: 'utf8' })) as { addr_info: { local: string; prefixlen: number; scope: string }[] }[];
  return link.addr_info.filter((entry) => entry.scope !== 'link').map((entry) => `${entry.local}/${entry.prefixlen}`);
}

describe('a three-node swarm drawn from its manager, every node observed on that node (engine tier)', { timeout: 300_000 }, () => {
  let cluster: SwarmCluster;
  const engines: NodeEngine[] = [];
  let manager: NodeEngine;

  const overlayOn = (topology: Topology, node: DockerdNode): TopoNamespace => {
    const ns = topology.namespaces.find((each) => each.kind === 'overlay' && each.networkId === cluster.network.id && each.swarmNode?.hostname === node.name);
    assert.ok(ns, `overlay namespace of ${cluster.network.name} on ${node.name}`);
    return ns;
  };

  before(async () => {
    const started = Date.now();
    cluster = await startSwarmCluster({ hub: 'dneswo', group: 2, firstIndex: 10 });
    console.log(`three-node swarm up in ${Date.now() - started} ms (nodes: dockerd ${nodeDocker(cluster.manager, ['version', '-f', '{{.Server.Version}}'])})`);
    for (const node of cluster.nodes) {
      const client = new EngineClient({ source: 'setting', contextName: 'default', host: node.host, protocol: 'unix', socketPath: node.socketPath });
      const session = new EngineSession(client, { debounceMs: 50 });
      await session.start();
      const source = new TopologySource(session);
      // Each node observed through its own helper, over its own engine connection (the helper level).
      source.useObserver((request) => observeThroughHelper(client, { image: TEST_IMAGE, sandboxes: request.sandboxes, hostOnly: request.hostOnly }));
      engines.push({ node, client, session, source });
    }
    manager = engines[0]!;
    manager.source.useSwarmNodes(swarmNodeLookup(() => engines.map((engine) => engine.source), manager.source));
  });

  after(async () => {
    for (const engine of engines) {
      engine.source.dispose();
      engine.session.dispose();
      engine.client.dispose();
    }
    const started = Date.now();
    await cluster?.stop();
    console.log(`three-node swarm down in ${Date.now() - started} ms`);
  });

  test('every node\'s overlay namespace is observed, with br0 and vxlan0 as that node shows them', async () => {
    const collected = await manager.source.collect();
    assert.ok(collected);
    const topology = collected.topology;
    assert.equal(topology.level, 'helper', topology.reason);
    for (const node of cluster.nodes) {
      const ns = overlayOn(topology, node);
      assert.equal(ns.source, 'observed', `${node.name}: ${ns.swarmNode?.inferredBecause}`);
      assert.equal(ns.id, node === cluster.manager ? `ns:overlay:${cluster.network.id}` : `ns:overlay:${cluster.network.id}@${cluster.nodeIds.get(node.name)}`);
      const br0 = ns.interfaces.find((iface) => iface.name === 'br0');
      const vxlan0 = ns.interfaces.find((iface) => iface.name === 'vxlan0');
      assert.equal(br0?.source, 'observed');
      assert.equal(vxlan0?.source, 'observed');
      assert.deepEqual(br0.addresses, br0Addresses(node, cluster.network.id), `br0 on ${node.name}`);
    }
    const { text } = generateMermaid(topology, { kind: 'network', networkId: cluster.network.id }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
    assert.equal(text.split('\n').filter((line) => / <-->\|"VNI /.test(line)).length, 3, 'three tunnels drawn solid');
  });

  test('each tunnel joins two nodes\' hub addresses (docker node inspect) on the network\'s VNI (docker network inspect on a node)', async () => {
    const topology = (await manager.source.collect())!.topology;
    const addresses = new Map(cluster.nodes.map((node) => [nodeDocker(cluster.manager, ['node', 'inspect', '-f', '{{.Status.Addr}}', node.name]), node]));
    assert.deepEqual([...addresses.values()].map((node) => node.address), cluster.nodes.map((node) => node.address));
    const tunnels = topology.edges.filter((edge) => edge.kind === 'vxlanTunnel' && edge.id.includes(cluster.network.id));
    assert.equal(tunnels.length, 3);
    const worker = cluster.nodes[1]!;
    const vni = nodeDocker(worker, ['network', 'inspect', '-f', '{{index .Options "com.docker.network.driver.overlay.vxlanid_list"}}', cluster.network.name]);
    assert.match(vni, /^\d+$/);
    const pairs = new Set<string>();
    for (const tunnel of tunnels) {
      assert.equal(tunnel.source, 'observed');
      assert.equal(tunnel.tunnel?.vni, vni);
      const [a, b] = tunnel.tunnel!.addresses.map((address) => addresses.get(address));
      assert.ok(a && b && a !== b, JSON.stringify(tunnel.tunnel));
      // Each end is the vxlan0 of that node's overlay namespace.
      assert.equal(tunnel.from, overlayOn(topology, a).interfaces.find((iface) => iface.kind === 'vxlan')?.id);
      assert.equal(tunnel.to, overlayOn(topology, b).interfaces.find((iface) => iface.kind === 'vxlan')?.id);
      pairs.add([a.name, b.name].sort().join(' '));
    }
    assert.equal(pairs.size, 3, 'a full mesh');
  });

  test('each task\'s endpoint: observed on the node it runs on, with the address `docker inspect` there gives', async () => {
    const topology = (await manager.source.collect())!.topology;
    for (const node of cluster.nodes) {
      const tasks = tasksOn(node, cluster.service.name, cluster.network.name);
      assert.equal(tasks.length, 1, node.name);
      const suffix = node === cluster.manager ? '' : `@${cluster.nodeIds.get(node.name)}`;
      const overlay = overlayOn(topology, node);
      for (const task of tasks) {
        const ns = topology.namespaces.find((each) => each.id === `ns:ctr:${task.id}${suffix}`);
        assert.ok(ns, `task ${task.id.slice(0, 12)} on ${node.name}`);
        assert.equal(ns.source, 'observed');
        const end = ns.interfaces.find((iface) => iface.addresses.some((address) => address.split('/')[0] === task.address));
        assert.ok(end, `${task.address} on ${node.name}: ${JSON.stringify(ns.interfaces.map((iface) => [iface.name, iface.addresses]))}`);
        assert.equal(end.source, 'observed');
        const pair = topology.edges.find((edge) => edge.kind === 'veth' && (edge.from === end.id || edge.to === end.id));
        assert.ok(pair && pair.source === 'observed', 'an observed veth pair');
        const other = pair.from === end.id ? pair.to : pair.from;
        assert.ok(overlay.interfaces.some((iface) => iface.id === other), `its peer is in ${node.name}'s overlay namespace`);
      }
    }
  });

  test('with one worker\'s engine left out, that worker\'s namespace is inferred and says why', async () => {
    const left = engines[2]!;
    manager.source.useSwarmNodes(swarmNodeLookup(() => engines.filter((engine) => engine !== left).map((engine) => engine.source), manager.source));
    try {
      const topology = (await manager.source.collect())!.topology;
      const ns = overlayOn(topology, left.node);
      assert.equal(ns.source, 'inferred');
      assert.equal(ns.swarmNode?.inferredBecause, 'noEngine');
      assert.equal(overlayOn(topology, cluster.nodes[1]!).source, 'observed');
      const tunnels = topology.edges.filter((edge) => edge.kind === 'vxlanTunnel' && edge.id.includes(cluster.network.id));
      assert.deepEqual(tunnels.map((edge) => [edge.tunnel!.addresses.includes(left.node.address), edge.source]).sort(), [[false, 'observed'], [true, 'inferred'], [true, 'inferred']]);
      const { text } = generateMermaid(topology, { kind: 'network', networkId: cluster.network.id }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
      assert.ok(text.includes(ENGLISH_LABELS.swarmNodeInferred.noEngine), 'the diagram says why');
    } finally {
      manager.source.useSwarmNodes(swarmNodeLookup(() => engines.map((engine) => engine.source), manager.source));
    }
  });
});
