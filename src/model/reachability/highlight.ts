/**
 * The connectivity doctor's path on the topology diagram: Mermaid class lines appended to the
 * diagram's text, so the renderer draws the path's nodes with a thick border and the node where
 * it stops in red, dashed. Pure: the ids come from the diagram (interface id -> Mermaid node).
 */
import type { ReachPath } from './types';

export const PATH_CLASS = 'reachPath';
export const STOP_CLASS = 'reachStop';
/** The packet story's hops the probes' packets never reached (captured there: 0). */
export const UNREACHED_CLASS = 'reachUnreached';

/** The Mermaid nodes the path runs through, in order, and the one where it stops (when it does). */
export function pathNodes(path: ReachPath, interfaceNodes: Readonly<Record<string, string>>): { nodes: string[]; stop?: string } {
  const nodes: string[] = [];
  let stop: string | undefined;
  let previous: string | undefined;
  for (const hop of path.hops) {
    if (hop.kind === 'drop') {
      stop = previous;
      break;
    }
    const node = hop.topologyId ? interfaceNodes[hop.topologyId] : undefined;
    if (node && !nodes.includes(node)) {
      nodes.push(node);
    }
    previous = node ?? previous;
  }
  return { nodes: stop ? nodes.filter((node) => node !== stop) : nodes, stop };
}

/** Class lines for the path (none when no hop is drawn in this diagram). */
export function pathHighlightLines(path: ReachPath, interfaceNodes: Readonly<Record<string, string>>): string[] {
  const { nodes, stop } = pathNodes(path, interfaceNodes);
  const lines: string[] = [];
  if (nodes.length > 0) {
    lines.push(`classDef ${PATH_CLASS} stroke:#3794ff,stroke-width:4px`, `class ${nodes.join(',')} ${PATH_CLASS}`);
  }
  if (stop) {
    lines.push(`classDef ${STOP_CLASS} stroke:#f14c4c,stroke-width:4px,stroke-dasharray:6 3`, `class ${stop} ${STOP_CLASS}`);
  }
  const unreached = (path.unreached ?? [])
    .map((hop) => (hop.topologyId ? interfaceNodes[hop.topologyId] : undefined))
    .filter((node): node is string => node !== undefined && node !== stop && !nodes.includes(node));
  if (unreached.length > 0) {
    lines.push(`classDef ${UNREACHED_CLASS} stroke:#888888,stroke-width:2px,stroke-dasharray:2 4,opacity:0.6`, `class ${[...new Set(unreached)].join(',')} ${UNREACHED_CLASS}`);
  }
  return lines;
}
