/**
 * A container's current rates for the trees' tooltips, read when a tooltip is resolved (never by a
 * background timer): its interfaces' counters now (/proc/<pid>/net/dev on a local engine, no root;
 * the Engine API's one-shot stats otherwise), against the reading kept from the last hover when it
 * is recent, else against a second reading a moment later. The rates are kept a short while, so
 * moving between rows does not read again. No `vscode` here (unit-tested on mocked timers).
 */
import { isSafePid } from '../model/engineValues';
import { countersFromEngineStats, type ContainerStatsJson, type CountersByInterface } from '../model/traffic/counters';
import { ratesBetween } from '../model/traffic/rates';
import type { CounterSnapshot, CounterSource, InterfaceRate } from '../model/traffic/types';

/** How a local container's counters are read, by its pid (probe/trafficCounters.ts readProcNetDev). */
export type ProcNetDevReader = (pid: number) => Promise<CountersByInterface>;

export interface ContainerTrafficTarget {
  /** What the readings are kept under (the engine's key and the container's id, with several engines). */
  key: string;
  name: string;
  /** The container's pid (inspection's State.Pid), when the engine is local. */
  pid?: number;
  local: boolean;
  /** The Engine API's one-shot stats of the container (engines that are not local). */
  stats(): Promise<ContainerStatsJson>;
}

/** Between the two readings of a first hover (ms). */
export const SECOND_READING_MS = 500;
/** Rates shown again without reading for this long (ms). */
export const RATES_KEPT_MS = 2_000;
/** A reading this old is too old to make a rate "now" from (ms). */
const READING_STALE_MS = 10_000;

export class ContainerTraffic {
  private readonly readings = new Map<string, CounterSnapshot>();
  private readonly rates = new Map<string, { atMs: number; rates: InterfaceRate[] }>();

  constructor(
    private readonly readProcNetDev: ProcNetDevReader,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The container's rates per interface now (loopback left out); undefined when they cannot be read. */
  async ratesOf(target: ContainerTrafficTarget): Promise<InterfaceRate[] | undefined> {
    const kept = this.rates.get(target.key);
    if (kept && this.now() - kept.atMs < RATES_KEPT_MS) return kept.rates;
    try {
      let previous = this.readings.get(target.key);
      if (!previous || this.now() - previous.atMs > READING_STALE_MS) {
        previous = await this.read(target);
        await new Promise((resolve) => setTimeout(resolve, SECOND_READING_MS));
      }
      const next = await this.read(target);
      this.readings.set(target.key, next);
      const rates = ratesBetween(previous, next).filter((rate) => rate.interface !== 'lo');
      this.rates.set(target.key, { atMs: next.atMs, rates });
      return rates;
    } catch {
      // A container that stopped meanwhile, an engine that went away: the tooltip says nothing of traffic.
      this.readings.delete(target.key);
      return undefined;
    }
  }

  private async read(target: ContainerTrafficTarget): Promise<CounterSnapshot> {
    let counters: CountersByInterface;
    let source: CounterSource;
    if (target.local && isSafePid(target.pid)) {
      counters = await this.readProcNetDev(target.pid);
      source = 'procNetDev';
    } else if (!target.local) {
      counters = countersFromEngineStats(await target.stats());
      source = 'engineStats';
    } else {
      throw new Error('no process to read');
    }
    const atMs = this.now();
    return {
      atMs,
      readings: [...counters].map(([name, found]) => ({ namespace: target.name, interface: name, container: target.name, source, counters: found })),
    };
  }
}
