/**
 * A real three-node swarm on this one machine, for the engine tier and the fixture recorder:
 * three dockerd nodes (dockerdNode.ts) on one hub bridge, `swarm init` on node 1 (advertising its
 * hub address, overlay subnets from 10.(160+group).0.0/16), nodes 2 and 3 joined as workers, two
 * overlay networks (one attachable, one not) and a service on both with three replicas that the
 * scheduler spreads one per node (`--replicas-max-per-node 2` leaves room for a task to move
 * when a node is drained). The kernel has no IPVS: `--endpoint-mode dnsrr`; busybox `sleep`
 * ignores SIGTERM: `--stop-grace-period 1s`.
 *
 * `stop()` tears everything down (also after a failed start): service, networks, the nodes
 * (daemons, mounts, namespaces, cgroups) and the hub.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { HostFacts, SandboxInfo } from '../../src/model/topology/facts';
import { probeHost } from '../../src/probe/hostProbe';
import { readDefaultRoutes, readNamespaceLinks } from '../../src/probe/readers';
import { DockerdNode, nodeDocker, removeHub, startDockerdNode } from './dockerdNode';
import { TEST_IMAGE } from './dockerCli';
import { waitFor } from './waitFor';

export interface SwarmObject {
  readonly name: string;
  readonly id: string;
}

export interface SwarmCluster {
  readonly hub: string;
  /** Node 1 is the manager; 2 and 3 are workers. */
  readonly nodes: readonly DockerdNode[];
  readonly manager: DockerdNode;
  /** Overlay, not attachable, used by the service. */
  readonly network: SwarmObject;
  /** Overlay, attachable, also used by the service. */
  readonly attachableNetwork: SwarmObject;
  readonly service: SwarmObject;
  /** Swarm node id of each dockerd node, by node name (= host name). */
  readonly nodeIds: ReadonlyMap<string, string>;
  /** Node host name -> number of running tasks of the service there. */
  runningTasksPerNode(): Map<string, number>;
  stop(): Promise<void>;
}

export interface SwarmClusterOptions {
  /** Hub namespace name (at most 8 characters). */
  readonly hub?: string;
  /** Address group of dockerdNode.ts (0..3). */
  readonly group?: number;
  /**
   * Node index of the first node inside the group (default 1): the nodes are firstIndex..firstIndex+2,
   * so two clusters can share a group when their indexes do not overlap.
   */
  readonly firstIndex?: number;
}

const NODE_COUNT = 3;

function runningTasksPerNode(manager: DockerdNode, service: string): Map<string, number> {
  const lines = nodeDocker(manager, ['service', 'ps', service, '--filter', 'desired-state=running', '--format', '{{.Node}} {{.CurrentState}}'], { allowFailure: true })
    .split('\n').filter(Boolean);
  const counts = new Map<string, number>();
  for (const line of lines) {
    const [node, state] = line.split(' ');
    if (node && state === 'Running') {
      counts.set(node, (counts.get(node) ?? 0) + 1);
    }
  }
  return counts;
}

async function formSwarm(nodes: readonly DockerdNode[], group: number): Promise<Map<string, string>> {
  const [manager, ...workers] = nodes;
  if (!manager) {
    throw new Error('swarm cluster: no manager node');
  }
  nodeDocker(manager, ['swarm', 'init', '--advertise-addr', manager.address, '--listen-addr', `${manager.address}:2377`,
    '--default-addr-pool', `10.${160 + group}.0.0/16`, '--default-addr-pool-mask-length', '24']);
  const token = nodeDocker(manager, ['swarm', 'join-token', '-q', 'worker']);
  for (const worker of workers) {
    nodeDocker(worker, ['swarm', 'join', '--token', token, '--advertise-addr', worker.address, '--listen-addr', `${worker.address}:2377`, `${manager.address}:2377`]);
  }
  await waitFor('every swarm node to be ready', () => {
    const states = nodeDocker(manager, ['node', 'ls', '--format', '{{.Hostname}} {{.Status}}'], { allowFailure: true }).split('\n').filter(Boolean);
    return states.length === nodes.length && states.every((line) => line.endsWith(' Ready'));
  }, { timeoutMs: 30_000, intervalMs: 200 });
  const ids = new Map<string, string>();
  for (const node of nodes) {
    ids.set(node.name, nodeDocker(node, ['info', '--format', '{{.Swarm.NodeID}}']));
  }
  return ids;
}

function createObjects(manager: DockerdNode, hub: string): { network: SwarmObject; attachableNetwork: SwarmObject; service: SwarmObject } {
  const networkName = `${hub}-ov`;
  const attachableName = `${hub}-ova`;
  const serviceName = `${hub}-web`;
  const network = { name: networkName, id: nodeDocker(manager, ['network', 'create', '--driver', 'overlay', networkName]) };
  const attachableNetwork = { name: attachableName, id: nodeDocker(manager, ['network', 'create', '--driver', 'overlay', '--attachable', attachableName]) };
  const serviceId = nodeDocker(manager, ['service', 'create', '--detach', '--name', serviceName, '--replicas', String(NODE_COUNT),
    '--replicas-max-per-node', '2', '--endpoint-mode', 'dnsrr', '--stop-grace-period', '1s',
    '--network', networkName, '--network', attachableName, TEST_IMAGE, 'sleep', '100000'], { timeoutMs: 60_000 });
  return { network, attachableNetwork, service: { name: serviceName, id: serviceId } };
}

/** Starts the three nodes, forms the swarm, creates the networks and the service, waits for one running task per node. */
export async function startSwarmCluster(options: SwarmClusterOptions = {}): Promise<SwarmCluster> {
  const hub = options.hub ?? 'dnesw';
  const group = options.group ?? 0;
  const nodes: DockerdNode[] = [];
  const stop = async (): Promise<void> => {
    // Workers first, then the manager; each teardown is complete on its own.
    await Promise.all([...nodes].reverse().map((node) => node.stop()));
    removeHub(hub);
  };
  try {
    const firstIndex = options.firstIndex ?? 1;
    for (let index = firstIndex; index < firstIndex + NODE_COUNT; index++) {
      nodes.push(await startDockerdNode({ hub, group, index }));
    }
    const nodeIds = await formSwarm(nodes, group);
    const manager = nodes[0] as DockerdNode;
    const objects = createObjects(manager, hub);
    await waitFor('one running task of the service on each node', () => {
      const counts = runningTasksPerNode(manager, objects.service.name);
      return nodes.every((node) => counts.get(node.name) === 1);
    }, { timeoutMs: 60_000, intervalMs: 250, lastSeen: () => JSON.stringify([...runningTasksPerNode(manager, objects.service.name)]) });
    return {
      hub, nodes, manager, nodeIds, ...objects,
      runningTasksPerNode: () => runningTasksPerNode(manager, objects.service.name),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** statfs's f_type of a mounted network namespace file (a file whose namespace is gone is not nsfs). */
const NSFS_MAGIC = 0x6e736673;

/**
 * One node's host read FOR REAL as root from this machine, the way the netns level reads its own
 * host: `ip -j -d addr show` in the node's network namespace (its host) and, through
 * `nsenter --net=<file>`, in every namespace under the node's exec-root (`EXEC_ROOT/netns`: its
 * sandboxes, overlay `1-<id10>`, ingress_sbox, lb_). The level stays `netns` (it is not a helper);
 * the default routes are the node's (`/proc/<a process of the node>/net`), not this machine's; the
 * `ip netns add` folder is not read (it holds the harness's hub and nodes, not the node's own).
 */
export async function observeSwarmNode(node: Pick<DockerdNode, 'name' | 'execRoot'>, request: { sandboxes: SandboxInfo[]; hostOnly: boolean }): Promise<HostFacts> {
  const facts = await probeHost({
    local: true,
    isRoot: true,
    sandboxes: request.sandboxes,
    hostOnly: request.hostOnly,
    netnsDir: path.join(node.execRoot, 'netns'),
    namedNetnsDir: path.join(node.execRoot, 'no-named-netns'),
    readers: {
      hostLinks: () => readNamespaceLinks(`/var/run/netns/${node.name}`),
      namespaceLinks: (nsPath) => readNamespaceLinks(nsPath),
      isNamespace: async (nsPath) => (await fs.statfs(nsPath).catch(() => undefined))?.type === NSFS_MAGIC,
    },
  });
  const pid = execFileSync('ip', ['netns', 'pids', node.name], { encoding: 'utf8' }).split('\n').map(Number).find((value) => Number.isInteger(value) && value > 0);
  facts.defaultRoutes = pid === undefined ? [] : await readDefaultRoutes(`/proc/${pid}/net`);
  return facts;
}
