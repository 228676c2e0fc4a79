/**
 * Records the swarm fixtures the unit tier uses, from a real three-node swarm that this script
 * builds on this machine (test/support/swarmCluster.ts: three dockerd nodes in their own network
 * namespaces, two overlays, a dnsrr service with one task per node) and removes afterwards:
 *
 * - swarm-manager.json: what the extension reads from the manager (networks, containers, their
 *   inspections, /info, and the swarm lists: nodes, tasks, services, plus each swarm network's
 *   verbose inspection with Peers and Services);
 * - swarm-worker.json: the same reads from a worker (no swarm lists: a worker has none);
 * - swarm-errors.json: the engine's own messages for the refusals swarm imposes;
 * - swarm-overlay.json: `ip -d link show vxlan0` and `bridge fdb show dev vxlan0` in each node's
 *   overlay namespace (EXEC_ROOT/netns/1-<id10>).
 *
 *   npx tsc -p test/tsconfig.json && node out/scripts/recordSwarmFixtures.js   (as root)
 *
 * Never edit the JSON by hand: re-record it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { engineGet } from '../test/support/dockerCli';
import { DockerdNode, nodeDocker } from '../test/support/dockerdNode';
import { startSwarmCluster, SwarmCluster } from '../test/support/swarmCluster';
import { TEST_IMAGE } from '../test/support/dockerCli';

interface InfoJson {
  Name?: string;
  ServerVersion?: string;
  OSType?: string;
  Plugins?: unknown;
  Swarm?: { NodeID?: string; NodeAddr?: string; LocalNodeState?: string; ControlAvailable?: boolean; Cluster?: { DataPathPort?: number } };
}

async function readEngine(node: DockerdNode): Promise<Record<string, unknown>> {
  const get = <T>(url: string) => engineGet<T>(url, node.socketPath);
  const version = await get<{ ApiVersion: string; Version: string }>('/version');
  const networks = await get<{ Id: string; Scope?: string }[]>('/networks');
  const containers = await get<{ Id: string }[]>('/containers/json?all=1');
  const containerDetails: Record<string, unknown> = {};
  for (const container of containers) {
    containerDetails[container.Id] = await get(`/containers/${container.Id}/json`);
  }
  const networkDetails: Record<string, unknown> = {};
  for (const network of networks) {
    networkDetails[network.Id] = await get(`/networks/${network.Id}`);
  }
  const info = await get<InfoJson>('/info');
  // Only what the extension reads of /info (the cluster's TLS material stays out).
  const swarmInfo = {
    NodeID: info.Swarm?.NodeID,
    NodeAddr: info.Swarm?.NodeAddr,
    LocalNodeState: info.Swarm?.LocalNodeState,
    ControlAvailable: info.Swarm?.ControlAvailable,
    Cluster: { DataPathPort: info.Swarm?.Cluster?.DataPathPort },
  };
  const fixture: Record<string, unknown> = {
    recordedWith: { engine: version.Version, apiVersion: version.ApiVersion, script: 'scripts/recordSwarmFixtures.ts' },
    info: { Name: info.Name, ServerVersion: info.ServerVersion, OSType: info.OSType, Swarm: swarmInfo, Plugins: info.Plugins },
    networks,
    containers,
    containerDetails,
    networkDetails,
  };
  if (swarmInfo.ControlAvailable) {
    const verboseNetworks: Record<string, unknown> = {};
    for (const network of networks.filter((entry) => entry.Scope === 'swarm')) {
      verboseNetworks[network.Id] = await get(`/networks/${network.Id}?verbose=true`);
    }
    fixture.swarm = { nodes: await get('/nodes'), tasks: await get('/tasks'), services: await get('/services'), info: swarmInfo, verboseNetworks };
  }
  return fixture;
}

/** The engine's message for a refused command (the docker CLI prints it on stderr). */
function refusal(node: DockerdNode, args: string[]): string {
  try {
    nodeDocker(node, args);
    return '(accepted)';
  } catch (error) {
    return (error as Error).message.replace(/^docker .*? failed: /s, '').replace(/^Error response from daemon: /, '').replace(/\nexit status \d+$/, '');
  }
}

function recordErrors(cluster: SwarmCluster): Record<string, string> {
  const [manager, , worker] = cluster.nodes as [DockerdNode, DockerdNode, DockerdNode];
  return {
    connectNotAttachable: refusal(manager, ['network', 'connect', cluster.network.name, 'standalone']),
    removeUsedByService: refusal(manager, ['network', 'rm', cluster.network.name]),
    removeOnWorker: refusal(worker, ['network', 'rm', cluster.attachableNetwork.name]),
    createOnWorker: refusal(worker, ['network', 'create', '--driver', 'overlay', 'from-worker']),
  };
}

function inNamespace(file: string, command: string[]): string {
  return execFileSync('nsenter', [`--net=${file}`, '--', ...command], { encoding: 'utf8' }).trim();
}

function recordOverlays(cluster: SwarmCluster): Record<string, unknown> {
  const overlays: Record<string, unknown> = {};
  for (const node of cluster.nodes) {
    const file = path.join(node.execRoot, 'netns', `1-${cluster.network.id.slice(0, 10)}`);
    overlays[node.name] = {
      address: node.address,
      netns: file,
      vxlan0: inNamespace(file, ['ip', '-d', 'link', 'show', 'vxlan0']),
      fdb: inNamespace(file, ['bridge', 'fdb', 'show', 'dev', 'vxlan0']),
    };
  }
  return { networkId: cluster.network.id, network: cluster.network.name, nodes: overlays };
}

async function main(): Promise<void> {
  const cluster = await startSwarmCluster({ hub: 'dnerec', group: 2 });
  try {
    const folder = path.join(__dirname, '..', '..', 'test', 'fixtures', 'engine-1.41');
    mkdirSync(folder, { recursive: true });
    const write = (name: string, value: unknown) => writeFileSync(path.join(folder, name), JSON.stringify(value, null, 2) + '\n');
    // A standalone container on each side, and one on the attachable overlay, besides the service's tasks.
    nodeDocker(cluster.manager, ['run', '-d', '--name', 'standalone', TEST_IMAGE, 'sleep', '100000']);
    nodeDocker(cluster.nodes[2] as DockerdNode, ['run', '-d', '--name', 'standalone3', '--network', cluster.attachableNetwork.name, TEST_IMAGE, 'sleep', '100000']);
    write('swarm-manager.json', await readEngine(cluster.manager));
    write('swarm-worker.json', await readEngine(cluster.nodes[2] as DockerdNode));
    write('swarm-overlay.json', recordOverlays(cluster));
    write('swarm-errors.json', recordErrors(cluster));
    console.log(`recorded the swarm fixtures into ${folder}`);
  } finally {
    await cluster.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
