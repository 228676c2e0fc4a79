/**
 * Gathers everything a topology needs, the same way for the panel and the command line: the
 * inventory (two list calls, already in the session), an inspection of each running container for
 * its State.Pid and SandboxKey (on demand, cached by the session), the host probe, then the pure
 * model. No `vscode` here.
 */
import * as os from 'node:os';
import type { ContainerInspectJson } from '../model/dockerTypes';
import type { EngineTarget } from '../model/connectionResolution';
import type { Inventory } from '../model/inventory';
import type { HostFacts, ProbeLevel, SandboxInfo } from '../model/topology/facts';
import { buildTopology } from '../model/topology/build';
import type { Topology } from '../model/topology/types';
import { probeHost } from '../probe/hostProbe';

export interface CollectOptions {
  inventory: Inventory;
  inspect: (containerId: string) => Promise<ContainerInspectJson | undefined>;
  local: boolean;
  maxLevel?: ProbeLevel;
}

export interface Collected {
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
  const running = inventory.containers.filter((container) => container.running && container.networkMode.kind !== 'host');
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
  const sandboxes = options.local ? await sandboxesOf(options.inventory, options.inspect) : {};
  const facts = await probeHost({ local: options.local, sandboxes: Object.values(sandboxes), maxLevel: options.maxLevel });
  const topology = buildTopology({ inventory: options.inventory, sandboxes, facts });
  return { topology, facts, sandboxes };
}
