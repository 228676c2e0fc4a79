/**
 * The engine's networks and containers, joined: which container sits on which network with which
 * address, which containers borrow another's network stack, which legacy links exist. Built from
 * one snapshot (two list calls) plus whatever container inspections are already known. Pure.
 */
import type { ContainerSummaryJson, EndpointSettingsJson, EngineSnapshot, NetworkJson, PodmanNetworkJson, PortJson, StringMap } from './dockerTypes';
import { buildSwarmModel, SwarmModel } from './swarm';
import { isEngineName, isInterfaceName } from './engineValues';
import { byName, compareNames } from './naturalOrder';
import { GATEWAY_MODE_OPTION } from './engineFeatures';
import { listedGateway } from './addresses';
import { podmanSummaries } from './podmanModes';
import { HELPER_LABEL } from './helperContainerSpec';

/** The label Docker Compose puts on the containers and networks of a project. */
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';

export type PredefinedKind = 'bridge' | 'host' | 'none' | 'ingress' | 'docker_gwbridge';

export interface SubnetConfig {
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  auxiliaryAddresses: StringMap;
  family: 4 | 6;
}

export interface NetworkModel {
  id: string;
  shortId: string;
  name: string;
  driver: string;
  scope: string;
  predefined?: PredefinedKind;
  internal: boolean;
  attachable: boolean;
  ingress: boolean;
  ipv6: boolean;
  /** False only when the engine says so (`EnableIPv4: false`, API 1.48+): engines before it always give IPv4. */
  ipv4: boolean;
  /** Bridge networks: the gateway modes the engine was given (its options), by family; undefined is nat, the default. */
  gatewayModes: { ipv4?: string; ipv6?: string };
  configOnly: boolean;
  configFrom?: string;
  created?: string;
  ipamDriver: string;
  subnets: SubnetConfig[];
  options: StringMap;
  labels: StringMap;
  /** The Docker Compose project that made this network (its `com.docker.compose.project` label). */
  composeProject?: string;
  /** Bridge device on the host for bridge-driver networks (docker0, br-<id12> or the custom name). */
  bridgeName?: string;
  /** True when the engine says no DNS server answers on it (Podman's `dns_enabled: false`): no container name resolves. */
  dnsDisabled?: boolean;
  /**
   * How a removal must name it: Podman 4.3 removes a network named by its full id even while
   * containers are on it (they keep a network that no longer exists); by its name it refuses, as
   * Docker does. So on Podman, by name; on Docker, by id.
   */
  removalRef: string;
  /** Podman only: the network was made with `isolate` (its own list says so; it may leave it out, see PodmanNetworkJson.options). */
  podmanIsolated?: boolean;
  /** Podman only: a subnet without a gateway (an internal CNI network): the host has no address on its bridge, no route to it. */
  noHostGateway?: boolean;
  endpoints: EndpointModel[];
  raw: NetworkJson;
}

export type NetworkModeKind = 'default' | 'network' | 'host' | 'none' | 'container';

export interface NetworkMode {
  kind: NetworkModeKind;
  /** For `network`: the network name; for `container`: the container id or name it shares. */
  target?: string;
}

/** Why a name answers in the network's DNS: user alias, container name, short id, hostname. */
export type DnsNameSource = 'alias' | 'containerName' | 'containerId' | 'engine';

export interface DnsName {
  name: string;
  source: DnsNameSource;
}

export interface EndpointModel {
  /** Stable id for trees: network id + container id. */
  key: string;
  networkId: string;
  networkName: string;
  containerId: string;
  containerName: string;
  endpointId?: string;
  ipv4?: string;
  ipv4PrefixLength?: number;
  ipv6?: string;
  ipv6PrefixLength?: number;
  gateway?: string;
  ipv6Gateway?: string;
  mac?: string;
  /** Addresses the user asked for with --ip/--ip6 (IPAMConfig). */
  staticIpv4?: string;
  staticIpv6?: string;
  /** The gateway priority the engine reports (API 1.48+; undefined from older engines). */
  gwPriority?: number;
  running: boolean;
  state: string;
  /** True when this endpoint is shown for a container that borrows another's network stack. */
  viaContainer?: { id: string; name: string };
  /** Legacy links of this container on the default bridge ("alias -> target"). */
  links: LegacyLink[];
}

export interface LegacyLink {
  /** The container that declared --link. */
  fromId: string;
  fromName: string;
  /** The linked container. */
  toId: string;
  toName: string;
  /** The name the linked container is known by inside `from`. */
  alias: string;
}

export interface ContainerModel {
  id: string;
  shortId: string;
  name: string;
  image?: string;
  state: string;
  running: boolean;
  status?: string;
  networkMode: NetworkMode;
  /** For `container:` mode: the container whose network stack this one uses. */
  sharesStackOf?: { id: string; name: string };
  /** Containers that run in this one's network stack (`--network container:<this>`). */
  sharedBy: { id: string; name: string }[];
  memberships: EndpointModel[];
  links: LegacyLink[];
  labels: StringMap;
  /** The Docker Compose project of this container (its `com.docker.compose.project` label). */
  composeProject?: string;
  /** When the container was created (epoch seconds, from the list call). */
  created?: number;
  /** Ports published on the host (`-p`), one per host address, sorted by container port. */
  publishedPorts: PublishedPort[];
  /** Ports the image exposes that are not published. */
  exposedPorts: { port: number; protocol: string }[];
}

/** `-p [hostIp:]hostPort:containerPort[/protocol]`, as the engine reports it. */
export interface PublishedPort {
  hostIp?: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}

export interface Inventory {
  networks: NetworkModel[];
  containers: ContainerModel[];
  networkById: Map<string, NetworkModel>;
  containerById: Map<string, ContainerModel>;
  /** When the engine is in a swarm: its role, and on a manager the nodes, tasks and swarm networks. */
  swarm?: SwarmModel;
  /** Read from Podman (its own lists are in the snapshot): some actions need Podman's own care. */
  podman?: boolean;
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

function containerName(container: ContainerSummaryJson): string {
  // Names holds "/name" plus "/other/alias" entries for legacy links pointing at it.
  const own = (container.Names ?? []).find((name) => name.split('/').length === 2);
  return own ? own.slice(1) : shortId(container.Id);
}

export function predefinedKind(network: Pick<NetworkJson, 'Name' | 'Driver' | 'Ingress'>): PredefinedKind | undefined {
  if (network.Name === 'bridge' && network.Driver === 'bridge') {
    return 'bridge';
  }
  if (network.Name === 'host' && network.Driver === 'host') {
    return 'host';
  }
  if (network.Name === 'none' && network.Driver === 'null') {
    return 'none';
  }
  if (network.Ingress || (network.Name === 'ingress' && network.Driver === 'overlay')) {
    return 'ingress';
  }
  if (network.Name === 'docker_gwbridge' && network.Driver === 'bridge') {
    return 'docker_gwbridge';
  }
  return undefined;
}

/** The name Docker's bridge driver gives the host device: the option, docker0, or br-<id12>. */
export function bridgeDeviceName(network: Pick<NetworkJson, 'Id' | 'Name' | 'Driver' | 'Options'>): string | undefined {
  if (network.Driver !== 'bridge') {
    return undefined;
  }
  // The option is the engine's word: used as a device name (and so in /sys/class/net paths) only when the kernel would accept it.
  const custom = network.Options?.['com.docker.network.bridge.name'];
  if (custom) {
    return isInterfaceName(custom) ? custom : undefined;
  }
  if (network.Name === 'bridge') {
    return 'docker0';
  }
  return `br-${network.Id.slice(0, 12)}`;
}

/** What Podman's own network list says of one network that its compatible list leaves out or words differently. */
export interface PodmanNetworkFacts {
  /** Its name as `podman network ls` gives it: the compatible list calls the default network `bridge`, Podman `podman`. */
  name?: string;
  /** The bridge device (`network_interface`: cni-podman1, podman1); none when it is not a name the kernel would accept. */
  bridge?: string;
  /** Podman's DNS server is off on it (`dns_enabled: false`, as every CNI network without the dnsname plugin). */
  dnsDisabled: boolean;
  /** Made with `--opt isolate=true` (or strict), or through the compatible API (which always sets it on bridges). */
  isolated: boolean;
  /** Some subnet has no gateway (an internal CNI network). */
  noGateway: boolean;
}

/**
 * Podman's own facts by network id, from its network list: the compatible API gives no bridge name
 * (Docker's rule, docker0 or br-<id12>, names no device there) and calls Podman's default network
 * `bridge`, while its containers' endpoints name it `podman`.
 */
export function podmanNetworkFacts(podmanNetworks: PodmanNetworkJson[]): Map<string, PodmanNetworkFacts> {
  const facts = new Map<string, PodmanNetworkFacts>();
  for (const network of podmanNetworks) {
    const bridge = (network.driver ?? 'bridge') === 'bridge' && isInterfaceName(network.network_interface) ? network.network_interface : undefined;
    const isolate = typeof network.options === 'object' ? network.options?.isolate : undefined;
    facts.set(network.id, {
      name: network.name || undefined,
      bridge,
      dnsDisabled: network.dns_enabled === false,
      isolated: isolate === 'true' || isolate === 'strict',
      noGateway: Array.isArray(network.subnets) && network.subnets.some((subnet) => !subnet?.gateway),
    });
  }
  return facts;
}

export function parseNetworkMode(mode: string | undefined): NetworkMode {
  if (!mode || mode === 'default' || mode === 'bridge') {
    return { kind: 'default' };
  }
  if (mode === 'host') {
    return { kind: 'host' };
  }
  if (mode === 'none') {
    return { kind: 'none' };
  }
  if (mode.startsWith('container:')) {
    return { kind: 'container', target: mode.slice('container:'.length) };
  }
  return { kind: 'network', target: mode };
}

function subnetsOf(network: NetworkJson): SubnetConfig[] {
  return (network.IPAM?.Config ?? []).map((config) => ({
    subnet: config.Subnet || undefined,
    gateway: listedGateway(config.Gateway),
    ipRange: config.IPRange || undefined,
    auxiliaryAddresses: config.AuxiliaryAddresses ?? {},
    family: config.Subnet?.includes(':') || config.Gateway?.includes(':') ? 6 : 4,
  }));
}

function legacyLinks(containers: ContainerSummaryJson[], nameById: Map<string, string>): LegacyLink[] {
  const idByName = new Map<string, string>();
  for (const [id, name] of nameById) {
    idByName.set(name, id);
  }
  const links: LegacyLink[] = [];
  for (const container of containers) {
    for (const name of container.Names ?? []) {
      const parts = name.split('/').filter(Boolean);
      if (parts.length === 2) {
        const [fromName, alias] = parts;
        const fromId = idByName.get(fromName);
        if (fromId) {
          links.push({ fromId, fromName, toId: container.Id, toName: nameById.get(container.Id) ?? shortId(container.Id), alias });
        }
      }
    }
  }
  return links;
}

/** The trees' order of networks, which every list of networks follows: the predefined ones first (bridge, host, none…), then by name, naturally. */
export function compareNetworks(a: NetworkModel, b: NetworkModel): number {
  const rank = (n: NetworkModel) => (n.predefined ? PREDEFINED_ORDER.indexOf(n.predefined) : PREDEFINED_ORDER.length);
  return rank(a) - rank(b) || byName(a, b);
}

/**
 * Joins one snapshot (two list calls) into networks and containers. Built once per snapshot by the
 * session; container inspections (aliases, DNS names) live beside it, see endpointNames.ts.
 */
export function buildInventory(snapshot: EngineSnapshot): Inventory {
  const podman = snapshot.podmanNetworks ? podmanNetworkFacts(snapshot.podmanNetworks) : undefined;
  const networks = snapshot.networks.map((network) => networkModelOf(network, podman));
  const networkById = new Map(networks.map((network) => [network.id, network]));
  // On Podman, the summaries Docker would have listed (network modes, only the networks each container joined).
  // The extension's own helper containers (capture, observation) are plumbing, not the user's: they
  // are in the log and in `docker ps`, not in the trees, the diagram or the pickers.
  const summaries = podmanSummaries(snapshot).filter((summary) => summary.Labels?.[HELPER_LABEL] === undefined);
  const containers = containerModelsOf(summaries);
  const containerById = new Map(containers.map((container) => [container.id, container]));
  linkSharedStacks(containers, containerById);
  attachEndpoints(summaries, containers, networkById);
  attachBorrowedEndpoints(containers, containerById, networkById);
  sortInventory(networks, containers);
  const swarm = snapshot.swarm ? buildSwarmModel(snapshot.swarm, snapshot.networks) : undefined;
  return { networks, containers, networkById, containerById, ...(swarm ? { swarm } : {}), ...(snapshot.podmanNetworks ? { podman: true } : {}) };
}

/** `podman`: on Podman, what its own list says (the network's name, its bridge: none when it gave none). */
/**
 * The reference a removal sends (a component of the API path `/networks/<ref>`): on Podman its name
 * (see NetworkModel.removalRef), unless the engine's name could be more than one path component (then
 * the id, as on Docker); never an engine string that could address another endpoint.
 */
function removalRefOf(network: NetworkJson, podmanName: string | undefined): string {
  return podmanName !== undefined && isEngineName(podmanName) ? podmanName : network.Id;
}

function networkModelOf(network: NetworkJson, podman?: Map<string, PodmanNetworkFacts>): NetworkModel {
  const podmanFacts = podman?.get(network.Id);
  return {
    id: network.Id,
    shortId: shortId(network.Id),
    name: podmanFacts?.name ?? network.Name,
    driver: network.Driver ?? '',
    scope: network.Scope ?? 'local',
    predefined: predefinedKind(network),
    internal: Boolean(network.Internal),
    attachable: Boolean(network.Attachable),
    ingress: Boolean(network.Ingress),
    ipv6: Boolean(network.EnableIPv6),
    ipv4: network.EnableIPv4 !== false,
    gatewayModes: {
      ipv4: network.Options?.[GATEWAY_MODE_OPTION[4]] || undefined,
      ipv6: network.Options?.[GATEWAY_MODE_OPTION[6]] || undefined,
    },
    configOnly: Boolean(network.ConfigOnly),
    configFrom: network.ConfigFrom?.Network || undefined,
    created: network.Created,
    ipamDriver: network.IPAM?.Driver ?? 'default',
    subnets: subnetsOf(network),
    options: network.Options ?? {},
    labels: network.Labels ?? {},
    composeProject: network.Labels?.[COMPOSE_PROJECT_LABEL] || undefined,
    bridgeName: podman ? (network.Driver === 'bridge' ? podmanFacts?.bridge : undefined) : bridgeDeviceName(network),
    ...(podmanFacts?.dnsDisabled ? { dnsDisabled: true } : {}),
    removalRef: removalRefOf(network, podman ? podmanFacts?.name ?? network.Name : undefined),
    ...(podmanFacts?.isolated ? { podmanIsolated: true } : {}),
    ...(podmanFacts?.noGateway ? { noHostGateway: true } : {}),
    endpoints: [],
    raw: network,
  };
}

/** Containers without their memberships (attachEndpoints adds them), in the list's order. */
function containerModelsOf(summaries: ContainerSummaryJson[]): ContainerModel[] {
  const nameById = new Map(summaries.map((container) => [container.Id, containerName(container)]));
  const links = legacyLinks(summaries, nameById);
  const resolveContainer = (ref: string): string | undefined => {
    if (nameById.has(ref)) {
      return ref;
    }
    for (const [id, name] of nameById) {
      if (name === ref || id.startsWith(ref)) {
        return id;
      }
    }
    return undefined;
  };
  return summaries.map((container) => {
    const id = container.Id;
    const state = container.State ?? 'unknown';
    const mode = parseNetworkMode(container.HostConfig?.NetworkMode);
    const sharedId = mode.kind === 'container' && mode.target ? resolveContainer(mode.target) : undefined;
    return {
      id,
      shortId: shortId(id),
      name: nameById.get(id)!,
      image: container.Image,
      state,
      running: state === 'running',
      status: container.Status,
      networkMode: mode,
      sharesStackOf: sharedId ? { id: sharedId, name: nameById.get(sharedId)! } : undefined,
      sharedBy: [],
      memberships: [],
      links: links.filter((link) => link.fromId === id),
      labels: container.Labels ?? {},
      composeProject: container.Labels?.[COMPOSE_PROJECT_LABEL] || undefined,
      created: container.Created,
      ...portsOf(container.Ports ?? []),
    };
  });
}

/**
 * Published and exposed ports. Engines list a port published on every address twice (0.0.0.0 and
 * ::): both stay, they are two host bindings; exact repeats are dropped.
 */
function portsOf(ports: PortJson[]): Pick<ContainerModel, 'publishedPorts' | 'exposedPorts'> {
  const published: PublishedPort[] = [];
  const exposed: { port: number; protocol: string }[] = [];
  const seen = new Set<string>();
  for (const port of ports) {
    const protocol = port.Type || 'tcp';
    const key = `${port.IP ?? ''}|${port.PublicPort ?? ''}|${port.PrivatePort}|${protocol}`;
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    if (port.PublicPort) {
      published.push({ hostIp: port.IP || undefined, hostPort: port.PublicPort, containerPort: port.PrivatePort, protocol });
    } else {
      exposed.push({ port: port.PrivatePort, protocol });
    }
  }
  published.sort((a, b) => a.containerPort - b.containerPort || a.hostPort - b.hostPort || (a.hostIp ?? '').localeCompare(b.hostIp ?? ''));
  exposed.sort((a, b) => a.port - b.port);
  return { publishedPorts: published, exposedPorts: exposed };
}

/** `127.0.0.1:18080 → 80/tcp`; an IPv6 host address in brackets; no address means every address. */
export function publishedPortText(port: PublishedPort): string {
  const host = !port.hostIp ? '' : port.hostIp.includes(':') ? `[${port.hostIp}]:` : `${port.hostIp}:`;
  return `${host}${port.hostPort} → ${port.containerPort}/${port.protocol}`;
}

function linkSharedStacks(containers: ContainerModel[], containerById: Map<string, ContainerModel>): void {
  for (const container of containers) {
    if (container.sharesStackOf) {
      containerById.get(container.sharesStackOf.id)?.sharedBy.push({ id: container.id, name: container.name });
    }
  }
}

/** Membership comes from the list call: it is the source of truth for who is on which network. */
function attachEndpoints(summaries: ContainerSummaryJson[], containers: ContainerModel[], networkById: Map<string, NetworkModel>): void {
  const networkByName = new Map([...networkById.values()].map((network) => [network.name, network]));
  summaries.forEach((summary, index) => {
    const container = containers[index];
    for (const [networkName, settings] of Object.entries(summary.NetworkSettings?.Networks ?? {})) {
      const network = (settings.NetworkID && networkById.get(settings.NetworkID)) || networkByName.get(networkName);
      const endpoint = endpointModelOf(container, networkName, settings, network);
      container.memberships.push(endpoint);
      network?.endpoints.push(endpoint);
    }
  });
}

function endpointModelOf(container: ContainerModel, networkName: string, settings: EndpointSettingsJson, network: NetworkModel | undefined): EndpointModel {
  return {
    key: `${network?.id ?? networkName}/${container.id}`,
    networkId: network?.id ?? settings.NetworkID ?? '',
    networkName,
    containerId: container.id,
    containerName: container.name,
    endpointId: settings.EndpointID || undefined,
    ipv4: settings.IPAddress || undefined,
    ipv4PrefixLength: settings.IPAddress ? settings.IPPrefixLen : undefined,
    ipv6: settings.GlobalIPv6Address || undefined,
    ipv6PrefixLength: settings.GlobalIPv6Address ? settings.GlobalIPv6PrefixLen : undefined,
    gateway: settings.Gateway || undefined,
    ipv6Gateway: settings.IPv6Gateway || undefined,
    mac: settings.MacAddress || undefined,
    staticIpv4: settings.IPAMConfig?.IPv4Address || undefined,
    staticIpv6: settings.IPAMConfig?.IPv6Address || undefined,
    gwPriority: typeof settings.GwPriority === 'number' ? settings.GwPriority : undefined,
    running: container.running,
    state: container.state,
    links: network?.predefined === 'bridge' ? container.links : [],
  };
}

/** Containers in `container:<x>` mode have no endpoint of their own: show them where x is. */
function attachBorrowedEndpoints(containers: ContainerModel[], containerById: Map<string, ContainerModel>, networkById: Map<string, NetworkModel>): void {
  for (const container of containers) {
    const owner = container.sharesStackOf ? containerById.get(container.sharesStackOf.id) : undefined;
    for (const ownerEndpoint of owner?.memberships ?? []) {
      networkById.get(ownerEndpoint.networkId)?.endpoints.push({
        ...ownerEndpoint,
        key: `${ownerEndpoint.networkId}/${container.id}`,
        containerId: container.id,
        containerName: container.name,
        running: container.running,
        state: container.state,
        viaContainer: { id: owner!.id, name: owner!.name },
        links: [],
      });
    }
  }
}

function sortInventory(networks: NetworkModel[], containers: ContainerModel[]): void {
  for (const network of networks) {
    network.endpoints.sort((a, b) => compareNames(a.containerName, b.containerName));
  }
  for (const container of containers) {
    container.memberships.sort((a, b) => compareNames(a.networkName, b.networkName));
  }
  networks.sort(compareNetworks);
  containers.sort(byName);
}

const PREDEFINED_ORDER: PredefinedKind[] = ['bridge', 'host', 'none', 'docker_gwbridge', 'ingress'];

/**
 * Whether the user made this network (not one the engine or swarm predefines: bridge, host, none,
 * ingress, docker_gwbridge). Only such a network may be removed or pruned, and only on such a
 * network may the user choose aliases and fixed addresses.
 */
export function isUserDefinedNetwork(network: NetworkModel): boolean {
  return !network.predefined;
}

/** Whether the engine lets this endpoint be disconnected (not host/none, not a borrowed stack). */
export function isDisconnectable(endpoint: EndpointModel, network: NetworkModel | undefined): boolean {
  if (endpoint.viaContainer) {
    return false;
  }
  return network?.predefined !== 'host' && network?.predefined !== 'none';
}

/** Whether a container can be connected to (more) networks: not in host, none or container: mode. */
export function isConnectable(container: ContainerModel): boolean {
  return container.networkMode.kind === 'default' || container.networkMode.kind === 'network';
}

export function cidrOf(address: string | undefined, prefix: number | undefined): string | undefined {
  if (!address) {
    return undefined;
  }
  return prefix !== undefined && prefix > 0 ? `${address}/${prefix}` : address;
}
