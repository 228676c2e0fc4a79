/**
 * The overview decided once: which diagram a request gets (the overview of the whole host or the
 * full plumbing of its scope), and whether the host namespace alone needs reading for it. The panel,
 * the command line and the collector all ask here, so the rule (overviewApplies) and its exceptions
 * live in one place. Pure.
 */
import { DiagramLabels, DiagramResult, generateMermaid } from './mermaid';
import { ENGLISH_OVERVIEW_LABELS, generateOverview, OverviewLabels, overviewApplies, OverviewReason, overviewReason } from './overview';
import type { Size } from './overviewGrid';
import type { DiagramOptions, Topology, TopologyScope } from './types';

/** `overview` or `full` when asked for by name (the command line's --overview, --full); `auto`: the rule picks. */
export type DiagramView = 'auto' | 'overview' | 'full';

/** What is to be drawn: the scope, the toggles, and how the view was asked for. */
export interface DiagramRequest {
  scope: TopologyScope;
  options: DiagramOptions;
  view?: DiagramView;
  /** The panel's size (px), which the overview is laid out for (DEFAULT_PANEL when not given). */
  panel?: Size;
}

export type DiagramKind = 'overview' | 'full';

/**
 * The diagram a request gets for this topology: the overview when asked for by name, the full
 * plumbing when asked for by name, else the rule (a whole host with more than OVERVIEW_THRESHOLD
 * container namespaces or OVERVIEW_NETWORKS networks, collapsing left automatic).
 */
export function planDiagram(topology: Topology, request: DiagramRequest): DiagramKind {
  switch (request.view) {
    case 'overview':
      return 'overview';
    case 'full':
      return 'full';
    default:
      return overviewApplies(topology, request.scope, request.options) ? 'overview' : 'full';
  }
}

/**
 * Whether reading the host namespace alone is enough: the overview draws networks and containers
 * (from the engine's lists) and each network's gateway (its bridge on the host). Planned on the
 * topology of the engine's lists alone (`listsOnly`, built only when the rule needs it), which
 * counts the same networks and container namespaces as a full read, so a lab-sized host, drawn in
 * full, does not read the host twice. Never with inferred parts hidden: the containers' namespaces,
 * unread, would be inferred and vanish (a full read is drawn instead).
 */
export function readsHostOnly(request: DiagramRequest, listsOnly: () => Topology): boolean {
  if (request.scope.kind !== 'host' || !request.options.showInferred || request.view === 'full') {
    return false;
  }
  if (request.view === 'overview') {
    return true;
  }
  return request.options.collapse === 'auto' && planDiagram(listsOnly(), request) === 'overview';
}

/**
 * The diagram planned for this topology, drawn; an overview the rule chose says why (`reason`: the
 * panel's status line says it), one asked for by name has none.
 */
export function drawDiagram(topology: Topology, request: DiagramRequest, labels: DiagramLabels, overview: OverviewLabels = ENGLISH_OVERVIEW_LABELS): DiagramResult & { kind: DiagramKind; reason?: OverviewReason } {
  const kind = planDiagram(topology, request);
  if (kind === 'full') return { ...generateMermaid(topology, request.scope, request.options, labels), kind };
  const reason = request.view === 'overview' ? undefined : overviewReason(topology, request.scope, request.options);
  return { ...generateOverview(topology, request.options, labels, overview, request.panel), kind, reason };
}
