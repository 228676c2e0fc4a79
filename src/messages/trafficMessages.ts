/**
 * The words of the traffic report (the command line's `traffic` table; the panel may reuse them):
 * column headings, where each reading came from, why a namespace was not read, a failed read.
 */
import type { UnreadReason } from '../model/traffic/plan';
import type { CounterSource } from '../model/traffic/types';
import type { Translator } from './translator';

export interface TrafficHeadings {
  namespace: string;
  interface: string;
  peer: string;
  rxBytes: string;
  txBytes: string;
  rxPackets: string;
  txPackets: string;
  drops: string;
  errors: string;
  source: string;
}

export function trafficHeadings(l10n: Translator): TrafficHeadings {
  return {
    namespace: l10n.t('NAMESPACE'),
    interface: l10n.t('INTERFACE'),
    peer: l10n.t('PEER'),
    rxBytes: l10n.t('RX B/s'),
    txBytes: l10n.t('TX B/s'),
    rxPackets: l10n.t('RX pkt/s'),
    txPackets: l10n.t('TX pkt/s'),
    drops: l10n.t('DROPS'),
    errors: l10n.t('ERRORS'),
    source: l10n.t('SOURCE'),
  };
}

/** Where a reading came from, in a word or two. */
export function counterSourceName(source: CounterSource, l10n: Translator): string {
  switch (source) {
    case 'sysfs':
      return l10n.t('sysfs');
    case 'procNetDev':
      return l10n.t('procfs');
    case 'netns':
      return l10n.t('ip (root)');
    case 'engineStats':
      return l10n.t('engine stats');
  }
}

export const UNREAD_REASONS: readonly UnreadReason[] = ['stopped', 'otherSwarmNode', 'needsRoot', 'noProcess', 'rootless'];

/** Why a drawn namespace has no counters. */
export function unreadSentence(namespace: string, reason: UnreadReason, l10n: Translator): string {
  switch (reason) {
    case 'stopped':
      return l10n.t('{namespace}: not read (the container is stopped).', { namespace });
    case 'otherSwarmNode':
      return l10n.t('{namespace}: not read (it lives on another swarm node).', { namespace });
    case 'needsRoot':
      return l10n.t('{namespace}: not read (entering this namespace needs root: run as root to read it).', { namespace });
    case 'noProcess':
      return l10n.t('{namespace}: not read (no process or namespace file to read it through).', { namespace });
    case 'rootless':
      return l10n.t('{namespace}: not read (the rootless network namespace belongs to another user).', { namespace });
  }
}

/** The line under the table. */
export function trafficSummary(seconds: number, count: number, l10n: Translator): string {
  return l10n.t('Rates over {seconds} s, {count} interfaces.', { seconds: seconds.toFixed(1), count: String(count) });
}

export function noInterfaceSentence(l10n: Translator): string {
  return l10n.t('No interface to read in this scope (no running container, or nothing observed on this host).');
}

export function failedReadSentence(detail: string, l10n: Translator): string {
  return l10n.t('Could not read: {detail}', { detail });
}
