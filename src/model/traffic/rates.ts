/**
 * Rates from two counter snapshots, and the few judgements the panel, the trees and the CLI share
 * (idle, busiest). Pure. A reading is matched across snapshots by its identity (namespace, interface,
 * source): an interface that is new, or whose counters went backwards (a container restarted, an
 * interface re-made with the same name), has no rate for that interval rather than a negative one.
 */
import type { CounterReading, CounterSnapshot, InterfaceCounters, InterfaceRate, TrafficReport } from './types';

/** The identity of a reading across snapshots. */
export function readingKey(reading: Pick<CounterReading, 'namespace' | 'interface' | 'source'>): string {
  return `${reading.source}\u0000${reading.namespace}\u0000${reading.interface}`;
}

const FIELDS: ReadonlyArray<keyof InterfaceCounters> = ['rxBytes', 'txBytes', 'rxPackets', 'txPackets', 'rxDropped', 'txDropped', 'rxErrors', 'txErrors'];

/** next - previous, field by field; undefined when any counter went backwards (a reset). */
function difference(previous: InterfaceCounters, next: InterfaceCounters): InterfaceCounters | undefined {
  const delta = {} as InterfaceCounters;
  for (const field of FIELDS) {
    const value = next[field] - previous[field];
    if (!(value >= 0)) {
      return undefined;
    }
    delta[field] = value;
  }
  return delta;
}

/** Per-second rates of every interface read in both snapshots, in `next`'s order. */
export function ratesBetween(previous: CounterSnapshot, next: CounterSnapshot): InterfaceRate[] {
  const seconds = (next.atMs - previous.atMs) / 1000;
  if (!(seconds > 0)) {
    return [];
  }
  const before = new Map(previous.readings.map((reading) => [readingKey(reading), reading.counters]));
  const rates: InterfaceRate[] = [];
  for (const reading of next.readings) {
    const earlier = before.get(readingKey(reading));
    const delta = earlier && difference(earlier, reading.counters);
    if (!delta) {
      continue;
    }
    rates.push({
      ...(reading.interfaceId !== undefined ? { interfaceId: reading.interfaceId } : {}),
      ...(reading.container !== undefined ? { container: reading.container } : {}),
      namespace: reading.namespace,
      interface: reading.interface,
      ...(reading.peer !== undefined ? { peer: reading.peer } : {}),
      source: reading.source,
      rxBytesPerSecond: delta.rxBytes / seconds,
      txBytesPerSecond: delta.txBytes / seconds,
      rxPacketsPerSecond: delta.rxPackets / seconds,
      txPacketsPerSecond: delta.txPackets / seconds,
      drops: delta.rxDropped + delta.txDropped,
      errors: delta.rxErrors + delta.txErrors,
    });
  }
  return rates;
}

/** The report of an interval: what the CLI prints as JSON and the panel receives. */
export function trafficReport(previous: CounterSnapshot, next: CounterSnapshot): TrafficReport {
  return { intervalSeconds: Math.max(0, (next.atMs - previous.atMs) / 1000), interfaces: ratesBetween(previous, next) };
}

/** Bytes per second both ways. */
export function totalBytesPerSecond(rate: InterfaceRate): number {
  return rate.rxBytesPerSecond + rate.txBytesPerSecond;
}

/** No byte either way during the interval (the panel dims it). */
export function isIdle(rate: InterfaceRate): boolean {
  return rate.rxBytesPerSecond === 0 && rate.txBytesPerSecond === 0;
}

/**
 * The busiest interfaces (most bytes per second both ways), at most `limit`, busiest first; idle ones
 * never. Ties keep the report's order, so the same counters always name the same interfaces.
 */
export function busiest(rates: readonly InterfaceRate[], limit = 1): InterfaceRate[] {
  return rates
    .map((rate, index) => ({ rate, index }))
    .filter(({ rate }) => !isIdle(rate))
    .sort((a, b) => totalBytesPerSecond(b.rate) - totalBytesPerSecond(a.rate) || a.index - b.index)
    .slice(0, Math.max(0, limit))
    .map(({ rate }) => rate);
}

/** How the panel marks a drawn interface: no rate (not read, or a reset), idle, active, or the busiest. */
export type TrafficActivity = 'idle' | 'active' | 'busiest';

/**
 * Each drawn interface's activity, by topology interface id (`TopoInterface.id`); interfaces without
 * a rate are absent. `busiestCount` interfaces are marked busiest (the rest of the active ones: active).
 */
export function activityByInterfaceId(rates: readonly InterfaceRate[], busiestCount = 1): Map<string, TrafficActivity> {
  const drawn = rates.filter((rate) => rate.interfaceId !== undefined);
  const top = new Set(busiest(drawn, busiestCount));
  const activity = new Map<string, TrafficActivity>();
  for (const rate of drawn) {
    activity.set(rate.interfaceId!, top.has(rate) ? 'busiest' : isIdle(rate) ? 'idle' : 'active');
  }
  return activity;
}

/** The rates by topology interface id (the panel and the trees look a drawn interface up by it). */
export function ratesByInterfaceId(rates: readonly InterfaceRate[]): Map<string, InterfaceRate> {
  return new Map(rates.filter((rate) => rate.interfaceId !== undefined).map((rate) => [rate.interfaceId!, rate]));
}
