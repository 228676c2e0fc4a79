/**
 * Gathers everything a topology needs, the same way for the panel and the command line: the
 * inventory (two list calls, already in the session), an inspection of each running container for
 * its State.Pid and SandboxKey (on demand, cached by the session), the host probe, then the pure
 * model. No `vscode` here.
 */
import * as os from 'node:os';
import type { ContainerInspectJson, EngineSnapshot } from '../model/dockerTypes';
import type { EngineTarget } from '../model/connectionResolution';
import { buildInventory, Inventory } from '../model/inventory';
import type { HostFacts, ProbeLevel, SandboxInfo } from '../model/topology/facts';
import { buildTopology } from '../model/topology/build';
import type { Topology } from '../model/topology/types';
import { probeHost } from '../probe/hostProbe';

export interface CollectOptions {
  snapshot: EngineSnapshot;
  inspect: (containerId: string) => Promise<ContainerInspectJson | undefined>;
  local: boolean;
  maxLevel?: ProbeLevel;
}

export interface Collected {
  inventory: Inventory;
  topology: Topology;
  facts: HostFacts;
  sandboxes: Record<string, SandboxInfo>;
}

/**
 * Whether the engine's network namespaces are this machine's: a unix socket on Linux that is not
 * Docker Desktop's (which runs the engine in a VM), or tcp to the loopback address; and, when the
 * engine told its host name, it is ours.
 */
export function isLocalEngine(target: EngineTarget, engineHostName?: string, platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'linux') {
    return false;
  }
  const localTransport =
    (target.protocol === 'unix' && !/\.docker\/desktop\//.test(target.socketPath ?? '')) ||
    (target.protocol === 'tcp' && ['localhost', '127.0.0.1', '::1'].includes(target.hostname ?? ''));
  if (!localTransport) {
    return false;
  }
  return engineHostName === undefined || engineHostName === os.hostname();
}

export async function sandboxesOf(inventory: Inventory, inspect: CollectOptions['inspect']): Promise<Record<string, SandboxInfo>> {
  // Containers in `container:` mode share their owner's sandbox: one inspection per sandbox.
  const running = inventory.containers.filter((container) => container.running && container.networkMode.kind !== 'host' && !container.sharesStackOf);
  const sandboxes: Record<string, SandboxInfo> = {};
  await Promise.all(
    running.map(async (container) => {
      const details = await inspect(container.id);
      if (details) {
        sandboxes[container.id] = {
          containerId: container.id,
          pid: details.State?.Pid || undefined,
          sandboxKey: details.NetworkSettings?.SandboxKey || undefined,
        };
      }
    }),
  );
  return sandboxes;
}

export async function collectTopology(options: CollectOptions): Promise<Collected> {
  const details: Record<string, ContainerInspectJson> = { ...(options.snapshot.containerDetails ?? {}) };
  const inspect = async (id: string) => {
    const result = details[id] ?? (await options.inspect(id));
    if (result) {
      details[id] = result;
    }
    return result;
  };
  // Inspections give State.Pid and SandboxKey (for the probe) and the aliases (for the labels).
  const sandboxes = await sandboxesOf(buildInventory(options.snapshot), inspect);
  const inventory = buildInventory({ ...options.snapshot, containerDetails: details });
  const facts = await probeHost({ local: options.local, sandboxes: Object.values(sandboxes), maxLevel: options.maxLevel });
  const topology = buildTopology({ inventory, sandboxes, facts });
  return { inventory, topology, facts, sandboxes };
}
