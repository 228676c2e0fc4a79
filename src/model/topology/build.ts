/**
 * Builds the host topology from the inventory (Engine API) and the host facts (probe). Where the
 * probe saw a namespace, its interfaces are taken as observed; what the probe could not see is
 * inferred from the API by Docker's own rules (bridge names, one veth per bridge endpoint, overlay
 * namespaces `1-<id10>` with br0 and vxlan0, macvlan parents). Pure.
 *
 * The build runs in phases that each produce a value, so no kind or flag is patched afterwards:
 * - identify: what each observed namespace is (a container's sandbox, an overlay, a load balancer…);
 * - collect: the observed interfaces worth drawing, with what Docker's records say about each;
 * - pair: veth ends matched by their reciprocal ifindex;
 * - classify: who made each pair, the networks both ends serve, the kind of an end only pairing recognised;
 * - place: the observed namespaces, interfaces and edges, written into the graph;
 * - infer: Docker's rules for what the probe did not see, then the stopped containers;
 * - order: a stable order, so the same host always gives the same topology.
 *
 * This file runs the phases in order; identify..place live in observed.ts, infer in inferred.ts,
 * and the graph they write into (with the inventory readings both share) in graph.ts.
 */
import type { Inventory, NetworkModel } from '../inventory';
import type { EndpointNamesLookup } from '../endpointNames';
import type { HostFacts, NamespaceKind, SandboxInfo } from './facts';
import type { SwarmNodeTopologies, TopoNamespace, TopoNetwork, Topology } from './types';
import type { SwarmPeersLookup } from '../swarm';
import { withSwarmNodes } from './swarmNodes';
import { TopologyGraph, aliasLookup, hostModeContainers } from './graph';
import { observeHost, placeObserved } from './observed';
import type { Inference } from './inferred';
import { inferFromApi, inferSwarmNamespaces, placeStoppedContainers } from './inferred';
import { slirp4netnsContainers } from './userMode';

export interface TopologyInput {
  inventory: Inventory;
  /** Sandbox key and pid of running containers (from inspect), by container id. */
  sandboxes: Record<string, SandboxInfo>;
  facts: HostFacts;
  /** Aliases of the endpoints whose containers were inspected (kept beside the inventory). */
  endpointNames?: EndpointNamesLookup;
  /** On a swarm manager: the Peers of the swarm networks read so far (the nodes each spans). */
  swarmPeers?: SwarmPeersLookup;
  /** The engine runs rootless (rootless Podman's /info): its bridges are in its rootless network namespace, not on the host. */
  rootless?: boolean;
  /** On a swarm manager: the other nodes' own topologies, read through the engines configured for them (swarmNodes.ts). */
  swarmNodeTopologies?: SwarmNodeTopologies;
}

export function buildTopology(input: TopologyInput): Topology {
  const { inventory, sandboxes, facts } = input;
  const aliasesOf = aliasLookup(input.endpointNames);
  const probed = facts.level !== 'api';
  const networks = inventory.networks.map(topoNetwork);
  const graph = new TopologyGraph(networks, { kind: 'host', containers: hostModeContainers(inventory), source: probed ? 'observed' : 'inferred' });
  const seenOwners = probed ? placeObserved(graph, observeHost(inventory, sandboxes, facts, aliasesOf, input.rootless)) : new Set<string>();
  const inference: Inference = { graph, inventory, apiOnly: !probed, aliasesOf, rootless: input.rootless === true, slirp4netns: slirp4netnsContainers(inventory, sandboxes) };
  inferFromApi(inference, seenOwners);
  inferSwarmNamespaces(inference);
  placeStoppedContainers(graph, inventory);
  return withSwarmNodes(ordered(graph, facts), inventory.swarm, input.swarmPeers, input.swarmNodeTopologies);
}

/** A network as the diagram names it: name, driver, and the macvlan/ipvlan mode. */
function topoNetwork(network: NetworkModel): TopoNetwork {
  const mode = network.driver === 'macvlan' ? network.options.macvlan_mode || 'bridge' : network.driver === 'ipvlan' ? network.options.ipvlan_mode || 'l2' : undefined;
  return { id: network.id, name: network.name, driver: network.driver, ...(mode ? { mode } : {}), anchorInterfaceIds: [] };
}
// ---- order -------------------------------------------------------------------------------------------

const NAMESPACE_RANK: Record<NamespaceKind, number> = { host: 0, overlay: 1, ingress: 2, loadBalancer: 3, rootless: 4, container: 5, named: 6, other: 7 };

function namespaceSortName(ns: TopoNamespace): string {
  return ns.containers[0]?.name ?? ns.name ?? '';
}

/** Everything sorted by kind, name and id, so neither the engine's nor the probe's order shows in the result. */
function ordered(graph: TopologyGraph, facts: HostFacts): Topology {
  const namespaces = [...graph.namespaces.values()];
  for (const ns of namespaces) {
    ns.interfaces.sort((x, y) => x.id.localeCompare(y.id));
    ns.containers.sort((x, y) => (x.via === 'own' ? -1 : y.via === 'own' ? 1 : x.name.localeCompare(y.name)));
  }
  namespaces.sort((x, y) => NAMESPACE_RANK[x.kind] - NAMESPACE_RANK[y.kind] || namespaceSortName(x).localeCompare(namespaceSortName(y)) || x.id.localeCompare(y.id));
  return {
    level: facts.level,
    reason: facts.reason,
    warnings: [...facts.warnings],
    namespaces,
    edges: [...graph.edges.values()].sort((x, y) => x.id.localeCompare(y.id)),
    networks: graph.networks,
  };
}
