/**
 * The Traffic overlay of the topology diagram, as plain data: which drawn node shows which rates,
 * and which drawn link is idle, active or the busiest. The webview only decorates the SVG it already
 * drew with this (it never re-renders Mermaid for a new sample). Pure: the caller passes the words
 * (units, in the UI's language) and the locale.
 */
import { isIdle, totalBytesPerSecond } from './rates';
import type { CounterSource, InterfaceRate } from './types';

/** A link the diagram drew: its two Mermaid nodes and the topology interfaces at its ends. */
export interface DrawnLink {
  from: string;
  to: string;
  /** `TopoInterface.id` of both ends (a folded end stands for its namespace's node). */
  ends: string[];
}

/** What the diagram drew, as the overlay needs it. */
export interface DrawnPlumbing {
  /** Topology interface id -> the Mermaid node it is drawn in. */
  interfaceNodes: Readonly<Record<string, string>>;
  links: readonly DrawnLink[];
}

/** `idle`: no byte either way over the interval (model/traffic/rates.ts isIdle); `busiest`: the most bytes per second of all links. */
export type LinkActivity = 'idle' | 'active' | 'busiest';

export interface NodeOverlay {
  node: string;
  /** One line per interface drawn in the node that moved data (a node with several names each). */
  lines: string[];
}

export interface LinkOverlay {
  from: string;
  to: string;
  activity: LinkActivity;
}

export interface TrafficOverlay {
  nodes: NodeOverlay[];
  links: LinkOverlay[];
  /** The sources the readings came from (the legend names them). */
  sources: CounterSource[];
}

/** The unit words, in the UI's language (French writes bytes as octets: `ko/s`). */
export interface RateUnits {
  /** Bytes per second, by power of 1000: B/s, kB/s, MB/s, GB/s. */
  bytes: readonly [string, string, string, string];
  packets: string;
  drops: string;
  errors: string;
}

export const ENGLISH_RATE_UNITS: RateUnits = { bytes: ['B/s', 'kB/s', 'MB/s', 'GB/s'], packets: 'pkt/s', drops: 'dropped', errors: 'errors' };

function numberFormat(locale: string, digits: number): Intl.NumberFormat {
  let safe = 'en';
  try {
    safe = Intl.getCanonicalLocales(locale)[0] ?? 'en';
  } catch {
    // An unknown language tag: English.
  }
  return new Intl.NumberFormat(safe, { maximumFractionDigits: digits });
}

/** Bytes per second with a decimal prefix, three significant figures at most ("1.5 MB/s", "1,5 Mo/s"). */
export function formatBytesPerSecond(value: number, units: RateUnits, locale: string): string {
  let scaled = Math.max(0, value);
  let step = 0;
  while (scaled >= 999.5 && step < units.bytes.length - 1) {
    scaled /= 1000;
    step++;
  }
  const digits = step === 0 || scaled >= 100 ? 0 : scaled >= 10 ? 1 : 2;
  return `${numberFormat(locale, digits).format(scaled)} ${units.bytes[step]}`;
}

/** Packets per second, whole above 10, one decimal below (a ping a second is "1 pkt/s"). */
export function formatPacketsPerSecond(value: number, units: RateUnits, locale: string): string {
  const rate = Math.max(0, value);
  return `${numberFormat(locale, rate >= 10 ? 0 : 1).format(rate)} ${units.packets}`;
}

/** Whether the interface has something to show: bytes either way, or drops or errors (a drop is news even on an idle link). */
export function hasNews(rate: InterfaceRate): boolean {
  return !isIdle(rate) || rate.drops > 0 || rate.errors > 0;
}

/** `rx 1.2 MB/s 830 pkt/s · tx 3 kB/s 41 pkt/s`, then drops and errors when there were any. */
export function formatRate(rate: InterfaceRate, units: RateUnits, locale: string): string {
  const side = (bytes: number, packets: number) => `${formatBytesPerSecond(bytes, units, locale)} ${formatPacketsPerSecond(packets, units, locale)}`;
  const parts = [`rx ${side(rate.rxBytesPerSecond, rate.rxPacketsPerSecond)}`, `tx ${side(rate.txBytesPerSecond, rate.txPacketsPerSecond)}`];
  const count = numberFormat(locale, 0);
  if (rate.drops > 0) parts.push(`${count.format(rate.drops)} ${units.drops}`);
  if (rate.errors > 0) parts.push(`${count.format(rate.errors)} ${units.errors}`);
  return parts.join(' · ');
}

/**
 * The bytes per second through a link: the busier of its ends, both ways (a veth's ends see the same
 * packets); undefined when neither end was read.
 */
function linkBytes(link: DrawnLink, byInterface: ReadonlyMap<string, InterfaceRate>): number | undefined {
  let best: number | undefined;
  for (const end of link.ends) {
    const rate = byInterface.get(end);
    if (rate) best = Math.max(best ?? 0, totalBytesPerSecond(rate));
  }
  return best;
}

/**
 * The overlay for one sample: each drawn node that holds an interface with traffic gets its rate
 * lines (idle ones get none), each drawn link with a reading at one end at least is `idle`,
 * `active` or `busiest` (all links at the highest byte rate, when it is above zero). A link with no
 * reading at either end (an inferred end) is left out: nothing is known of it.
 */
export function trafficOverlay(plumbing: DrawnPlumbing, rates: readonly InterfaceRate[], units: RateUnits, locale: string): TrafficOverlay {
  const byInterface = new Map<string, InterfaceRate>();
  for (const rate of rates) {
    if (rate.interfaceId) byInterface.set(rate.interfaceId, rate);
  }
  const lines = new Map<string, string[]>();
  const shares = new Map<string, number>();
  for (const [interfaceId] of byInterface) {
    const node = plumbing.interfaceNodes[interfaceId];
    if (node) shares.set(node, (shares.get(node) ?? 0) + 1);
  }
  for (const [interfaceId, rate] of byInterface) {
    const node = plumbing.interfaceNodes[interfaceId];
    if (!node || !hasNews(rate)) continue;
    // A node holding several interfaces (a folded namespace) names each line.
    const text = formatRate(rate, units, locale);
    const list = lines.get(node) ?? [];
    list.push((shares.get(node) ?? 0) > 1 ? `${rate.interface}: ${text}` : text);
    lines.set(node, list);
  }
  const measured = plumbing.links.map((link) => ({ link, bytes: linkBytes(link, byInterface) }));
  const top = Math.max(0, ...measured.map((entry) => entry.bytes ?? 0));
  const links: LinkOverlay[] = [];
  for (const { link, bytes } of measured) {
    if (bytes === undefined) continue;
    const activity: LinkActivity = bytes === 0 ? 'idle' : bytes === top ? 'busiest' : 'active';
    links.push({ from: link.from, to: link.to, activity });
  }
  const sources = [...new Set(rates.map((rate) => rate.source))].sort();
  return { nodes: [...lines].map(([node, text]) => ({ node, lines: text })), links, sources };
}
