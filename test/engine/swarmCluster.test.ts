/**
 * Engine tier for swarm clusters: a real three-node swarm built on this machine for this file
 * (test/support/swarmCluster.ts: three dockerd nodes, each in its own network namespace on a hub
 * bridge, two overlays, a dnsrr service with one task per node), torn down afterwards even when a
 * test fails. The extension's own EngineClient and EngineSession talk to node 1 (the manager);
 * what they show is compared with each node's `docker network inspect --verbose`, with `ip -d link`
 * and `bridge fdb` inside each node's overlay namespace, and a task moved off a drained node is
 * timed until the tree model shows it. Needs root (namespaces, a dockerd per node).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import { connectContainers } from '../../src/engine/runNetworkActions';
import type { NetworkJson } from '../../src/model/dockerTypes';
import { networkSpans } from '../../src/model/swarm';
import { buildTopology } from '../../src/model/topology/build';
import { childrenOf, networkRoots } from '../../src/model/treeModel';
import { probeHost } from '../../src/probe/hostProbe';
import { sandboxesOf } from '../../src/engine/collectTopology';
import { TEST_IMAGE } from '../support/dockerCli';
import { DockerdNode, nodeDocker } from '../support/dockerdNode';
import { startSwarmCluster, SwarmCluster } from '../support/swarmCluster';
import { waitFor } from '../support/waitFor';

/** Verbose inspection on one node, through the docker CLI. */
function inspectVerbose(node: DockerdNode, network: string): NetworkJson & { Services?: Record<string, { Tasks?: { Name: string; EndpointIP: string; Info?: Record<string, string> }[] }> } {
  return (JSON.parse(nodeDocker(node, ['network', 'inspect', '--verbose', network])) as [NetworkJson])[0];
}

/** A command inside a node's overlay namespace `EXEC_ROOT/netns/1-<id10>`. */
function inOverlay(node: DockerdNode, networkId: string, command: string[]): string {
  const file = path.join(node.execRoot, 'netns', `1-${networkId.slice(0, 10)}`);
  return execFileSync('nsenter', [`--net=${file}`, '--', ...command], { encoding: 'utf8' });
}

describe('a three-node swarm seen through the extension (engine tier)', { timeout: 300_000 }, () => {
  let cluster: SwarmCluster;
  let session: EngineSession;
  let client: EngineClient;

  before(async () => {
    const started = Date.now();
    cluster = await startSwarmCluster({ hub: 'dnesw', group: 0 });
    console.log(`three-node swarm up in ${Date.now() - started} ms`);
    const manager = cluster.manager;
    client = new EngineClient({ source: 'setting', contextName: 'default', host: manager.host, protocol: 'unix', socketPath: manager.socketPath });
    // The product's defaults: the swarm lists are polled every 2 s on a manager.
    session = new EngineSession(client, { debounceMs: 50 });
    await session.start();
  });

  after(async () => {
    session?.dispose();
    const started = Date.now();
    await cluster?.stop();
    console.log(`three-node swarm down in ${Date.now() - started} ms`);
  });

  test('Peers, tasks per node and VNI equal `docker network inspect --verbose` on each node', async () => {
    const swarm = session.inventory!.swarm!;
    assert.equal(swarm.role, 'manager');
    const network = swarm.networkById.get(cluster.network.id)!;
    await session.readSwarmPeers(network.id);
    const spans = networkSpans(swarm, network.id, session.swarmPeers);
    const modelPeers = spans.filter((span) => span.peer).map((span) => swarm.nodeById.get(span.nodeId)!.address).sort();
    for (const node of cluster.nodes) {
      const inspected = inspectVerbose(node, cluster.network.name);
      assert.equal(network.vni, inspected.Options?.['com.docker.network.driver.overlay.vxlanid_list'], `VNI on ${node.name}`);
      assert.deepEqual(modelPeers, (inspected.Peers ?? []).map((peer) => peer.IP).sort(), `Peers on ${node.name}`);
      // The node's own task containers (swarm labels them with their task id) are the model's tasks on that node.
      const span = spans.find((entry) => swarm.nodeById.get(entry.nodeId)!.hostname === node.name);
      const running = nodeDocker(node, ['ps', '--filter', `label=com.docker.swarm.service.name=${cluster.service.name}`, '--format', '{{.Label "com.docker.swarm.task.id"}}']).split('\n').filter(Boolean).sort();
      assert.deepEqual(span?.tasks.map((task) => task.id).sort(), running, `tasks on ${node.name}`);
    }
    // On the manager, Services lists every task with its address and its node's address.
    const services = inspectVerbose(cluster.manager, cluster.network.name).Services ?? {};
    const expected = (services[cluster.service.name]?.Tasks ?? []).map((task) => `${task.Info?.['Host IP']} ${task.EndpointIP}`).sort();
    const seen = spans.flatMap((span) => span.tasks.map((task) => `${swarm.nodeById.get(span.nodeId)!.address} ${task.addresses.get(network.id)!.split('/')[0]}`)).sort();
    assert.deepEqual(seen, expected);
  });

  test('tunnel endpoints and VNI in the topology equal `ip -d link` and `bridge fdb` in each node\'s overlay namespace', async () => {
    const inventory = session.inventory!;
    // The probe reads node 1's namespaces (its exec-root's netns folder): the node the extension talks to.
    const sandboxes = await sandboxesOf(inventory, (id) => session.containerDetails(id));
    const facts = await probeHost({ local: true, sandboxes: Object.values(sandboxes), netnsDir: path.join(cluster.manager.execRoot, 'netns') });
    assert.equal(facts.level, 'netns', facts.reason);
    const topology = buildTopology({ inventory, sandboxes, facts, swarmPeers: session.swarmPeers });
    const overlays = topology.namespaces.filter((ns) => ns.kind === 'overlay' && ns.networkId === cluster.network.id);
    assert.deepEqual(overlays.map((ns) => `${ns.swarmNode?.hostname} ${ns.source}`).sort(), cluster.nodes.map((node, index) => `${node.name} ${index === 0 ? 'observed' : 'inferred'}`));
    const tunnels = topology.edges.filter((edge) => edge.kind === 'vxlanTunnel' && edge.id.includes(cluster.network.id));
    assert.equal(tunnels.length, 3);
    for (const node of cluster.nodes) {
      const link = inOverlay(node, cluster.network.id, ['ip', '-d', 'link', 'show', 'vxlan0']);
      const match = /vxlan id (\d+) .*?dstport (\d+)/s.exec(link);
      assert.ok(match, link);
      const ns = topology.namespaces.find((entry) => entry.kind === 'overlay' && entry.networkId === cluster.network.id && entry.swarmNode?.hostname === node.name);
      assert.equal(ns?.interfaces.find((iface) => iface.kind === 'vxlan')?.vni, match[1], `VNI of vxlan0 on ${node.name}`);
      const mine = tunnels.filter((edge) => edge.tunnel!.addresses.includes(node.address));
      assert.ok(mine.every((edge) => edge.tunnel!.vni === match[1] && edge.tunnel!.port === Number(match[2])));
      const remote = mine.map((edge) => edge.tunnel!.addresses.find((address) => address !== node.address)).sort();
      const fdb = inOverlay(node, cluster.network.id, ['bridge', 'fdb', 'show', 'dev', 'vxlan0']);
      assert.deepEqual(remote, [...new Set([...fdb.matchAll(/ dst (\S+)/g)].map((m) => m[1]))].sort(), `tunnels of ${node.name}`);
    }
  });

  test('connecting a standalone container to the non-attachable overlay is refused before sending', async () => {
    nodeDocker(cluster.manager, ['run', '-d', '--name', 'standalone', TEST_IMAGE, 'sleep', '100000']);
    await session.refresh();
    const inventory = session.inventory!;
    const container = inventory.containers.find((entry) => entry.name === 'standalone')!;
    const before = client.apiCallCount;
    const [outcome] = await connectContainers(client, inventory, [{ containerId: container.id, networkId: cluster.network.id }], { aliases: [] });
    assert.equal(outcome.ok, false);
    assert.equal(outcome.issues?.[0]?.code, 'overlayNotAttachable');
    assert.equal(client.apiCallCount, before, 'nothing sent to the engine');
    const networks = nodeDocker(cluster.manager, ['inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', 'standalone']);
    assert.ok(!networks.includes(cluster.network.name), networks);
  });

  test('a task moved off a drained node shows in the tree model', async () => {
    const drained = cluster.nodes[2] as DockerdNode;
    const tree = () => {
      const inventory = session.inventory!;
      const root = networkRoots(inventory, { showStoppedContainers: true }).find((node) => node.kind === 'network' && node.networkId === cluster.network.id)!;
      return childrenOf(inventory, root, { showStoppedContainers: true }).filter((node) => node.kind === 'swarmNode')
        .map((node) => [inventory.swarm!.nodeById.get(node.kind === 'swarmNode' ? node.nodeId : '')!.hostname, childrenOf(inventory, node, { showStoppedContainers: true }).length] as const);
    };
    assert.ok(tree().some(([hostname, tasks]) => hostname === drained.name && tasks === 1));
    const started = Date.now();
    nodeDocker(cluster.manager, ['node', 'update', '--availability', 'drain', drained.name]);
    const shown = await waitFor('the drained node\'s task to show on another node', () => {
      const rows = tree();
      const tasks = rows.reduce((sum, [, count]) => sum + count, 0);
      return !rows.some(([hostname]) => hostname === drained.name) && tasks === 3 ? rows : undefined;
    }, { timeoutMs: 60_000, intervalMs: 20, lastSeen: () => JSON.stringify(tree()) });
    const elapsed = Date.now() - started;
    console.log(`task moved off ${drained.name}: shown in the tree model ${elapsed} ms after the drain (${JSON.stringify(shown)})`);
    // The scheduler's own answer agrees: three running tasks, none on the drained node.
    await waitFor('three running tasks, none on the drained node', () => {
      const counts = cluster.runningTasksPerNode();
      return (counts.get(drained.name) ?? 0) === 0 && [...counts.values()].reduce((a, b) => a + b, 0) === 3;
    }, { timeoutMs: 30_000, intervalMs: 250, lastSeen: () => JSON.stringify([...cluster.runningTasksPerNode()]) });
  });
});
