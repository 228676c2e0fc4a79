/**
 * The sentences of a capture through a helper container: its refusals (each says what to change),
 * the consent question and its answers. Shared by the extension and the command line; the French
 * is in l10n/fr/captureHelper.json. What a helper capture refuses as any capture does (a spec's
 * value, tcpdump's refusal of the filter) is worded once, by captureMessages.ts.
 */
import type { CaptureSpecIssue } from '../model/capture/spec';
import { captureIssueSentence, filterRefusedSentence } from './captureMessages';
import type { Translator } from './translator';

/** Everything that stops a helper capture before (or while) it runs. */
export type HelperCaptureRefusal =
  | { kind: 'target' }
  | { kind: 'spec'; issue: CaptureSpecIssue }
  | { kind: 'noImage' }
  | { kind: 'imageMissing'; engine: string; image: string }
  | { kind: 'consentNever'; engine: string }
  | { kind: 'filterRefused'; reason: string }
  | { kind: 'lost' }
  | { kind: 'helperFailed'; reason: string };

export const HELPER_IMAGE_SETTING = 'dockerNetworks.capture.helperImage';

export function helperCaptureRefusalMessage(refusal: HelperCaptureRefusal, l10n: Translator): string {
  switch (refusal.kind) {
    case 'target':
      return l10n.t('A helper container captures only in a container\'s network namespace. Capture on a host interface or an engine namespace runs on this machine, as root.');
    case 'spec':
      return captureIssueSentence(refusal.issue, l10n);
    case 'noImage':
      return l10n.t('No helper image is set. Set {0} to an image with tcpdump that the engine already has (nothing is pulled).', HELPER_IMAGE_SETTING);
    case 'imageMissing':
      return l10n.t('The engine {0} has no image {1} (setting {2}). Load or build an image with tcpdump on that engine, or name another one: nothing is pulled.', refusal.engine, refusal.image, HELPER_IMAGE_SETTING);
    case 'consentNever':
      return l10n.t('Helper containers are refused on the engine {0} (you chose Never): nothing was run there. Reset it with the command "Reset Helper Container Consent".', refusal.engine);
    case 'filterRefused':
      return filterRefusedSentence(refusal.reason, l10n);
    case 'lost':
      return l10n.t('The connection to the engine was lost during the capture. The helper container is removed as soon as a capture starts on that engine again.');
    case 'helperFailed':
      return l10n.t('The helper container\'s tcpdump failed: {0}', refusal.reason);
  }
}

/** The consent question: the engine and exactly what will run there. */
export function helperConsentQuestion(engine: string, l10n: Translator): string {
  return l10n.t('Run a capture helper container on the engine {0}?', engine);
}

export function helperConsentDetail(details: { image: string; container: string; capabilities: string; command: string }, l10n: Translator): string {
  return l10n.t(
    'It runs the image {0} joined to the network namespace of {1}, with only the capabilities {2}, as: {3}. It is labelled io.github.dne.helper and removed when the capture ends.',
    details.image,
    details.container,
    details.capabilities,
    details.command,
  );
}

export function helperConsentChoices(l10n: Translator): { once: string; always: string; never: string } {
  return { once: l10n.t('Allow once'), always: l10n.t('Always for this engine'), never: l10n.t('Never') };
}
