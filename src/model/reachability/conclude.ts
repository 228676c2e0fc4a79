/**
 * Explanation + observation -> the report: each check with what was expected and what was seen,
 * the verdicts, the disagreement when there is one (the case a user needs help with), and the
 * blockers only observation can name (a dropping filter rule, a closed port). Pure.
 */
import type { Explanation } from './explain';
import { deleteCommand, tableName } from './packetFilter';
import type { Blocker, Check, CheckOutcome, Disagreement, FilterRule, Observation, ReachPath, ReachReport, Verdict, VerdictValue } from './types';

export interface ProbeResult {
  kind: 'icmp' | 'tcp';
  address: string;
  port?: number;
  outcome: CheckOutcome;
  detail?: string;
}

export interface NameResult {
  name: string;
  /** The addresses the name resolved to inside A (empty: it did not resolve). */
  resolved: string[];
  detail?: string;
}

/** What the observation saw, as the engine layer reports it. */
export interface ObservationResult {
  observation: Observation;
  name?: NameResult;
  probes: ProbeResult[];
  /** Dropping filter rules whose counters grew during the probes; undefined when the filter was not read. */
  drops?: FilterRule[];
  /** The packet story: the probes' packets captured on each hop (by hopKey); undefined when none ran. */
  seen?: ReadonlyMap<string, number>;
}

export const NOT_OBSERVED: ObservationResult = { observation: { method: 'none', reason: 'notRequested' }, probes: [] };

/** `drawPath` draws the path for the final verdict and the dropping rule (see path.ts). */
export function concludeReach(explanation: Explanation, observed: ObservationResult, drawPath: (final: VerdictValue, drop?: FilterRule) => ReachPath): ReachReport {
  const checks = checksOf(explanation, observed);
  const observedVerdict = observedVerdictOf(explanation, observed, checks);
  const verdict: Verdict = { explained: explanation.verdict, observed: observedVerdict, final: observedVerdict ?? explanation.verdict };
  const disagreement = disagreementOf(verdict, checks, observed.drops);
  return {
    question: explanation.question,
    effectiveFrom: explanation.effectiveFrom,
    effectiveTo: explanation.effectiveTo,
    verdict,
    sharedNetworks: explanation.sharedNetworks,
    blockers: [...explanation.blockers, ...observedBlockers(explanation, observed)],
    notes: explanation.notes,
    checks,
    observation: observed.observation,
    disagreement,
    path: drawPath(verdict.final, observed.drops?.[0]),
  };
}

function checksOf(explanation: Explanation, observed: ObservationResult): Check[] {
  const checks: Check[] = [];
  const name = explanation.question.name;
  if (name !== undefined) {
    const result = observed.name;
    const resolvesToTarget = result ? result.resolved.some((address) => explanation.targetAddresses.includes(address)) : false;
    checks.push({ kind: 'dns', target: name, expected: explanation.nameExpected ?? 'fail', observed: result ? (resolvesToTarget ? 'pass' : 'fail') : undefined, resolved: result?.resolved, detail: result?.detail });
  }
  const port = explanation.question.port;
  for (const target of explanation.targets) {
    const kind = port === undefined ? 'icmp' : 'tcp';
    const probe = observed.probes.find((candidate) => candidate.address === target.address && candidate.kind === kind);
    const expected = kind === 'tcp' && target.expected === 'pass' ? 'unknown' : target.expected;
    checks.push({ kind, target: target.address, network: networkName(explanation, target.networkId), port, expected, observed: probe?.outcome, detail: probe?.detail });
  }
  // Probes the explanation did not foresee (a published port on the host's loopback).
  for (const probe of observed.probes.filter((candidate) => !explanation.targets.some((target) => target.address === candidate.address))) {
    checks.push({ kind: probe.kind, target: probe.address, port: probe.port, expected: 'unknown', observed: probe.outcome, detail: probe.detail });
  }
  if (observed.drops) {
    const drop = observed.drops[0];
    // A probe that could not be sent ("Network is unreachable": A has no route to B, as on Docker 28's
    // internal networks) never reached the host's packet filter: not a pass.
    const sent = observed.probes.filter((probe) => probe.kind === 'icmp' || probe.kind === 'tcp');
    const neverLeft = !drop && sent.length > 0 ? sent.find((probe) => probe.outcome === 'fail' && NOT_SENT.test(probe.detail ?? '')) : undefined;
    const neverLeftAll = neverLeft !== undefined && sent.every((probe) => probe.outcome === 'fail' && NOT_SENT.test(probe.detail ?? ''));
    // Every target withheld (no route from the host: Podman's internal networks): nothing crossed the filter.
    const nothingSent = !drop && sent.length === 0 && explanation.targets.length > 0 && explanation.targets.every((target) => target.withheld);
    // Every table was read (raw, mangle, filter; IPv4 and IPv6): "pass" only when no dropping rule on the path counted a packet.
    checks.push({
      kind: 'filter',
      target: drop?.chain ?? 'FORWARD',
      expected: filterExpectation(explanation),
      observed: drop ? 'fail' : neverLeftAll || nothingSent ? 'skipped' : 'pass',
      detail: drop ? `${tableName(drop)}: ${drop.rule}` : neverLeftAll ? neverLeft.detail : undefined,
    });
  }
  return checks;
}

/** What a probe says when the packet could not leave its namespace (no route there). */
const NOT_SENT = /network is unreachable/i;

function networkName(explanation: Explanation, networkId: string | undefined): string | undefined {
  return explanation.sharedNetworks.find((network) => network.networkId === networkId)?.networkName ?? networkId;
}

/** Docker's own filter rules stop these; the others stop before the filter (or not at all). */
const FILTER_RULES = new Set(['noCommonNetwork', 'internalNetwork', 'iccDisabled', 'isolatedNetworks']);

function filterExpectation(explanation: Explanation): Check['expected'] {
  if (explanation.verdict === 'reachable') {
    return 'pass';
  }
  return explanation.blockers.some((blocker) => FILTER_RULES.has(blocker.rule)) && explanation.effectiveFrom.kind === 'container' ? 'fail' : 'unknown';
}

function observedVerdictOf(explanation: Explanation, observed: ObservationResult, checks: Check[]): VerdictValue | undefined {
  if (observed.observation.method === 'none') {
    return undefined;
  }
  const dns = checks.find((check) => check.kind === 'dns');
  if (dns?.observed === 'fail') {
    return 'unreachable';
  }
  const probes = checks.filter((check) => (check.kind === 'icmp' || check.kind === 'tcp') && check.observed !== undefined && check.observed !== 'skipped');
  if (probes.length === 0) {
    return dns?.observed === 'pass' ? undefined : explanation.targetAddresses.length === 0 ? 'unreachable' : undefined;
  }
  return probes.some((check) => check.observed === 'pass') ? 'reachable' : 'unreachable';
}

function disagreementOf(verdict: Verdict, checks: Check[], drops: FilterRule[] | undefined): Disagreement | undefined {
  if (verdict.observed === undefined || verdict.observed === verdict.explained) {
    return undefined;
  }
  const differing = checks.filter(
    (check) => check.observed !== undefined && check.observed !== 'skipped' && ((check.expected === 'pass' && check.observed !== 'pass') || (check.expected === 'fail' && check.observed === 'pass')),
  );
  if (differing.length === 0) {
    return undefined;
  }
  return { explained: verdict.explained, observed: verdict.observed, checks: [...new Set(differing.map((check) => check.kind))], droppedBy: drops?.[0] };
}

function observedBlockers(explanation: Explanation, observed: ObservationResult): Blocker[] {
  const blockers: Blocker[] = [];
  const drop = observed.drops?.[0];
  if (drop && explanation.verdict === 'reachable') {
    blockers.push({
      rule: 'filterDrop',
      params: { table: tableName(drop), chain: drop.chain, rule: drop.rule, packets: String(drop.packets) },
      fix: { code: 'removeFilterRule', params: { table: tableName(drop), chain: drop.chain, rule: drop.rule }, command: deleteCommand(drop) },
      source: 'observed',
    });
  }
  const tcp = observed.probes.filter((probe) => probe.kind === 'tcp');
  const refused = tcp.find((probe) => probe.outcome === 'refused');
  if (refused && !tcp.some((probe) => probe.outcome === 'pass')) {
    blockers.push({
      rule: 'portClosed',
      params: { address: refused.address, port: String(refused.port ?? '') },
      fix: { code: 'startListener', params: { port: String(refused.port ?? '') } },
      source: 'observed',
    });
  }
  return blockers;
}
