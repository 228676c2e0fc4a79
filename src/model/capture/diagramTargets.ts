/**
 * What a right-click on a diagram node captures on: an interface the diagram drew in the host's
 * own namespace (a bridge, a host-side veth) or in a running container's namespace (its eth0…).
 * Interfaces drawn from the Engine API alone (no name: Docker picks it inside the container),
 * stopped containers, namespaces without a container (overlay, load balancer) and what another swarm
 * node's engine showed offer no capture.
 * Pure: the diagram's interface -> node map and the topology it drew.
 */
import { isInterfaceName } from '../engineValues';
import type { Topology } from '../topology/types';
import type { CaptureTarget } from './types';

/** Mermaid node id -> its capture target, for every drawn interface one can capture on. */
export function diagramCaptureTargets(topology: Topology, interfaceNodes: Readonly<Record<string, string>>): Map<string, CaptureTarget> {
  const targets = new Map<string, CaptureTarget>();
  for (const namespace of topology.namespaces) {
    // Drawn from another swarm node's engine: its containers and interfaces are not this engine's to capture on.
    if (namespace.swarmNode && !namespace.swarmNode.self) {
      continue;
    }
    const owner = namespace.kind === 'container' && !namespace.stopped ? namespace.containers.find((container) => container.running && container.via === 'own') : undefined;
    if (namespace.id !== 'ns:host' && !owner) {
      continue;
    }
    for (const iface of namespace.interfaces) {
      const node = interfaceNodes[iface.id];
      if (!node || !iface.name || iface.source !== 'observed' || !isInterfaceName(iface.name) || iface.kind === 'userMode') {
        continue;
      }
      targets.set(node, owner ? { kind: 'container', containerId: owner.id, containerName: owner.name, interface: iface.name } : { kind: 'hostInterface', interface: iface.name });
    }
  }
  return targets;
}
