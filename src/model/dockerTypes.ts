/**
 * The subset of the Docker Engine API's JSON that the extension reads, typed by hand from the
 * engine's documented shapes (API 1.41 through 1.47). Fields that newer engines add, or that older
 * ones omit, are optional. These types live in the pure model on purpose: nothing here imports
 * `dockerode`, so recorded fixtures and live responses flow through the same code.
 */

export type StringMap = Record<string, string>;

export interface IpamConfigJson {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: StringMap | null;
}

/** One item of `GET /networks` (and of `GET /networks/{id}`, which also fills `Containers`). */
export interface NetworkJson {
  Name: string;
  Id: string;
  Created?: string;
  Scope?: string;
  Driver?: string;
  EnableIPv6?: boolean;
  /** API 1.48+: false when the network was created with `--ipv4=false`; absent from older engines (IPv4 on). */
  EnableIPv4?: boolean;
  IPAM?: { Driver?: string; Options?: StringMap | null; Config?: IpamConfigJson[] | null } | null;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  ConfigFrom?: { Network?: string } | null;
  ConfigOnly?: boolean;
  Containers?: Record<string, NetworkContainerJson> | null;
  Options?: StringMap | null;
  Labels?: StringMap | null;
  Peers?: { Name: string; IP: string }[] | null;
}

/** The per-container entry of `GET /networks/{id}` (`Containers`). */
export interface NetworkContainerJson {
  Name?: string;
  EndpointID?: string;
  MacAddress?: string;
  IPv4Address?: string;
  IPv6Address?: string;
}

/** `NetworkSettings.Networks[name]` of a container, in the list and in inspect. */
export interface EndpointSettingsJson {
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] | null } | null;
  Links?: string[] | null;
  Aliases?: string[] | null;
  /** API 1.44+: every name the embedded DNS answers for this endpoint. */
  DNSNames?: string[] | null;
  /** API 1.48+: the endpoint's gateway priority (`--gw-priority`, 0 by default). */
  GwPriority?: number;
  NetworkID?: string;
  EndpointID?: string;
  Gateway?: string;
  IPAddress?: string;
  IPPrefixLen?: number;
  IPv6Gateway?: string;
  GlobalIPv6Address?: string;
  GlobalIPv6PrefixLen?: number;
  MacAddress?: string;
  DriverOpts?: StringMap | null;
}

/** One item of `GET /containers/json?all=1`. */
export interface ContainerSummaryJson {
  Id: string;
  Names?: string[] | null;
  Image?: string;
  Command?: string;
  Created?: number;
  State?: string;
  Status?: string;
  Labels?: StringMap | null;
  /** Exposed ports; `PublicPort` (and `IP`, the host address) only when published. */
  Ports?: PortJson[] | null;
  HostConfig?: { NetworkMode?: string } | null;
  NetworkSettings?: { Networks?: Record<string, EndpointSettingsJson> | null } | null;
}

/** One item of a container summary's `Ports`. */
export interface PortJson {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type?: string;
}

/** `GET /containers/{id}/json`, only the parts the extension reads. */
export interface ContainerInspectJson {
  Id: string;
  Name?: string;
  State?: { Status?: string; Running?: boolean; Pid?: number; StartedAt?: string; FinishedAt?: string; ExitCode?: number } | null;
  Config?: { Hostname?: string; Labels?: StringMap | null } | null;
  HostConfig?: { NetworkMode?: string; Links?: string[] | null } | null;
  NetworkSettings?: {
    SandboxID?: string;
    SandboxKey?: string;
    Networks?: Record<string, EndpointSettingsJson> | null;
  } | null;
}

/** `GET /info`, only the parts the extension reads. */
export interface EngineInfoJson {
  ID?: string;
  Name?: string;
  ServerVersion?: string;
  OperatingSystem?: string;
  OSType?: string;
  Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string; NodeAddr?: string; Cluster?: { DataPathPort?: number } | null } | null;
  Plugins?: { Network?: string[] | null } | null;
  /** The engine's default address pools (listed by newer engines only). */
  DefaultAddressPools?: { Base?: string; Size?: number }[] | null;
  /** Podman only: true when it runs rootless (its networks' bridges then live in its rootless network namespace, not on the host). */
  Rootless?: boolean;
}

/** One message of `GET /events`. */
export interface EngineEventJson {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: StringMap | null } | null;
  /** `local` or `swarm` (API 1.24+): a swarm-scoped event may change the swarm lists. */
  scope?: string;
  time?: number;
  timeNano?: number;
}

/**
 * What one refresh reads from the engine: exactly two list calls, whatever the number of networks
 * and containers. Aliases are not in the container list (checked on API 1.41), so they come from
 * `containerDetails`, filled lazily per container and kept until an event says it changed.
 */
export interface EngineSnapshot {
  networks: NetworkJson[];
  containers: ContainerSummaryJson[];
  /**
   * Only on a swarm manager: three more list calls (nodes, tasks, services), whatever the size, made
   * only when the swarm may have changed (else the last refresh's lists, kept as they were).
   */
  swarm?: SwarmSnapshot;
  /**
   * Only on Podman: its own list of networks (`GET /v4.0.0/libpod/networks/json`), one more call per
   * refresh. The compatible `GET /networks` leaves the bridge's name out (empty Options); this list
   * gives it (`network_interface`: cni-podman1, podman1).
   */
  podmanNetworks?: PodmanNetworkJson[];
  /**
   * Only on Podman: its own container list (`GET /v4.0.0/libpod/containers/json?all=true`), one more
   * call per refresh. Its compatible list gives no `HostConfig` (a host or none container looks like
   * one on the default network) and lists, for a container in another's network stack, the other's
   * networks as its own; this list names only the networks a container really joined.
   */
  podmanContainers?: PodmanContainerJson[];
  /**
   * Only on Podman: `HostConfig.NetworkMode` (host, none, container:<id>…) of each container that
   * joined no network of its own, by container id, from its inspection. A network mode is fixed when
   * the container is created, so each such container is inspected once in its life, not per refresh.
   */
  podmanNetworkModes?: Record<string, string>;
}

/** One item of Podman's own `GET /v4.0.0/libpod/containers/json`, only the parts the extension reads. */
export interface PodmanContainerJson {
  Id: string;
  /** The networks the container joined itself (none for host, none and container: modes). */
  Networks?: string[] | null;
}

/** One item of Podman's own `GET /v4.0.0/libpod/networks/json`, only the parts the extension reads. */
export interface PodmanNetworkJson {
  id: string;
  name?: string;
  driver?: string;
  /** The host device of a bridge network (cni-podman0 with CNI, podman0 with netavark). */
  network_interface?: string;
  /** Whether Podman's DNS server answers container names on it (false: no names resolve there). */
  dns_enabled?: boolean;
  /**
   * Podman's options (`isolate`: true or strict). Podman 4.3's compatible network list and inspect
   * delete `isolate` from its in-memory copy, so after any compatible call this list may leave it out.
   */
  options?: StringMap | null;
  /** The subnets; an internal CNI network has no `gateway` (the host has no address on its bridge). */
  subnets?: { subnet?: string; gateway?: string }[] | null;
}

/** One item of `GET /nodes` (swarm managers only). */
export interface SwarmNodeJson {
  ID: string;
  Spec?: { Role?: string; Availability?: string; Labels?: StringMap | null } | null;
  Description?: { Hostname?: string } | null;
  Status?: { State?: string; Addr?: string; Message?: string } | null;
  ManagerStatus?: { Leader?: boolean; Reachability?: string; Addr?: string } | null;
}

/** One network attachment of a swarm task: the network as the manager allocated it, and the task's addresses. */
export interface TaskNetworkAttachmentJson {
  Network?: {
    ID?: string;
    Spec?: { Name?: string; Attachable?: boolean; Scope?: string } | null;
    DriverState?: { Name?: string; Options?: StringMap | null } | null;
    IPAMOptions?: { Configs?: IpamConfigJson[] | null } | null;
  } | null;
  Addresses?: string[] | null;
}

/** One item of `GET /tasks` (swarm managers only). */
export interface SwarmTaskJson {
  ID: string;
  ServiceID?: string;
  Slot?: number;
  NodeID?: string;
  DesiredState?: string;
  Status?: { State?: string; Message?: string; Err?: string; ContainerStatus?: { ContainerID?: string } | null } | null;
  NetworksAttachments?: TaskNetworkAttachmentJson[] | null;
}

/** One item of `GET /services` (swarm managers only). */
export interface SwarmServiceJson {
  ID: string;
  Spec?: { Name?: string; TaskTemplate?: { Networks?: { Target?: string }[] | null } | null; Networks?: { Target?: string }[] | null } | null;
}

/** What a swarm manager adds to a snapshot; `info` is the engine's `/info` Swarm part. */
export interface SwarmSnapshot {
  nodes: SwarmNodeJson[];
  tasks: SwarmTaskJson[];
  services: SwarmServiceJson[];
  info: NonNullable<EngineInfoJson['Swarm']>;
}
