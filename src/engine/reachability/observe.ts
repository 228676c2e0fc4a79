/**
 * The observation, bounded: resolve the name as A does (its /etc/hosts, then Docker's embedded DNS
 * at 127.0.0.11 when A's resolv.conf points there; never another server), then a few ICMP echoes or
 * one TCP connect, only to B's addresses (and, host -> container, a published port on loopback).
 * Around the probes, the packet filter's counters are read twice (local, root) to name the rule
 * that dropped.
 */
import type { ObservationResult, ProbeResult } from '../../model/reachability/conclude';
import type { Explanation } from '../../model/reachability/explain';
import { CountedRule, droppedBetween, FilterSource, parseIptablesSave, parseNftRuleset } from '../../model/reachability/packetFilter';
import type { CheckOutcome } from '../../model/reachability/types';
import { EngineValueError, isIpAddress } from '../../model/engineValues';
import { systemTool } from '../../probe/systemTools';
import { NamespaceRunner, runFile } from './runners';
import { storyFilter } from '../../model/reachability/packetStory';
import { startStoryCaptures, type StoryCapturePoint, type StoryTools } from './storyCaptures';

const EMBEDDED_DNS = '127.0.0.11';

export interface ObserveOptions {
  /**
   * Read the packet filter's counters around the probes: this machine's (`true`: local engine,
   * root), or the engine host's through a reader (a filter helper on a remote engine).
   */
  readFilter: boolean | (() => Promise<CountedRule[] | undefined>);
  /** Host ports published on loopback for B's container port (host -> container). */
  loopbackPorts?: number[];
  /** Capture the probes' packets on these hops (local engine, root): the packet story. */
  story?: { points: StoryCapturePoint[]; tools: StoryTools };
}

export async function observe(runner: NamespaceRunner, explanation: Explanation, options: ObserveOptions): Promise<ObservationResult> {
  const name = explanation.question.name;
  const resolved = name === undefined ? undefined : await resolveName(runner, name);
  const addresses =
    resolved === undefined
      ? explanation.targets.filter((target) => !target.withheld).map((target) => target.address)
      : resolved.resolved.filter((address) => explanation.targetAddresses.includes(address) && !explanation.targets.some((target) => target.address === address && target.withheld));
  // Withheld (the host has no route there: the packets would leave this machine), and nothing else to send.
  const offHost = addresses.length === 0 && explanation.targets.some((target) => target.withheld);
  // checkReach refused the engine's answer already when one was not an address; never an option here.
  for (const address of addresses) {
    if (!isIpAddress(address)) {
      throw new EngineValueError('an address of the target', address, 'ipAddress');
    }
  }
  const port = explanation.question.port;
  const filter = options.story && options.story.points.length > 0 ? storyFilter(addresses, port) : undefined;
  const captures = filter ? await startStoryCaptures(options.story!.points, filter, options.story!.tools) : undefined;
  const reader = typeof options.readFilter === 'function' ? options.readFilter : options.readFilter ? readFilter : undefined;
  const before = reader ? await reader() : undefined;
  const probes: ProbeResult[] = [];
  for (const address of addresses) {
    probes.push(port === undefined ? await ping(runner, address) : await connect(runner, address, port));
  }
  for (const hostPort of resolved === undefined && port !== undefined ? options.loopbackPorts ?? [] : []) {
    probes.push(await connect(runner, '127.0.0.1', hostPort));
  }
  const after = before && reader ? await reader() : undefined;
  const seen = captures ? await captures.finish() : undefined;
  const drops = before && after ? droppedBetween(before, after, explanation.bridges) : undefined;
  const noTools = probes.length > 0 && probes.every((probe) => probe.outcome === 'skipped');
  return {
    observation: {
      method: runner.method,
      tools: runner.tools,
      reason: noTools ? 'noTools' : offHost ? 'targetOffHost' : addresses.length === 0 && name === undefined ? 'noTargetAddress' : runner.reason,
    },
    name: resolved,
    probes,
    drops,
    seen,
  };
}

/**
 * Every table of the packet filter, IPv4 and IPv6 (root: the tools by absolute path, never through
 * PATH): for each family, the nft backend's and the legacy backend's dumps when both tools are
 * there (Docker uses either), else the system's default `iptables-save`; and the native nftables
 * tables (`nft -j list ruleset`: Docker 29's nftables backend, firewalld) when `nft` is there.
 * Undefined when nothing can be read; a dump that cannot be read is left out.
 */
export async function readFilter(): Promise<CountedRule[] | undefined> {
  const ipv4 = await readFamily('iptables', {});
  const ipv6 = ipv4 ? await readFamily('ip6tables', { family: 'ipv6' }) : undefined;
  const native = await readNftables(ipv4 !== undefined && (await systemTool('iptables-nft-save')) !== undefined);
  if (!ipv4 && !native) {
    return undefined;
  }
  return [...(ipv4 ?? []), ...(ipv6 ?? []), ...(native ?? [])];
}

/** The native nftables rules with counters; iptables-nft's own tables are left to its dump when it was read. */
async function readNftables(iptablesNftRead: boolean): Promise<CountedRule[] | undefined> {
  const nft = await systemTool('nft');
  if (!nft) {
    return undefined;
  }
  const result = await runFile(nft, ['-j', 'list', 'ruleset'], 5_000);
  return result.code === 0 ? parseNftRuleset(result.output, { skipIptablesTables: iptablesNftRead }) : undefined;
}

async function readFamily(command: 'iptables' | 'ip6tables', source: FilterSource): Promise<CountedRule[] | undefined> {
  const nft = await systemTool(`${command}-nft-save`);
  const legacy = await systemTool(`${command}-legacy-save`);
  const dumps: [string, FilterSource][] = nft && legacy ? [[nft, source], [legacy, { ...source, legacy: true }]] : [];
  if (dumps.length === 0) {
    const generic = await systemTool(`${command}-save`);
    if (!generic) return undefined;
    dumps.push([generic, source]);
  }
  const rules: CountedRule[] = [];
  let read = false;
  for (const [tool, tag] of dumps) {
    const result = await runFile(tool, ['-c'], 5_000);
    if (result.code === 0) {
      read = true;
      rules.push(...parseIptablesSave(result.output, tag));
    }
  }
  return read ? rules : undefined;
}

/** Names in a hosts file: `address name name…` lines. */
export function hostsLookup(hosts: string, name: string): string[] {
  return hosts
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim().split(/\s+/))
    .filter((words) => words.length > 1 && words.slice(1).includes(name))
    .map((words) => words[0]);
}

/** The addresses busybox nslookup printed for the name (after the server's own lines). */
export function nslookupAddresses(output: string): string[] {
  const afterName = output.split(/^Name:/m).slice(1).join('\n');
  return [...afterName.matchAll(/^Address(?: \d+)?:\s*([0-9a-fA-F.:]+)\s*$/gm)].map((match) => match[1]);
}

async function resolveName(runner: NamespaceRunner, name: string): Promise<{ name: string; resolved: string[]; detail?: string }> {
  const hosts = await runner.readFile('/etc/hosts');
  const fromHosts = hosts ? hostsLookup(hosts, name) : [];
  if (fromHosts.length > 0) {
    return { name, resolved: fromHosts, detail: '/etc/hosts' };
  }
  const resolvConf = (await runner.readFile('/etc/resolv.conf')) ?? '';
  if (!new RegExp(`^nameserver\\s+${EMBEDDED_DNS.replace(/\./g, '\\.')}\\s*$`, 'm').test(resolvConf)) {
    return { name, resolved: [], detail: 'not in /etc/hosts; resolv.conf does not use the embedded DNS' };
  }
  // busybox nslookup reads no `--`: the name was checked (reachNameIssue: no leading `-`).
  const result = await runner.run('nslookup', [name, EMBEDDED_DNS], 6_000);
  return { name, resolved: result.code === 0 ? nslookupAddresses(result.output) : [], detail: lastLines(result.output) };
}

async function ping(runner: NamespaceRunner, address: string): Promise<ProbeResult> {
  const args = address.includes(':') ? ['-6', '-c', '2', '-W', '1', '--', address] : ['-c', '2', '-W', '1', '--', address];
  const result = await runner.run('ping', args, 5_000);
  const outcome: CheckOutcome = result.missing ? 'skipped' : result.code === 0 ? 'pass' : 'fail';
  return { kind: 'icmp', address, outcome, detail: lastLines(result.output) };
}

async function connect(runner: NamespaceRunner, address: string, port: number): Promise<ProbeResult> {
  const result = await runner.run('nc', ['-w', '2', '--', address, String(port)], 4_000);
  const outcome: CheckOutcome = result.missing ? 'skipped' : result.code === 0 ? 'pass' : /refused/i.test(result.output) ? 'refused' : 'fail';
  return { kind: 'tcp', address, port, outcome, detail: lastLines(result.output) };
}

function lastLines(output: string): string | undefined {
  const lines = output.split('\n').filter((line) => line.trim());
  return lines.length > 0 ? lines.slice(-2).join('\n') : undefined;
}
