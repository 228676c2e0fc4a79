/**
 * `traffic [--network N | --container C] [--interval S] [--format text|json]`: the rate of every
 * interface the diagram draws (in the scope), from two readings `--interval` seconds apart, through
 * the same session, topology source and sampler as the panel's Traffic overlay. JSON is issue 19's
 * contract (TrafficReport); the text is a table with the unread namespaces and failed reads below it.
 */
import { trafficSamplerFor } from '../engine/traffic/sampler';
import { counterSourceName, failedReadSentence, noInterfaceSentence, trafficHeadings, trafficSummary, unreadSentence } from '../messages/trafficMessages';
import { cliLocale, cliTranslator, type Translator } from '../messages/translator';
import { focusTopology } from '../model/topology/scope';
import type { TrafficPlan } from '../model/traffic/plan';
import { trafficReport } from '../model/traffic/rates';
import type { InterfaceRate, TrafficReport } from '../model/traffic/types';
import { TrafficArguments } from './arguments';
import { EngineUnreachable, withCliSession } from './cliSession';
import { scopeOf } from './diagram';

/** Rates keep two decimals in JSON: finer is noise of the clock, coarser hides a slow trickle. */
const round = (value: number) => Math.round(value * 100) / 100;

function ordered(rate: InterfaceRate): InterfaceRate {
  // The contract's order first (container?, namespace, interface, peer?, rates, drops, errors), then source and id.
  return {
    ...(rate.container !== undefined ? { container: rate.container } : {}),
    namespace: rate.namespace,
    interface: rate.interface,
    ...(rate.peer !== undefined ? { peer: rate.peer } : {}),
    rxBytesPerSecond: round(rate.rxBytesPerSecond),
    txBytesPerSecond: round(rate.txBytesPerSecond),
    rxPacketsPerSecond: round(rate.rxPacketsPerSecond),
    txPacketsPerSecond: round(rate.txPacketsPerSecond),
    drops: rate.drops,
    errors: rate.errors,
    source: rate.source,
    ...(rate.interfaceId !== undefined ? { interfaceId: rate.interfaceId } : {}),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads the scope twice, `intervalSeconds` apart; the report, what was not read, and the failed reads. */
export async function measureTraffic(args: TrafficArguments): Promise<{ report: TrafficReport; plan: TrafficPlan; warnings: string[] }> {
  return withCliSession(args, async ({ client, session, inventory, topology }) => {
    const scope = scopeOf(args, inventory);
    const collected = await topology.collect();
    if (!collected) {
      throw new EngineUnreachable('other', 'the engine stopped answering');
    }
    const sampler = trafficSamplerFor(collected, { isLocal: session.isLocal, stats: client }, focusTopology(collected.topology, scope));
    const first = await sampler.sample();
    await sleep(args.intervalSeconds * 1000);
    const second = await sampler.sample();
    const report = trafficReport(first, second);
    return { report: { intervalSeconds: round(report.intervalSeconds), interfaces: report.interfaces.map(ordered) }, plan: sampler.plan, warnings: [...new Set([...(first.warnings ?? []), ...(second.warnings ?? [])])] };
  });
}

export async function runTraffic(args: TrafficArguments): Promise<string> {
  const measured = await measureTraffic(args);
  return args.format === 'json' ? JSON.stringify(measured.report, null, 2) + '\n' : trafficText(measured, cliTranslator(cliLocale()));
}

/** The table: one row per interface, numbers right-aligned; then the summary, the unread namespaces and the failed reads. */
export function trafficText(measured: { report: TrafficReport; plan: TrafficPlan; warnings: string[] }, l10n: Translator): string {
  const { report, plan, warnings } = measured;
  const lines: string[] = [];
  if (report.interfaces.length === 0) {
    lines.push(noInterfaceSentence(l10n));
  } else {
    const h = trafficHeadings(l10n);
    const whole = (value: number) => String(Math.round(value));
    const tenth = (value: number) => value.toFixed(1);
    const rows = [
      [h.namespace, h.interface, h.peer, h.rxBytes, h.txBytes, h.rxPackets, h.txPackets, h.drops, h.errors, h.source],
      ...report.interfaces.map((rate) => [
        rate.namespace,
        rate.interface,
        rate.peer ?? '',
        whole(rate.rxBytesPerSecond),
        whole(rate.txBytesPerSecond),
        tenth(rate.rxPacketsPerSecond),
        tenth(rate.txPacketsPerSecond),
        String(rate.drops),
        String(rate.errors),
        counterSourceName(rate.source, l10n),
      ]),
    ];
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    const numeric = (column: number) => column >= 3 && column <= 8;
    for (const row of rows) {
      lines.push(row.map((cell, column) => (numeric(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ').trimEnd());
    }
    lines.push('', trafficSummary(report.intervalSeconds, report.interfaces.length, l10n));
  }
  for (const entry of plan.unread) {
    lines.push(unreadSentence(entry.namespace, entry.reason, l10n));
  }
  for (const warning of warnings) {
    lines.push(failedReadSentence(warning, l10n));
  }
  return lines.join('\n') + '\n';
}
