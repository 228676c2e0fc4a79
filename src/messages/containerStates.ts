/**
 * A container's state in words, the same in every list that shows one (the trees, the pickers of
 * Connect, Inspect, Check Connectivity and the topology's scope): running ones say so too, and the
 * engine's `exited` reads "stopped".
 */
import type { Translator } from './translator';

export function containerStateText(state: string, l10n: Translator): string {
  switch (state) {
    case 'running':
      return l10n.t('running');
    case 'exited':
      return l10n.t('stopped');
    case 'created':
      return l10n.t('created');
    case 'paused':
      return l10n.t('paused');
    case 'restarting':
      return l10n.t('restarting');
    case 'removing':
      return l10n.t('removing');
    case 'dead':
      return l10n.t('dead');
    default:
      return state;
  }
}
