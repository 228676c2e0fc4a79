/**
 * A swarm network across its nodes, for a topology read on a manager: each node's overlay
 * namespace `1-<id10>` (br0, vxlan0 with the network's VNI) and the VXLAN tunnels between the
 * nodes' addresses (VNI, udp/<data path port>).
 *
 * - The node the engine runs on keeps what the build already placed (observed when the probe
 *   entered the namespace), under the ids the diagram and the doctor already use.
 * - A node whose own topology is given (read through the engine configured for that node, by its
 *   observer or its probe) brings its overlay namespace as it was seen there: br0, vxlan0 and
 *   what is plugged into br0 (the task containers' and load balancer's namespaces with their veth
 *   pairs), every id suffixed `@<node id>` so two nodes never share one, every part keeping the
 *   source it has on that node.
 * - Any other node is inferred from the swarm lists, and its namespace says why
 *   (`swarmNode.inferredBecause`): no engine is configured for it, its engine did not answer, or
 *   its engine answered without that overlay namespace.
 *
 * A tunnel is observed when the vxlan0 at both of its ends is. Pure; a topology without a swarm
 * manager is returned as it is.
 */
import type { SwarmModel, SwarmNetworkModel, SwarmPeersLookup, SwarmSpan } from '../swarm';
import { networkSpans } from '../swarm';
import type { SwarmNodeInferredReason, SwarmNodeTopologies, TopoEdge, TopoInterface, TopoNamespace, Topology, TopoSwarmNode } from './types';

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

/** The tunnels of one network: one between each two nodes it spans (VXLAN is a full mesh); observed when both vxlan0 are. */
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
        source: from.source === 'observed' && to.source === 'observed' ? 'observed' : 'inferred',
        managed: true,
        tunnel: { addresses: [a.swarmNode.address, b.swarmNode.address], vni: network.vni, port },
      });
    }
  }
  return edges;
}

/**
 * What one remote node's own topology brings in, gathered over the networks it spans: namespaces
 * by their new id (a task on two overlays is one namespace with an end on each), and edges.
 */
class NodeCopy {
  readonly namespaces = new Map<string, TopoNamespace>();
  readonly edges = new Map<string, TopoEdge>();
  private readonly namespaceOf = new Map<string, TopoNamespace>();
  private readonly interfaceById = new Map<string, TopoInterface>();
  private readonly edgesAt = new Map<string, TopoEdge[]>();

  constructor(
    private readonly source: Topology,
    private readonly node: TopoSwarmNode,
  ) {
    for (const ns of source.namespaces) {
      for (const iface of ns.interfaces) {
        this.namespaceOf.set(iface.id, ns);
        this.interfaceById.set(iface.id, iface);
      }
    }
    for (const edge of source.edges) {
      for (const end of [edge.from, edge.to]) {
        this.edgesAt.set(end, [...(this.edgesAt.get(end) ?? []), edge]);
      }
    }
  }

  private idOf(id: string): string {
    return `${id}@${this.node.id}`;
  }

  /** An interface id on this node: its namespace's new id, then the interface's own part (`/if:br0`). */
  private interfaceIdOf(iface: TopoInterface): string {
    return iface.id.startsWith(iface.namespaceId) ? `${this.idOf(iface.namespaceId)}${iface.id.slice(iface.namespaceId.length)}` : this.idOf(iface.id);
  }

  private place(ns: TopoNamespace, interfaces: TopoInterface[]): TopoNamespace {
    const id = this.idOf(ns.id);
    const placed = this.namespaces.get(id) ?? { ...ns, id, interfaces: [], containers: ns.containers.map((container) => ({ ...container })), swarmNode: this.node };
    this.namespaces.set(id, placed);
    for (const iface of interfaces) {
      const copyId = this.interfaceIdOf(iface);
      if (!placed.interfaces.some((each) => each.id === copyId)) {
        placed.interfaces.push({ ...iface, id: copyId, namespaceId: id, addresses: [...iface.addresses], networkIds: [...iface.networkIds] });
      }
    }
    placed.interfaces.sort((x, y) => x.id.localeCompare(y.id));
    return placed;
  }

  /**
   * The overlay namespace of `network` on this node with all its interfaces (vxlan0 given the
   * network's VNI), and one hop beyond them: the ends of its veth pairs and the namespaces they are
   * in (the node's host namespace is not drawn here). Undefined when that namespace is not there.
   */
  overlay(network: SwarmNetworkModel): TopoNamespace | undefined {
    const own = this.source.namespaces.find((ns) => ns.id === `ns:overlay:${network.id}`);
    if (!own) {
      return undefined;
    }
    const placed = this.place(own, own.interfaces.map((iface) => (iface.kind === 'vxlan' ? { ...iface, vni: network.vni } : iface)));
    for (const iface of own.interfaces) {
      for (const edge of this.edgesAt.get(iface.id) ?? []) {
        const otherId = edge.from === iface.id ? edge.to : edge.from;
        const other = this.interfaceById.get(otherId);
        const where = this.namespaceOf.get(otherId);
        if (!other || !where || where.kind === 'host') {
          continue;
        }
        if (where.id !== own.id) {
          this.place(where, [other]);
        }
        const from = this.interfaceIdOf(this.interfaceById.get(edge.from)!);
        const to = this.interfaceIdOf(this.interfaceById.get(edge.to)!);
        this.edges.set(this.idOf(edge.id), { ...edge, id: this.idOf(edge.id), from, to });
      }
    }
    return placed;
  }
}

/**
 * The topology with every swarm network drawn across the nodes it spans (see the file comment).
 * `nodeTopologies`: by swarm node id, that node's own topology (built from its own engine's
 * inventory and host facts), or `engineUnreachable` when the engine configured for it gave none.
 */
export function withSwarmNodes(topology: Topology, swarm: SwarmModel | undefined, peers?: SwarmPeersLookup, nodeTopologies?: SwarmNodeTopologies): Topology {
  if (!swarm || swarm.role !== 'manager') {
    return topology;
  }
  const namespaces = [...topology.namespaces];
  const edges = [...topology.edges];
  const copies = new Map<string, NodeCopy>();
  const copyOf = (node: TopoSwarmNode): NodeCopy | SwarmNodeInferredReason => {
    const reading = nodeTopologies?.get(node.id);
    if (reading === undefined) {
      return 'noEngine';
    }
    if (reading === 'engineUnreachable') {
      return reading;
    }
    const copy = copies.get(node.id) ?? new NodeCopy(reading, { ...node, level: reading.level });
    copies.set(node.id, copy);
    return copy;
  };
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
      const copy = node.self ? undefined : copyOf(node);
      const remote = copy instanceof NodeCopy ? copy.overlay(network) : undefined;
      if (remote) {
        placed.push(remote);
        continue;
      }
      const because: SwarmNodeInferredReason | undefined = node.self ? undefined : copy instanceof NodeCopy ? 'notFoundOnNode' : copy;
      const { ns, edge } = inferredNodeNamespace(network, because ? { ...node, inferredBecause: because } : node, gateways);
      namespaces.push(ns);
      edges.push(edge);
      placed.push(ns);
    }
    edges.push(...tunnels(network, placed, swarm.dataPathPort));
  }
  for (const copy of copies.values()) {
    // In a stable order: the nodes as the networks first met them, each node's namespaces by id.
    namespaces.push(...[...copy.namespaces.values()].sort((x, y) => x.id.localeCompare(y.id)));
    edges.push(...[...copy.edges.values()].sort((x, y) => x.id.localeCompare(y.id)));
  }
  return { ...topology, namespaces, edges };
}
