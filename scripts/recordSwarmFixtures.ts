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
 *   overlay namespace (EXEC_ROOT/netns/1-<id10>);
 * - swarm-nodes.json: every node as its own engine sees it (the same reads as above, the
 *   sandboxes of its running containers) and its host facts read as root at the netns level
 *   (observeSwarmNode: `ip -j -d addr` in the node's namespace and in every namespace under its
 *   exec-root), for the swarm drawn across its nodes, each node observed on that node.
 *
 *   npx tsc -p test/tsconfig.json && node out/scripts/recordSwarmFixtures.js [--hub NAME] [--first-index N] [FILE…]   (as root)
 *
 * FILE… (e.g. swarm-nodes.json): write only those files (the others stay as they were recorded);
 * --hub / --first-index: the cluster's hub name and first node index (default dnerec, 1).
 *
 * Never edit the JSON by hand: re-record it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { engineGet } from '../test/support/dockerCli';
import { DockerdNode, nodeDocker } from '../test/support/dockerdNode';
import { observeSwarmNode, startSwarmCluster, SwarmCluster } from '../test/support/swarmCluster';
import type { SandboxInfo } from '../src/model/topology/facts';
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

interface RecordedContainer {
  Id: string;
  State?: string;
  HostConfig?: { NetworkMode?: string };
}

interface RecordedDetails {
  State?: { Pid?: number };
  NetworkSettings?: { SandboxKey?: string };
}

/** The sandboxes the extension would probe (collectTopology's sandboxesOf): running containers with their own stack. */
function sandboxesOf(engine: Record<string, unknown>): SandboxInfo[] {
  const containers = engine.containers as RecordedContainer[];
  const details = engine.containerDetails as Record<string, RecordedDetails>;
  return containers
    .filter((container) => container.State === 'running' && container.HostConfig?.NetworkMode !== 'host' && !container.HostConfig?.NetworkMode?.startsWith('container:'))
    .map((container) => ({
      containerId: container.Id,
      pid: details[container.Id]?.State?.Pid || undefined,
      sandboxKey: details[container.Id]?.NetworkSettings?.SandboxKey || undefined,
      ...(container.HostConfig?.NetworkMode ? { networkMode: container.HostConfig.NetworkMode } : {}),
    }));
}

/** Each node as its own engine sees it, with its host observed on that node (see the file comment). */
async function recordNodes(cluster: SwarmCluster): Promise<Record<string, unknown>> {
  const nodes: Record<string, unknown> = {};
  for (const node of cluster.nodes) {
    const engine = await readEngine(node);
    const sandboxes = sandboxesOf(engine);
    nodes[node.name] = { address: node.address, nodeId: cluster.nodeIds.get(node.name), engine, sandboxes, facts: await observeSwarmNode(node, { sandboxes, hostOnly: false }) };
  }
  return {
    recordedWith: { script: 'scripts/recordSwarmFixtures.ts' },
    network: cluster.network,
    attachableNetwork: cluster.attachableNetwork,
    service: cluster.service,
    manager: cluster.manager.name,
    nodes,
  };
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index < 0) {
    return undefined;
  }
  const [value] = args.splice(index, 2).slice(1);
  return value;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const hub = option(args, '--hub') ?? 'dnerec';
  const firstIndex = Number(option(args, '--first-index') ?? '1');
  const only = new Set(args);
  const cluster = await startSwarmCluster({ hub, group: 2, firstIndex });
  try {
    const folder = path.join(__dirname, '..', '..', 'test', 'fixtures', 'engine-1.41');
    mkdirSync(folder, { recursive: true });
    const write = async (name: string, value: () => unknown) => {
      if (only.size === 0 || only.has(name)) {
        writeFileSync(path.join(folder, name), JSON.stringify(await value(), null, 2) + '\n');
      }
    };
    // A standalone container on each side, and one on the attachable overlay, besides the service's tasks.
    nodeDocker(cluster.manager, ['run', '-d', '--name', 'standalone', TEST_IMAGE, 'sleep', '100000']);
    nodeDocker(cluster.nodes[2] as DockerdNode, ['run', '-d', '--name', 'standalone3', '--network', cluster.attachableNetwork.name, TEST_IMAGE, 'sleep', '100000']);
    await write('swarm-manager.json', () => readEngine(cluster.manager));
    await write('swarm-worker.json', () => readEngine(cluster.nodes[2] as DockerdNode));
    await write('swarm-overlay.json', () => recordOverlays(cluster));
    await write('swarm-nodes.json', () => recordNodes(cluster));
    await write('swarm-errors.json', () => recordErrors(cluster));
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
