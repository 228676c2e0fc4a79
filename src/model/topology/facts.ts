/**
 * Host facts as the probe reports them: plain data, so that recorded readings and live readings
 * flow through the same model code. Every fact says where it came from.
 */

/** `observed`: read on the host (sysfs, procfs, netlink); `inferred`: deduced from the Engine API. */
export type FactSource = 'observed' | 'inferred';

/**
 * How deep the probe could look.
 * - `api`: Engine API only (remote engine, not Linux, no /sys): host plumbing inferred.
 * - `sysfs`: local Linux engine without root: /sys/class/net on the host, /proc/<pid>/net of containers.
 * - `netns`: local Linux engine with root: `ip -j -d addr` on the host and inside every namespace
 *   (container sandboxes, overlay `1-<id>`, ingress_sbox, lb_<id>).
 * - `helper`: an engine that is not this machine's (or this machine's without root), observed by a
 *   short-lived privileged helper container on that engine that reads its host's /sys and every
 *   namespace, its output brought back over the engine connection (with the user's consent).
 */
export type ProbeLevel = 'api' | 'sysfs' | 'netns' | 'helper';

/** Why the probe stopped at its level (the glue turns it into a sentence). */
export type ProbeReason =
  | 'remoteEngine'
  | 'notLinux'
  | 'noSysfs'
  | 'notRoot'
  | 'noIpTool'
  | 'limitedByOption'
  | 'full';

/**
 * `tap`: a TAP device whose other side is a user-mode network process (slirp4netns), not a peer link.
 * `userMode`: that process itself, drawn in the host namespace where it runs (never read as a link).
 */
export type LinkKind = 'veth' | 'bridge' | 'vxlan' | 'macvlan' | 'ipvlan' | 'dummy' | 'loopback' | 'ethernet' | 'tap' | 'userMode' | 'other';

export interface LinkFact {
  ifindex: number;
  name: string;
  kind: LinkKind;
  /** For veth: the peer's ifindex; for macvlan/ipvlan: the parent's ifindex. Undefined when none. */
  linkIndex?: number;
  /** The peer/parent lives in another namespace (netlink's link_netnsid, or known from the source). */
  linkInOtherNamespace?: boolean;
  /** Name of the bridge this interface is a port of. */
  master?: string;
  /**
   * For a bridge port read without root: the MACs its bridge learned behind it (forwarding
   * database). Tells which container end a host veth serves when interface indexes repeat across
   * namespaces.
   */
  learnedMacs?: string[];
  mac?: string;
  mtu?: number;
  state?: string;
  /** Addresses as CIDR (10.0.0.2/24, fd00::2/64); link-local IPv6 left out. */
  addresses: string[];
  /**
   * Read through procfs: addresses listed on this link that could as well be on another one of
   * its namespace (both have a connected route to their subnet). The model settles them.
   */
  ambiguousAddresses?: string[];
}

/**
 * `named`: a namespace made with `ip netns add` (a file under /var/run/netns), not Docker's.
 * `rootless`: rootless Podman's "rootless network namespace" (`$XDG_RUNTIME_DIR/netns/rootless-netns-<hash>`):
 * the bridges and veths of the user's networks live there, not on the host, with slirp4netns as its uplink.
 */
export type NamespaceKind = 'host' | 'container' | 'overlay' | 'ingress' | 'loadBalancer' | 'rootless' | 'named' | 'other';

export interface NamespaceFact {
  /** `host`, or the file name under /var/run/docker/netns, or `pid:<pid>` when read through procfs. */
  name: string;
  kind: NamespaceKind;
  /** The sandbox file (SandboxKey) or /proc/<pid>/ns/net. */
  path?: string;
  /** Containers known to run in it (from SandboxKey or State.Pid). */
  containerIds: string[];
  links: LinkFact[];
  /** The links could not be read (a namespace listed without root): it exists, its insides are unknown. */
  unread?: boolean;
}

/**
 * A user-mode network process (slirp4netns) the probe saw: rootless Podman gives each
 * `--network slirp4netns` container one, and its rootless network namespace one. It runs in the
 * host namespace, opens a TAP device inside the namespace it serves and relays its packets through
 * the host's sockets: no veth, no bridge on the host. Read from the process's command line.
 */
export interface UserModeNetworkFact {
  pid: number;
  program: 'slirp4netns';
  /** The namespace it serves: a container's SandboxKey, or the rootless network namespace's file. */
  netnsPath: string;
  /** The TAP device it made in that namespace (tap0). */
  tap: string;
  /** The virtual network it answers on (`--cidr`; slirp4netns' default is 10.0.2.0/24). */
  cidr: string;
  mtu?: number;
  /** `--disable-host-loopback`: the host's 127.0.0.1 is not reachable through it. */
  hostLoopback: boolean;
  ipv6: boolean;
}

/** A default route of the host namespace: the interface it leaves by, and its gateway. */
export interface DefaultRoute {
  interface: string;
  gateway?: string;
}

export interface HostFacts {
  level: ProbeLevel;
  reason: ProbeReason;
  namespaces: NamespaceFact[];
  /** The host's default routes (IPv4 and IPv6): they name its uplink. Absent in facts recorded before they were read. */
  defaultRoutes?: DefaultRoute[];
  /** Rootless engines only: the user-mode network processes (slirp4netns) serving its namespaces. */
  userModeNetworks?: UserModeNetworkFact[];
  /** Problems met on the way (a namespace vanished, a file unreadable); never fatal. */
  warnings: string[];
  /** Milliseconds the probe took. */
  elapsedMs?: number;
}

/** What the model needs of a running container besides the list call: its sandbox and pid. */
export interface SandboxInfo {
  containerId: string;
  pid?: number;
  sandboxKey?: string;
  /** HostConfig.NetworkMode from inspect (Podman's container list leaves HostConfig out: `slirp4netns` is only known here). */
  networkMode?: string;
}

export function emptyFacts(reason: ProbeReason): HostFacts {
  return { level: 'api', reason, namespaces: [], warnings: [] };
}

/** Classifies a namespace file of /var/run/docker/netns by Docker's naming rules. */
export function namespaceKindOf(name: string): NamespaceKind {
  if (name === 'ingress_sbox') {
    return 'ingress';
  }
  if (/^lb_[0-9a-z]+$/.test(name)) {
    return 'loadBalancer';
  }
  if (/^\d+-[0-9a-z]{10}$/.test(name)) {
    return 'overlay';
  }
  return 'other';
}
