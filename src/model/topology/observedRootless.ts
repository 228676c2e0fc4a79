/**
 * The observed half of the topology build for a rootless engine (rootless Podman): the links of its
 * rootless network namespace (bridges named as Podman's network list says, their ports, the TAP
 * uplink), a container's TAP device, and the user-mode network processes (slirp4netns) at the other
 * side of each TAP, drawn in the host namespace where they run. Pure.
 */
import type { ContainerModel } from '../inventory';
import type { LinkFact, UserModeNetworkFact } from './facts';
import type { EdgeSpec, IdentifiedNamespace, NetworkIndex, ObservedLink } from './observedTypes';
import { HOST_NS } from './graph';
import { userModeDetails, userModeInterfaceId } from './userMode';

/** A link of the rootless network namespace: Podman's bridges (named as its network list says), their ports, the TAP uplink. */
export function rootlessLink(namespaceId: string, link: LinkFact, networks: NetworkIndex): ObservedLink {
  const bridgeOf = link.kind === 'bridge' ? networks.byBridgeName.get(link.name) : undefined;
  const portOf = link.master ? networks.byBridgeName.get(link.master) : undefined;
  const served = bridgeOf ?? portOf;
  return {
    id: `${namespaceId}/if:${link.name}`,
    namespaceId,
    namespaceKind: 'rootless',
    link,
    kind: link.kind,
    linkIndex: link.linkIndex,
    managed: true,
    networkIds: served ? [served.id] : [],
    anchorFor: bridgeOf ? [bridgeOf.id] : [],
  };
}

/**
 * Whether a container's link is its TAP device to slirp4netns: the kind `ip` gives, the device the
 * slirp4netns process names, or (read through procfs, kind unknown) the one link of a container in
 * slirp4netns mode that matches no endpoint.
 */
export function isTap(link: LinkFact, served: UserModeNetworkFact | undefined, owner: ContainerModel | undefined, hasEndpoint: boolean, slirp4netns: Set<string>): boolean {
  return link.kind === 'tap' || (link.kind !== 'loopback' && (served?.tap === link.name || (link.kind === 'other' && !hasEndpoint && owner !== undefined && slirp4netns.has(owner.id))));
}

/** The last part of a namespace file's path (the probe names namespaces by it). */
export function fileName(file: string): string {
  return file.split('/').pop() ?? file;
}


/**
 * The slirp4netns process serving each drawn namespace's TAP device: a node in the host namespace
 * and the TAP link to it. Observed when the probe saw the process.
 */
export function userModeParts(namespaces: IdentifiedNamespace[], namespaceLinks: ObservedLink[], userModes: Map<string, UserModeNetworkFact>): { links: ObservedLink[]; edges: EdgeSpec[] } {
  const links: ObservedLink[] = [];
  const edges: EdgeSpec[] = [];
  for (const { fact, id: namespaceId } of namespaces) {
    const served = userModes.get(fact.name);
    const tap = served && namespaceLinks.find((observed) => observed.namespaceId === namespaceId && observed.kind === 'tap' && observed.link.name === served.tap);
    if (!served || !tap) {
      continue;
    }
    const id = userModeInterfaceId(namespaceId);
    links.push({
      id,
      namespaceId: HOST_NS,
      namespaceKind: 'host',
      link: { ifindex: 0, name: served.program, kind: 'userMode', addresses: [], ...(served.mtu !== undefined ? { mtu: served.mtu } : {}) },
      kind: 'userMode',
      managed: true,
      networkIds: [],
      anchorFor: [],
      userMode: userModeDetails(served.cidr, served.pid),
    });
    edges.push({ kind: 'userMode', from: tap.id, to: id, managed: true });
  }
  return { links, edges };
}
