/**
 * The host's network interfaces, offered as the parent of a macvlan/ipvlan network. Only
 * meaningful when the engine runs on this machine (EngineSession.isLocal decides): then
 * os.networkInterfaces() (interfaces with an address) and /sys/class/net (every interface, also
 * those without an address, like a bare uplink or a dummy) are merged.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface HostInterface {
  name: string;
  addresses: string[];
  /** From /sys/class/net/<name>/operstate when readable. */
  state?: string;
  /** Docker's own devices (docker0, br-*, veth*) and loopback: listed last, rarely a sensible parent. */
  dockerManaged: boolean;
}

function readTrimmed(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function isDockerManagedInterface(name: string): boolean {
  return name === 'lo' || name === 'docker0' || name === 'docker_gwbridge' || /^(br-[0-9a-f]{12}|veth[0-9a-f]+|vx-|dm-|di-)/.test(name);
}

export function listHostInterfaces(sysClassNet = '/sys/class/net'): HostInterface[] {
  const byName = new Map<string, HostInterface>();
  for (const [name, infos] of Object.entries(os.networkInterfaces())) {
    byName.set(name, { name, addresses: (infos ?? []).map((info) => info.cidr ?? info.address), dockerManaged: isDockerManagedInterface(name) });
  }
  let names: string[] = [];
  try {
    names = readdirSync(sysClassNet);
  } catch {
    names = [];
  }
  for (const name of names) {
    const entry = byName.get(name) ?? { name, addresses: [], dockerManaged: isDockerManagedInterface(name) };
    entry.state = readTrimmed(path.join(sysClassNet, name, 'operstate'));
    byName.set(name, entry);
  }
  return [...byName.values()].sort((a, b) => Number(a.dockerManaged) - Number(b.dockerManaged) || a.name.localeCompare(b.name));
}
