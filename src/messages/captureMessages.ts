/**
 * Capture Packets' sentences, once for the command line (`capture`) and the extension (the
 * quick input's validation, the view's end line): a spec issue, why the capture cannot run here,
 * tcpdump's refusal of a filter, and how the capture ended with its counts. French in
 * l10n/fr/capture.json.
 */
import type { CaptureSpecIssue, CaptureUnavailable } from '../model/capture/spec';
import type { CaptureCounts, CaptureEnd } from '../model/capture/types';
import type { Translator } from './translator';

export function captureIssueSentence(issue: CaptureSpecIssue, l10n: Translator): string {
  const p = { value: issue.value };
  switch (issue.code) {
    case 'invalidInterface':
      return issue.value === 'any'
        ? l10n.t('Name one interface of the host: "any" there would capture every container\'s traffic too.')
        : l10n.t('"{value}" is not an interface name: 1 to 15 characters, without "/", ":" or spaces, not "." or "..".', p);
    case 'invalidContainer':
      return l10n.t('"{value}" is not a container name or id.', p);
    case 'invalidNamespace':
      return l10n.t('"{value}" is not a network namespace file of the engine (…/netns/NAME).', p);
    case 'countRange':
      return l10n.t('The packet count must be a whole number from 1 to 10000000 (not {value}).', p);
    case 'durationRange':
      return l10n.t('The duration must be from 1 to 86400 seconds (not {value}).', p);
    case 'filterTooLong':
      return l10n.t('The filter is longer than 2048 characters.');
    case 'filterControl':
      return l10n.t('The filter must be one line, without control characters.');
    case 'filterDash':
      return l10n.t('A filter cannot start with "-": tcpdump would read it as an option.');
    case 'fileNotAbsolute':
      return l10n.t('The capture file must be an absolute path (not {value}).', p);
    case 'fileIsFolder':
      return l10n.t('{value} is a folder: name a file.', p);
  }
}

export function filterRefusedSentence(reason: string, l10n: Translator): string {
  return l10n.t('tcpdump refuses this filter: {reason}', { reason });
}

export function folderNotWritableSentence(folder: string, reason: string, l10n: Translator): string {
  return l10n.t('Cannot write the capture file in {folder}: {reason}', { folder, reason });
}

export function unavailableSentence(reason: CaptureUnavailable, container: string, l10n: Translator): string {
  const p = { container };
  switch (reason) {
    case 'notRoot':
      return l10n.t('Capturing on this machine needs root: tcpdump runs inside the target\'s network namespace. Run VS Code (or the command line) as root.');
    case 'notLocal':
      return l10n.t('This engine is not on this machine (or its socket is neither root\'s nor yours): the host\'s tcpdump cannot reach its network namespaces.');
    case 'notLinux':
      return l10n.t('Capturing with the host\'s tcpdump needs Linux.');
    case 'noTcpdump':
      return l10n.t('tcpdump is not installed in the system folders (Debian: apt-get install tcpdump).');
    case 'noNsenter':
      return l10n.t('nsenter is not installed in the system folders (Debian: apt-get install util-linux).');
    case 'notRunning':
      return l10n.t('{container} is not running: it has no network namespace to capture in.', p);
    case 'namespaceMismatch':
      return l10n.t('The engine\'s answer for {container} does not match a network namespace on this machine: the capture is refused.', p);
  }
}

export function unknownTargetSentence(target: string, l10n: Translator): string {
  return l10n.t('"{target}" is neither a container of this engine nor an interface of this host.', { target });
}

/** The end line: how it ended, then tcpdump's counts (captured, dropped by the kernel). */
export function captureEndSentence(end: CaptureEnd, counts: CaptureCounts | undefined, decoded: number, error: string | undefined, l10n: Translator): string {
  const how = {
    count: () => l10n.t('Ended at its packet limit.'),
    duration: () => l10n.t('Ended at its time limit.'),
    stopped: () => l10n.t('Stopped.'),
    failed: () => l10n.t('The capture failed: {error}', { error: error ?? '?' }),
  }[end]();
  const tally = counts
    ? l10n.t('{captured} packets captured, {dropped} dropped by the kernel.', { captured: String(counts.captured), dropped: String(counts.droppedByKernel) })
    : l10n.t('{decoded} packets decoded (tcpdump gave no counts).', { decoded: String(decoded) });
  return `${how} ${tally}`;
}

export function notPcapSentence(l10n: Translator): string {
  return l10n.t('What tcpdump sent is not a pcap stream: decoding stopped (the file keeps what came).');
}
