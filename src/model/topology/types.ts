/**
 * The host topology as plain data: namespaces holding interfaces, and the edges between
 * interfaces (veth pairs, bridge ports, macvlan/ipvlan parents). Every part carries its source
 * (observed on the host or inferred from the Engine API) and whether Docker made it.
 */
import type { FactSource, LinkKind, NamespaceKind, ProbeLevel, ProbeReason } from './facts';

export interface TopoContainerRef {
  id: string;
  name: string;
  running: boolean;
  /** How the container reached this namespace: its own sandbox, `container:<x>`, or host mode. */
  via: 'own' | 'shared' | 'host';
}

export interface TopoInterface {
  /** Stable key: `<namespace id>/if:<name>` when observed, `<namespace id>/ep:<network id>` when inferred. */
  id: string;
  namespaceId: string;
  /** The name `ip link` shows; undefined when inferred (Docker picks it inside the container). */
  name?: string;
  kind: LinkKind;
  ifindex?: number;
  /** Peer (veth) or parent (macvlan/ipvlan) ifindex, as `ip link` shows after `@if`. */
  linkIndex?: number;
  addresses: string[];
  mac?: string;
  state?: string;
  mtu?: number;
  source: FactSource;
  /** False for links Docker did not make (a veth added by hand). */
  managed: boolean;
  /** Networks this interface serves (a bridge: its network; an endpoint: its network). */
  networkIds: string[];
  /** The endpoint's DNS aliases (container-side interfaces of user-defined networks). */
  aliases?: string[];
  /** A container that owns this interface (container-side interfaces), for reveal. */
  containerId?: string;
  /** The host's uplink: set (to the default routes' gateways, maybe none) on the interface the default routes leave by. */
  uplinkGateways?: string[];
  /** A vxlan0 of a swarm overlay: its VXLAN network identifier. */
  vni?: string;
  /**
   * A user-mode network (kind `userMode`, slirp4netns): the process (when observed), the virtual
   * network it answers on, and the addresses it plays there (gateway .2, DNS .3, by slirp4netns' rule).
   */
  userMode?: { program: 'slirp4netns'; pid?: number; cidr: string; gateway: string; dns: string };
}

/** The swarm node an overlay namespace lives on (swarm networks seen from a manager). */
export interface TopoSwarmNode {
  id: string;
  hostname: string;
  address?: string;
  /** The node the extension's engine runs on (its namespaces may be observed). */
  self: boolean;
  /** Another node drawn from the manager's swarm lists alone (inferred): why its own reading is not there. */
  inferredBecause?: SwarmNodeInferredReason;
  /** Another node drawn from its own engine's topology: the level that topology was read at there (netns, helper, api…). */
  level?: ProbeLevel;
}

/**
 * Why another swarm node's overlay namespace is inferred: no configured engine is that node
 * (`noEngine`), the engine configured for it gave no topology (`engineUnreachable`), or it gave one
 * without that network's overlay namespace (`notFoundOnNode`: the task is just starting or gone).
 */
export type SwarmNodeInferredReason = 'noEngine' | 'engineUnreachable' | 'notFoundOnNode';

/**
 * Other swarm nodes' own topologies, by swarm node id, each built from that node's own engine
 * (its inventory and its host's facts), or `engineUnreachable` when the engine configured for
 * that node gave none. A node that is not a key has no engine configured.
 */
export type SwarmNodeTopologies = ReadonlyMap<string, Topology | 'engineUnreachable'>;

export interface TopoNamespace {
  /** Stable key: `ns:host`, `ns:ctr:<owner container id>`, `ns:overlay:<network id>`, `ns:lb:<network id>`, `ns:netns:<file>`, `ns:rootless`. */
  id: string;
  kind: NamespaceKind;
  /** The namespace file name under /var/run/docker/netns, when known. */
  name?: string;
  /** Network an overlay or load-balancer namespace belongs to. */
  networkId?: string;
  containers: TopoContainerRef[];
  interfaces: TopoInterface[];
  source: FactSource;
  /** A stopped container: no namespace exists now; drawn from the API alone. */
  stopped?: boolean;
  /** For a swarm network's overlay namespace: the node it lives on. */
  swarmNode?: TopoSwarmNode;
}

/** `userMode`: a TAP device and the user-mode network process (slirp4netns) at its other side. */
export type TopoEdgeKind = 'veth' | 'bridgePort' | 'parent' | 'stoppedMember' | 'vxlanTunnel' | 'userMode';

export interface TopoEdge {
  id: string;
  kind: TopoEdgeKind;
  from: string;
  to: string;
  source: FactSource;
  managed: boolean;
  /** A VXLAN tunnel between two swarm nodes' vxlan0: the node addresses (from, to), VNI and UDP port. */
  tunnel?: { addresses: [string, string]; vni?: string; port: number };
}

export interface TopoNetwork {
  id: string;
  name: string;
  driver: string;
  /** macvlan/ipvlan mode (`macvlan_mode`, default bridge; `ipvlan_mode`, default l2). */
  mode?: string;
  /** The bridge (or overlay br0, or macvlan parent) interface standing for this network. */
  anchorInterfaceIds: string[];
}

export interface Topology {
  level: ProbeLevel;
  reason: ProbeReason;
  warnings: string[];
  namespaces: TopoNamespace[];
  edges: TopoEdge[];
  networks: TopoNetwork[];
}

export type TopologyScope = { kind: 'host' } | { kind: 'network'; networkId: string } | { kind: 'container'; containerId: string };

export interface DiagramOptions {
  showIPs: boolean;
  showMACs: boolean;
  showStopped: boolean;
  showUnmanaged: boolean;
  showInferred: boolean;
  showLegend: boolean;
  /** Draw each container namespace as one node (interfaces listed inside): for large hosts. `auto`: above 40 namespaces. */
  collapse: boolean | 'auto';
}

export const DEFAULT_DIAGRAM_OPTIONS: DiagramOptions = {
  showIPs: true,
  showMACs: false,
  showStopped: false,
  showUnmanaged: true,
  showInferred: true,
  showLegend: true,
  collapse: 'auto',
};
