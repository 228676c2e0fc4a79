/**
 * How many network namespaces a topology stands for on this host, for the log. The topology also
 * holds what is drawn but does not exist here: a container that is not running (created and never
 * started, or stopped) is drawn from the API alone and has no namespace, and a swarm network's
 * overlay namespace on another node lives on that node. Counting those made a host with 3
 * namespaces and 300 created containers log "303 namespaces". Pure.
 */
import type { Inventory } from '../inventory';
import type { TopoNamespace, Topology } from './types';

export interface NamespaceCount {
  /** Namespaces that exist on this host: its own, running containers', overlay, ingress, load-balancer, `ip netns add`. */
  onHost: number;
  /** Containers that are not running (created or stopped): they have no network namespace. */
  containersNotRunning: number;
}

/** Whether the namespace exists on this host now (not a stopped container's, not another swarm node's). */
export function existsOnHost(ns: TopoNamespace): boolean {
  return !ns.stopped && (ns.swarmNode === undefined || ns.swarmNode.self);
}

export function countNamespaces(topology: Topology, inventory: Inventory): NamespaceCount {
  return {
    onHost: topology.namespaces.filter(existsOnHost).length,
    containersNotRunning: inventory.containers.filter((container) => !container.running).length,
  };
}
