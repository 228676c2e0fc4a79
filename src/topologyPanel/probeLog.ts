/**
 * The log line of one topology redraw (what was read, how much of it, how long it took). No
 * `vscode` here: the engine tier checks it on the real host.
 */
import type { Collected } from '../engine/collectTopology';
import { countNamespaces } from '../model/topology/namespaceCount';

export interface ProbeLogFacts {
  /** The panel's probe number. */
  probe: number;
  collected: Pick<Collected, 'inventory' | 'topology' | 'facts'>;
  overview: boolean;
  /** The panel size (px) the overview was laid out for, when the page measured it. */
  laidOutFor?: { width: number; height: number };
  nodeCount: number;
  totalMs: number;
}

export function probeLogLine({ probe, collected, overview, laidOutFor, nodeCount, totalMs }: ProbeLogFacts): string {
  const { facts, topology, inventory } = collected;
  // Namespaces that exist here: a container not running has none (it is drawn from the API alone).
  const count = countNamespaces(topology, inventory);
  const stopped = count.containersNotRunning;
  const notRunning = stopped > 0 ? ` (${stopped} ${stopped === 1 ? 'container' : 'containers'} not running: no namespace)` : '';
  const read = overview ? ', overview: the host namespace only' : '';
  const layout = overview && laidOutFor ? `, laid out for a ${laidOutFor.width} x ${laidOutFor.height} px panel` : '';
  return `topology: probe #${probe}: level ${facts.level} (${facts.reason})${read}${layout}, ${count.onHost} namespaces${notRunning}, ${nodeCount} nodes, probe ${facts.elapsedMs ?? 0} ms, total ${totalMs} ms`;
}
