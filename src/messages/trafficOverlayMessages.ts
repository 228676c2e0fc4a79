/**
 * The Traffic overlay's words, once: the rate units (French writes bytes as octets), the legend of
 * the overlay naming where the counters come from, and the trees' tooltip lines.
 */
import type { RateUnits } from '../model/traffic/overlay';
import type { CounterSource } from '../model/traffic/types';
import type { Translator } from './translator';

/** Rate units in the caller's language. */
export function rateUnits(l10n: Translator): RateUnits {
  return {
    bytes: [l10n.t('B/s'), l10n.t('kB/s'), l10n.t('MB/s'), l10n.t('GB/s')],
    packets: l10n.t('pkt/s'),
    drops: l10n.t('dropped'),
    errors: l10n.t('errors'),
  };
}

/** Where the counters of one source come from, as the legend says it. */
export function counterSourceText(source: CounterSource, l10n: Translator): string {
  switch (source) {
    case 'sysfs':
      return l10n.t('/sys/class/net statistics (host interfaces)');
    case 'procNetDev':
      return l10n.t('/proc net/dev (the host\'s and the containers\' interfaces, no root)');
    case 'netns':
      return l10n.t('ip -s link in the namespace (root)');
    case 'engineStats':
      return l10n.t('from the Engine API (one-shot container stats)');
  }
}

/**
 * The legend under the toolbar while the overlay is on: what it shows, and where the counters of
 * this sample came from (none yet: the first sample is still being read).
 */
export function trafficLegend(sources: readonly CounterSource[], intervalSeconds: number, l10n: Translator): string {
  const what = l10n.t('Traffic: receive (rx) and transmit (tx) rates per interface, sampled every {0} s; idle links dimmed, the busiest emphasised.', intervalSeconds);
  if (sources.length === 0) return `${what} ${l10n.t('Reading the counters…')}`;
  return `${what} ${l10n.t('Counters: {0}.', sources.map((source) => counterSourceText(source, l10n)).join(', '))}`;
}

/** The legend while the overview (one box per network) is drawn: it has no interface to decorate. */
export function trafficOverviewLegend(l10n: Translator): string {
  return l10n.t('Traffic: the overview draws no interface. Open a network or a container to see its traffic.');
}

/** A tree tooltip's traffic line: the rates now, or why there are none. */
export function tooltipTrafficLine(rates: string | undefined, l10n: Translator): string {
  return rates ? l10n.t('Traffic now: {0}', rates) : l10n.t('Traffic now: idle');
}
