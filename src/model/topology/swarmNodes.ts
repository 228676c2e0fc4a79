/**
 * A swarm network across its nodes, for a topology read on a manager: each node's overlay
 * namespace `1-<id10>` (br0, vxlan0 with the network's VNI) and the VXLAN tunnels between the
 * nodes' addresses (VNI, udp/<data path port>). The node the engine runs on keeps what the build
 * already placed (observed when the probe entered the namespace); the other nodes are inferred
 * from the swarm lists, as nothing of theirs can be read from here. Pure; a topology without a
 * swarm manager is returned as it is.
 */
import type { SwarmModel, SwarmNetworkModel, SwarmPeersLookup, SwarmSpan } from '../swarm';
import { networkSpans } from '../swarm';
import type { TopoEdge, TopoInterface, TopoNamespace, Topology, TopoSwarmNode } from './types';

function overlayName(networkId: string): string {
  return `1-${networkId.slice(0, 10)}`;
}

function swarmNodeOf(swarm: SwarmModel, span: SwarmSpan): TopoSwarmNode {
  const node = swarm.nodeById.get(span.nodeId);
  return { id: span.nodeId, hostname: node?.hostname ?? span.nodeId.slice(0, 12), address: node?.address, self: Boolean(node?.self) };
}

/** A remote node's overlay namespace, as Docker makes it: br0 (the gateway address) with vxlan0 as its port. */
function inferredNodeNamespace(network: SwarmNetworkModel, node: TopoSwarmNode, gateways: string[]): { ns: TopoNamespace; edge: TopoEdge } {
  const id = node.self ? `ns:overlay:${network.id}` : `ns:overlay:${network.id}@${node.id}`;
  const br0: TopoInterface = { id: `${id}/if:br0`, namespaceId: id, name: 'br0', kind: 'bridge', addresses: gateways, source: 'inferred', managed: true, networkIds: [network.id] };
  const vxlan: TopoInterface = { id: `${id}/if:vxlan0`, namespaceId: id, name: 'vxlan0', kind: 'vxlan', addresses: [], source: 'inferred', managed: true, networkIds: [network.id], vni: network.vni };
  const ns: TopoNamespace = { id, kind: 'overlay', name: overlayName(network.id), networkId: network.id, containers: [], interfaces: [br0, vxlan], source: 'inferred', swarmNode: node };
  return { ns, edge: { id: `bridgePort:${vxlan.id}->${br0.id}`, kind: 'bridgePort', from: vxlan.id, to: br0.id, source: 'inferred', managed: true } };
}

function vxlanOf(ns: TopoNamespace): TopoInterface | undefined {
  return ns.interfaces.find((iface) => iface.kind === 'vxlan');
}

/** The tunnels of one network: one between each two nodes it spans (VXLAN is a full mesh). */
function tunnels(network: SwarmNetworkModel, placed: TopoNamespace[], port: number): TopoEdge[] {
  const edges: TopoEdge[] = [];
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      const [a, b] = [placed[i], placed[j]];
      const [from, to] = [vxlanOf(a), vxlanOf(b)];
      if (!from || !to || !a.swarmNode?.address || !b.swarmNode?.address) {
        continue;
      }
      edges.push({
        id: `vxlanTunnel:${network.id}:${a.swarmNode.id}-${b.swarmNode.id}`,
        kind: 'vxlanTunnel',
        from: from.id,
        to: to.id,
        source: 'inferred',
        managed: true,
        tunnel: { addresses: [a.swarmNode.address, b.swarmNode.address], vni: network.vni, port },
      });
    }
  }
  return edges;
}

/** The topology with every swarm network drawn across the nodes it spans (see the file comment). */
export function withSwarmNodes(topology: Topology, swarm: SwarmModel | undefined, peers?: SwarmPeersLookup): Topology {
  if (!swarm || swarm.role !== 'manager') {
    return topology;
  }
  const namespaces = [...topology.namespaces];
  const edges = [...topology.edges];
  for (const network of swarm.networkById.values()) {
    const spans = network.ingress ? [] : networkSpans(swarm, network.id, peers);
    if (spans.length === 0) {
      continue;
    }
    const gateways = (topology.namespaces.find((ns) => ns.id === `ns:overlay:${network.id}`)?.interfaces.find((iface) => iface.name === 'br0')?.addresses) ?? [];
    const placed: TopoNamespace[] = [];
    for (const span of spans) {
      const node = swarmNodeOf(swarm, span);
      const localIndex = node.self ? namespaces.findIndex((ns) => ns.id === `ns:overlay:${network.id}`) : -1;
      if (localIndex >= 0) {
        // This node's namespace is already there (observed or inferred by the build): name its node and VNI.
        const local = namespaces[localIndex];
        const updated: TopoNamespace = { ...local, swarmNode: node, interfaces: local.interfaces.map((iface) => (iface.kind === 'vxlan' ? { ...iface, vni: network.vni } : iface)) };
        namespaces[localIndex] = updated;
        placed.push(updated);
        continue;
      }
      const { ns, edge } = inferredNodeNamespace(network, node, gateways);
      namespaces.push(ns);
      edges.push(edge);
      placed.push(ns);
    }
    edges.push(...tunnels(network, placed, swarm.dataPathPort));
  }
  return { ...topology, namespaces, edges };
}
