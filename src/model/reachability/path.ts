/**
 * The path for the diagram: A's interface -> its veth -> the bridge -> B's veth -> B's interface
 * (or to the host), and where it stops. Hops carry the topology's own ids when the topology has
 * the interface (`ns:ctr:<id>/if:eth0`, `ns:host/if:br-<id12>`), and always a name and namespace.
 * Pure.
 */
import type { Inventory } from '../inventory';
import type { TopoInterface, Topology } from '../topology/types';
import type { Explanation } from './explain';
import type { FilterRule, PathHop, ReachPath, ReachSide, RuleCode, VerdictValue } from './types';

const HOST_NS = 'ns:host';

/** Blockers that stop before any packet leaves A (no address, no name, no stack). */
const AT_SOURCE = new Set<RuleCode>(['internalNoRoute', 'sourceNoneMode', 'sourceStopped', 'sourceHostMode', 'hostHasNoContainerNames', 'targetHostMode', 'nameUnknown', 'aliasOnOtherNetwork', 'noNamesOnDefaultBridge', 'noDnsOnNetwork', 'linkOtherSideOnly', 'targetSharesStack', 'targetNoneMode']);

export interface PathInput {
  inventory: Inventory;
  topology?: Topology;
  explanation: Explanation;
  final: VerdictValue;
  drop?: FilterRule;
}

interface Finder {
  topology?: Topology;
  inventory: Inventory;
}

export function reachPath(input: PathInput): ReachPath {
  const { explanation } = input;
  const finder: Finder = { topology: input.topology, inventory: input.inventory };
  const networkId = chosenNetwork(input);
  const inCommon = explanation.sharedNetworks.some((network) => network.networkId === networkId);
  // No network in common but routed through the host (Podman): the networks the packets leave and reach by.
  const toNetwork = inCommon ? networkId : (explanation.route?.toNetworkId ?? firstNetwork(input.inventory, explanation.effectiveTo));
  const fromNetwork = inCommon ? networkId : (explanation.route?.fromNetworkId ?? firstNetwork(input.inventory, explanation.effectiveFrom));
  const source = sideHops(finder, explanation.effectiveFrom, fromNetwork);
  const target = sideHops(finder, explanation.effectiveTo, toNetwork).reverse();
  const sameBridge = fromNetwork !== undefined && fromNetwork === toNetwork;
  const hops = sameBridge ? [...source, ...target.slice(1)] : [...source, { kind: 'host', name: 'host', namespace: HOST_NS } as PathHop, ...target];
  const stop = stopOf(input);
  if (input.final === 'reachable' || !stop) {
    return { hops: dedupeHost(hops), networkId: sameBridge ? fromNetwork : undefined };
  }
  const at = stop.atSource ? Math.min(1, source.length) : stop.afterSourceBridge ? source.length + (sameBridge ? 0 : 1) : hops.length - 1;
  const kept = dedupeHost(hops.slice(0, at));
  const drop: PathHop = { kind: 'drop', rule: input.drop, blocker: stop.rule, networkId: fromNetwork };
  return { hops: [...kept, drop], networkId: sameBridge ? fromNetwork : undefined, dropAt: kept.length };
}

function dedupeHost(hops: PathHop[]): PathHop[] {
  return hops.filter((hop, index) => !(hop.kind === 'host' && hops[index - 1]?.kind === 'host'));
}

function chosenNetwork(input: PathInput): string | undefined {
  const shared = input.explanation.sharedNetworks;
  return (shared.find((network) => network.usable) ?? shared[0])?.networkId;
}

function firstNetwork(inventory: Inventory, side: ReachSide): string | undefined {
  return side.kind === 'container' ? inventory.containerById.get(side.id)?.memberships[0]?.networkId : undefined;
}

function stopOf(input: PathInput): { rule?: RuleCode; atSource: boolean; afterSourceBridge: boolean } | undefined {
  const blocker = input.explanation.blockers[0];
  if (input.drop) {
    return { rule: blocker?.rule ?? 'filterDrop', atSource: false, afterSourceBridge: true };
  }
  if (!blocker) {
    return { rule: undefined, atSource: false, afterSourceBridge: false };
  }
  if (AT_SOURCE.has(blocker.rule)) {
    return { rule: blocker.rule, atSource: true, afterSourceBridge: false };
  }
  return { rule: blocker.rule, atSource: false, afterSourceBridge: blocker.rule !== 'targetStopped' && blocker.rule !== 'macvlanParent' };
}

/** A side's hops from its interface outwards: interface, host veth, bridge (or the host alone). */
function sideHops(finder: Finder, side: ReachSide, networkId: string | undefined): PathHop[] {
  const network = networkId ? finder.inventory.networkById.get(networkId) : undefined;
  if (side.kind === 'host') {
    const hops: PathHop[] = [{ kind: 'host', name: 'host', namespace: HOST_NS }];
    if (network?.bridgeName) {
      hops.push(bridgeHop(finder, network.bridgeName, networkId));
    }
    return hops;
  }
  const namespace = `ns:ctr:${side.id}`;
  const own = finder.topology?.namespaces.find((ns) => ns.id === namespace)?.interfaces.find((iface) => networkId !== undefined && iface.networkIds.includes(networkId));
  const hops: PathHop[] = [{ kind: 'interface', name: own?.name, namespace, topologyId: own?.id, networkId }];
  const peer = own ? peerOf(finder, own.id, 'veth') : undefined;
  if (peer) {
    hops.push({ kind: 'veth', name: peer.name, namespace: peer.namespaceId, topologyId: peer.id, networkId });
  } else if (network?.driver === 'bridge') {
    hops.push({ kind: 'veth', namespace: HOST_NS, networkId });
  }
  const bridge = peer ? peerOf(finder, peer.id, 'bridgePort') : undefined;
  if (bridge) {
    hops.push({ kind: 'bridge', name: bridge.name, namespace: bridge.namespaceId, topologyId: bridge.id, networkId });
  } else if (network?.bridgeName) {
    hops.push(bridgeHop(finder, network.bridgeName, networkId));
  } else if (own && (network?.driver === 'macvlan' || network?.driver === 'ipvlan')) {
    const parent = peerOf(finder, own.id, 'parent');
    hops.push({ kind: 'host', name: parent?.name ?? network.options.parent, namespace: HOST_NS, topologyId: parent?.id, networkId });
  }
  return hops;
}

function bridgeHop(finder: Finder, bridgeName: string, networkId: string | undefined): PathHop {
  const id = `${HOST_NS}/if:${bridgeName}`;
  const known = interfaceById(finder, id);
  return { kind: 'bridge', name: bridgeName, namespace: HOST_NS, topologyId: known ? id : undefined, networkId };
}

function interfaceById(finder: Finder, id: string): TopoInterface | undefined {
  for (const ns of finder.topology?.namespaces ?? []) {
    const found = ns.interfaces.find((iface) => iface.id === id);
    if (found) {
      return found;
    }
  }
  return undefined;
}

function peerOf(finder: Finder, interfaceId: string, kind: 'veth' | 'bridgePort' | 'parent'): TopoInterface | undefined {
  const edge = finder.topology?.edges.find((candidate) => candidate.kind === kind && (candidate.from === interfaceId || candidate.to === interfaceId));
  return edge ? interfaceById(finder, edge.from === interfaceId ? edge.to : edge.from) : undefined;
}
