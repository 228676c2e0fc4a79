/**
 * Command-line export of the topology, through the same code as the panel:
 *
 *   npx docker-network-explorer diagram [--network NAME] [--container NAME] [--format mermaid|json]
 *       [--level api|sysfs|netns] [--macs] [--no-ips] [--stopped] [--no-unmanaged] [--no-inferred]
 *       [--no-legend] [--collapse] [--host DOCKER_HOST] [--context NAME]
 *
 * Prints Mermaid text (default) or the topology as JSON on stdout; errors go to stderr with exit 1
 * (2 for a usage error).
 */
import { resolveTarget } from './engine/connection';
import { EngineClient } from './engine/engineClient';
import { EngineSession } from './engine/engineSession';
import type { ProbeLevel } from './model/topology/facts';
import { generateMermaid } from './model/topology/mermaid';
import { filterTopology, focusTopology } from './model/topology/scope';
import { DEFAULT_DIAGRAM_OPTIONS, DiagramOptions, TopologyScope } from './model/topology/types';
import { collectTopology } from './topology/collect';
import { ENGLISH_LABELS } from './topology/englishLabels';

const USAGE = `usage: docker-network-explorer diagram [--network NAME] [--container NAME] [--format mermaid|json]
       [--level api|sysfs|netns] [--macs] [--no-ips] [--stopped] [--no-unmanaged] [--no-inferred]
       [--no-legend] [--collapse] [--host DOCKER_HOST] [--context NAME]`;

class UsageError extends Error {}

export interface CliArguments {
  network?: string;
  container?: string;
  format: 'mermaid' | 'json';
  level?: ProbeLevel;
  host?: string;
  context?: string;
  options: DiagramOptions;
}

export function parseArguments(argv: string[]): CliArguments {
  const [command, ...rest] = argv;
  if (command !== 'diagram') {
    throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
  }
  const parsed: CliArguments = { format: 'mermaid', options: { ...DEFAULT_DIAGRAM_OPTIONS } };
  const value = (index: number, flag: string): string => {
    const next = rest[index + 1];
    if (next === undefined || next.startsWith('--')) {
      throw new UsageError(`${flag} needs a value`);
    }
    return next;
  };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    switch (flag) {
      case '--network':
        parsed.network = value(i++, flag);
        break;
      case '--container':
        parsed.container = value(i++, flag);
        break;
      case '--format': {
        const format = value(i++, flag);
        if (format !== 'mermaid' && format !== 'json') {
          throw new UsageError(`--format must be mermaid or json, not "${format}"`);
        }
        parsed.format = format;
        break;
      }
      case '--level': {
        const level = value(i++, flag);
        if (level !== 'api' && level !== 'sysfs' && level !== 'netns') {
          throw new UsageError(`--level must be api, sysfs or netns, not "${level}"`);
        }
        parsed.level = level;
        break;
      }
      case '--host':
        parsed.host = value(i++, flag);
        break;
      case '--context':
        parsed.context = value(i++, flag);
        break;
      case '--macs':
        parsed.options.showMACs = true;
        break;
      case '--no-ips':
        parsed.options.showIPs = false;
        break;
      case '--stopped':
        parsed.options.showStopped = true;
        break;
      case '--no-unmanaged':
        parsed.options.showUnmanaged = false;
        break;
      case '--no-inferred':
        parsed.options.showInferred = false;
        break;
      case '--no-legend':
        parsed.options.showLegend = false;
        break;
      case '--collapse':
        parsed.options.collapse = true;
        break;
      case '-h':
      case '--help':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown option "${flag}"`);
    }
  }
  return parsed;
}

export async function runCli(argv: string[], out: (text: string) => void): Promise<void> {
  const args = parseArguments(argv);
  const target = resolveTarget(args.host, args.context);
  // The same pipeline as the extension: a session (without watching events) and its inventory.
  const session = new EngineSession(new EngineClient(target, 10_000), { debounceMs: 0, watch: false });
  await session.start();
  const inventory = session.inventory;
  if (!inventory) {
    throw new Error(session.state.kind === 'unreachable' ? session.state.detail : 'the engine did not answer');
  }
  let scope: TopologyScope = { kind: 'host' };
  if (args.network) {
    const network = inventory.networks.find((candidate) => candidate.name === args.network || candidate.id === args.network || candidate.id.startsWith(args.network!));
    if (!network) {
      throw new Error(`no network named "${args.network}"`);
    }
    scope = { kind: 'network', networkId: network.id };
  } else if (args.container) {
    const container = inventory.containers.find((candidate) => candidate.name === args.container || candidate.id.startsWith(args.container!));
    if (!container) {
      throw new Error(`no container named "${args.container}"`);
    }
    scope = { kind: 'container', containerId: container.id };
  }
  const collected = await collectTopology(session, args.level);
  session.dispose();
  if (!collected) {
    throw new Error('the engine stopped answering');
  }
  const { topology } = collected;
  if (args.format === 'json') {
    out(JSON.stringify(filterTopology(focusTopology(topology, scope), args.options), null, 2) + '\n');
  } else {
    out(generateMermaid(topology, scope, args.options, ENGLISH_LABELS).text);
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), (text) => process.stdout.write(text)).catch((error: unknown) => {
    if (error instanceof UsageError) {
      if (error.message) {
        process.stderr.write(`docker-network-explorer: ${error.message}\n`);
      }
      process.stderr.write(`${USAGE}\n`);
      process.exitCode = error.message ? 2 : 0;
      return;
    }
    process.stderr.write(`docker-network-explorer: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
