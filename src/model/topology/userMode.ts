/**
 * User-mode networks (slirp4netns), as rootless Podman uses them: a container on its default
 * network, and its rootless network namespace's uplink, each get a TAP device (tap0) served by a
 * slirp4netns process running in the host namespace, which relays the packets through the host's
 * own sockets. There is no veth and no bridge on the host: the diagram draws the TAP device, the
 * process, and the addresses it answers as (by slirp4netns' rule: gateway .2, DNS .3 of its
 * network, the namespace itself .100). Pure.
 */
import type { ContainerModel, Inventory } from '../inventory';
import type { SandboxInfo } from './facts';
import { HOST_NS } from './graph';
import type { TopoInterface } from './types';

/** slirp4netns' network when it is given no `--cidr` (what Podman starts it with). */
export const SLIRP4NETNS_CIDR = '10.0.2.0/24';
/** The address slirp4netns gives the namespace's TAP device on its network (`-c`: .100). */
export const SLIRP4NETNS_GUEST_HOST = 100;

function isSlirp4netns(mode: string | undefined): boolean {
  return mode === 'slirp4netns' || Boolean(mode?.startsWith('slirp4netns:'));
}

/**
 * The containers in slirp4netns mode (`--network slirp4netns[:options]`, rootless Podman's
 * default): by the list's network mode, or by the inspection's (Podman's list gives no HostConfig).
 */
export function slirp4netnsContainers(inventory: Inventory, sandboxes: Record<string, SandboxInfo>): Set<string> {
  const inMode = (container: ContainerModel) => (container.networkMode.kind === 'network' && isSlirp4netns(container.networkMode.target)) || isSlirp4netns(sandboxes[container.id]?.networkMode);
  return new Set(inventory.containers.filter(inMode).map((container) => container.id));
}

/** The address `offset` hosts into an IPv4 network (`10.0.2.0/24`, 2 -> 10.0.2.2); undefined when not IPv4. */
export function hostInNetwork(cidr: string, offset: number): string | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!match) {
    return undefined;
  }
  const prefix = Number(match[5]);
  const base = match.slice(1, 5).reduce((acc, part) => acc * 256 + Number(part), 0);
  const network = prefix === 0 ? 0 : Math.floor(base / 2 ** (32 - prefix)) * 2 ** (32 - prefix);
  const address = network + offset;
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

/** What a slirp4netns node shows: its process (when seen), its network, its gateway and DNS addresses. */
export function userModeDetails(cidr: string, pid?: number): NonNullable<TopoInterface['userMode']> {
  const valid = hostInNetwork(cidr, 2) ? cidr : SLIRP4NETNS_CIDR;
  return { program: 'slirp4netns', ...(pid !== undefined ? { pid } : {}), cidr: valid, gateway: hostInNetwork(valid, 2)!, dns: hostInNetwork(valid, 3)! };
}

/** The slirp4netns node serving namespace `namespaceId` (one process per namespace), in the host namespace. */
export function userModeInterfaceId(namespaceId: string): string {
  return `${HOST_NS}/slirp4netns:${namespaceId}`;
}
