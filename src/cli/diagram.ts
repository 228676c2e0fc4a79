/**
 * `diagram`: the topology of the engine's networks as Mermaid text or JSON, made by the same
 * pipeline as the panel: a session (without watching events), its inventory, its topology source,
 * and the same plan for the overview (diagramPlan.ts).
 */
import type { Inventory } from '../model/inventory';
import { drawDiagram, type DiagramRequest } from '../model/topology/diagramPlan';
import { filterTopology, focusTopology } from '../model/topology/scope';
import type { TopologyScope } from '../model/topology/types';
import { ENGLISH_LABELS } from '../messages/diagramLabels';
import { DiagramArguments, UsageError } from './arguments';
import { EngineUnreachable, withCliSession } from './cliSession';
import { cliHelperObserver } from './helperObserver';

export async function runDiagram(args: DiagramArguments): Promise<string> {
  return withCliSession(args, async ({ client, inventory, topology }) => {
    // --helper IMAGE: this run's consent to read the engine's host through a helper container there.
    const helper = args.helper !== undefined ? await cliHelperObserver(client, args.helper, (line) => process.stderr.write(`${line}\n`)) : undefined;
    topology.useObserver(helper?.observer);
    const scope = scopeOf(args, inventory);
    // JSON is the whole topology of the scope: every namespace read, no diagram to plan.
    const request: DiagramRequest = { scope, options: args.options, view: args.view };
    const collected = args.format === 'json' ? await topology.collect(args.level) : await topology.collectFor(request, args.level);
    helper?.check();
    if (!collected) {
      throw new EngineUnreachable('other', 'the engine stopped answering');
    }
    if (args.format === 'json') {
      return JSON.stringify(filterTopology(focusTopology(collected.topology, scope), args.options), null, 2) + '\n';
    }
    // The panel's plan: the overview when asked for, or for a large whole host; the full plumbing otherwise.
    return drawDiagram(collected.topology, request, ENGLISH_LABELS).text;
  });
}

/** The scope `--network` or `--container` names (by name or id prefix); the whole host without either. */
export function scopeOf(args: Pick<DiagramArguments, 'network' | 'container'>, inventory: Inventory): TopologyScope {
  if (args.network) {
    const wanted = args.network;
    const network = inventory.networks.find((candidate) => candidate.name === wanted || candidate.id.startsWith(wanted));
    if (!network) {
      throw new UsageError(`there is no network "${wanted}" on this engine (docker network ls lists them).`);
    }
    return { kind: 'network', networkId: network.id };
  }
  if (args.container) {
    const wanted = args.container;
    const container = inventory.containers.find((candidate) => candidate.name === wanted || candidate.id.startsWith(wanted));
    if (!container) {
      throw new UsageError(`there is no container "${wanted}" on this engine (docker ps -a lists them).`);
    }
    return { kind: 'container', containerId: container.id };
  }
  return { kind: 'host' };
}
