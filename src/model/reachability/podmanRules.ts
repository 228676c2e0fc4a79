/**
 * Podman's rules between networks, as seen on Podman 4.3 (CNI backend) and checked against
 * `iptables-save -c` there (test/engine/podmanReach.test.ts):
 *  - Podman does not isolate its bridge networks from each other the way Docker does: the host
 *    routes between them (CNI-FORWARD accepts each container's packets), and the bridge plugin
 *    masquerades them, so B sees them come from its own gateway;
 *  - a network made with `--opt isolate=true` (and every bridge made through the compatible API,
 *    which sets it) is cut off only from other isolated networks: the firewall plugin's
 *    CNI-ISOLATION-STAGE-1 sends `-i <bridge> ! -o <bridge>` to CNI-ISOLATION-STAGE-2, which drops
 *    `-o <isolated bridge>`; an isolated network still reaches, and is reached from, the others;
 *  - an internal network has no gateway: its containers have no route off it ("Network is
 *    unreachable"), and the host has no address on its bridge, so packets for its containers from
 *    elsewhere follow the host's default route off the machine (the doctor does not send them).
 * Pure.
 */
import type { ContainerModel, NetworkModel } from '../inventory';
import type { Blocker, Note } from './types';
import type { EngineCli } from '../engineProduct';

/** What the doctor knows of Podman's host beyond its API. */
export interface PodmanFacts {
  /**
   * The bridges the packet filter isolates (CNI-ISOLATION-STAGE-1 rules), when it was read (local
   * engine, root): Podman 4.3's API may leave `isolate` out, the filter does not.
   */
  isolatedBridges?: string[];
}

export interface PodmanCrossing {
  blockers: Blocker[];
  notes: Note[];
  /** B's addresses A reaches through the host, each on B's network. */
  routed: { address: string; networkId: string }[];
  /** The networks the routed path takes (A's, then B's), for the drawn path. */
  route?: { fromNetworkId: string; toNetworkId: string };
}

interface Sides {
  a: ContainerModel;
  b: ContainerModel;
  /** The names the report gives each side (the owner of a borrowed stack). */
  fromName: string;
  toName: string;
  networkById: Map<string, NetworkModel>;
  facts: PodmanFacts;
  cli: EngineCli;
}

function isolated(network: NetworkModel, facts: PodmanFacts): boolean {
  return Boolean(network.podmanIsolated) || Boolean(network.bridgeName && facts.isolatedBridges?.includes(network.bridgeName));
}

/** Whether `network` gives a container a way off it: a bridge that is not internal and has a gateway. */
function routedFrom(network: NetworkModel): boolean {
  return network.driver === 'bridge' && !network.internal && !network.noHostGateway;
}

function gatewayOf(network: NetworkModel): string | undefined {
  return network.subnets.find((subnet) => subnet.family === 4 && subnet.gateway)?.gateway;
}

/**
 * A and B share no network on Podman: whether the host routes A's packets to B, or which of
 * Podman's rules stops them. Undefined when neither side is on a Podman bridge (the generic rule applies).
 */
export function podmanCrossing(sides: Sides): PodmanCrossing | undefined {
  const networksOf = (container: ContainerModel) =>
    container.memberships.flatMap((endpoint) => {
      const network = sides.networkById.get(endpoint.networkId);
      return network?.driver === 'bridge' ? [{ network, address: endpoint.ipv4 ?? endpoint.ipv6 }] : [];
    });
  const mine = networksOf(sides.a);
  const theirs = networksOf(sides.b);
  if (mine.length === 0 || theirs.length === 0) {
    return undefined;
  }
  const crossing: PodmanCrossing = { blockers: [], notes: [], routed: [] };
  const egress = mine.filter((side) => routedFrom(side.network));
  const ingress = theirs.filter((side) => side.address && !side.network.internal);
  if (egress.length === 0) {
    const network = mine[0]!.network;
    crossing.blockers.push({
      rule: 'internalNoRoute',
      params: { container: sides.fromName, network: network.name },
      fix: { code: 'useNonInternalNetwork', params: { network: network.name, container: sides.fromName } },
      source: 'explained',
    });
    return crossing;
  }
  if (ingress.length === 0) {
    const { network, address } = theirs[0]!;
    crossing.blockers.push({
      rule: 'internalNoHostRoute',
      params: { container: sides.toName, network: network.name, bridge: network.bridgeName ?? '', address: address ?? '' },
      fix: { code: 'connectNetwork', params: { network: network.name, container: sides.a.name }, command: [sides.cli, 'network', 'connect', network.name, sides.a.name] },
      source: 'explained',
    });
    return crossing;
  }
  const open = egress.flatMap((from) => ingress.filter((to) => !(isolated(from.network, sides.facts) && isolated(to.network, sides.facts))).map((to) => ({ from, to })));
  if (open.length === 0) {
    const from = egress[0]!.network;
    const to = ingress[0]!.network;
    crossing.blockers.push({
      rule: 'isolatedNetworks',
      params: { from: sides.fromName, to: sides.toName, fromNetwork: from.name, toNetwork: to.name, fromBridge: from.bridgeName ?? '', toBridge: to.bridgeName ?? '' },
      fix: { code: 'connectNetwork', params: { network: to.name, container: sides.a.name }, command: [sides.cli, 'network', 'connect', to.name, sides.a.name] },
      source: 'explained',
    });
    return crossing;
  }
  for (const { to } of open) {
    crossing.routed.push({ address: to.address!, networkId: to.network.id });
  }
  const { from, to } = open[0]!;
  crossing.route = { fromNetworkId: from.network.id, toNetworkId: to.network.id };
  crossing.notes.push({ code: 'routedBetweenNetworks', params: { from: sides.fromName, to: sides.toName, fromNetwork: from.network.name, toNetwork: to.network.name, address: to.address! } });
  const gateway = gatewayOf(to.network);
  if (gateway) {
    crossing.notes.push({ code: 'masqueradedFromGateway', params: { to: sides.toName, from: sides.fromName, gateway, network: to.network.name } });
  }
  if (!sides.facts.isolatedBridges) {
    crossing.notes.push({ code: 'isolationFromApi', params: { fromNetwork: from.network.name, toNetwork: to.network.name, cli: sides.cli } });
  }
  return crossing;
}

/**
 * An address of B on a Podman network without a gateway, sought from off that network: the host
 * has no route to it and would send the packets off the machine by its default route.
 */
export function offHostAddress(network: NetworkModel | undefined, fromIsOnIt: boolean): boolean {
  return Boolean(network?.noHostGateway) && !fromIsOnIt;
}
