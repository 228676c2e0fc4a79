/**
 * The shapes the observed phases pass between them (observed.ts, observedRootless.ts): the
 * networks by the names of their host-side parts, a namespace identified, an interface collected,
 * an edge to place. Pure.
 */
import type { ContainerModel, NetworkModel } from '../inventory';
import type { LinkFact, LinkKind, NamespaceFact, NamespaceKind } from './facts';
import type { NamespaceDetails } from './graph';
import type { TopoEdgeKind, TopoInterface } from './types';

/** Networks by the names Docker gives their host-side parts. */
export interface NetworkIndex {
  byBridgeName: Map<string, NetworkModel>;
  byOverlayNamespace: Map<string, NetworkModel>;
  byLoadBalancerNamespace: Map<string, NetworkModel>;
}

/** A namespace the probe saw, and what it turned out to be. */
export interface IdentifiedNamespace {
  fact: NamespaceFact;
  id: string;
  details: NamespaceDetails;
  /** The container owning it (a sandbox). */
  owner?: ContainerModel;
  /** The overlay network it serves (overlay or load-balancer namespace). */
  network?: NetworkModel;
}

/** An interface the probe saw, with what Docker's records say about it. */
export interface ObservedLink {
  /** `<namespace id>/if:<name>`. */
  id: string;
  namespaceId: string;
  namespaceKind: NamespaceKind;
  link: LinkFact;
  /** The link's kind, or `veth` for an `other` end that pairing recognised. */
  kind: LinkKind;
  /** The peer's or parent's ifindex (for a recognised veth end: its peer's). */
  linkIndex?: number;
  managed: boolean;
  networkIds: string[];
  aliases?: string[];
  containerId?: string;
  /** Networks this interface stands for in the diagram. */
  anchorFor: string[];
  /** The host's uplink: the gateways of the default routes that leave by it. */
  uplinkGateways?: string[];
  /** A user-mode network process (slirp4netns), drawn in the host namespace. */
  userMode?: TopoInterface['userMode'];
}

export interface EdgeSpec {
  kind: TopoEdgeKind;
  from: string;
  to: string;
  managed: boolean;
}

