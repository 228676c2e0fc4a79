/**
 * What the command line says when the engine cannot answer: the same sentences as the views'
 * welcome content (package.nls*.json), without their buttons, in French when the locale is French;
 * a TLS refusal with the extension's sentence for the check that failed (l10n/fr/tls.json, and
 * l10n/fr/hardening-secrets.json for an unreadable certificate file).
 */
import english from '../../package.nls.json';
import french from '../../package.nls.fr.json';
import frenchTls from '../../l10n/fr/tls.json';
import frenchSecrets from '../../l10n/fr/hardening-secrets.json';
import { tlsFailureMessage, Translator } from '../commands/tlsErrorMessages';
import { ConnectionResolutionError } from '../model/connectionResolution';
import { logLine } from '../model/displayHost';
import { classifyUnreachable, UnreachableCause } from '../model/engineErrors';
import { classifyTlsFailure, TlsFailure } from '../model/tlsFailure';

type Messages = Record<string, string>;

export function cliLocale(env: NodeJS.ProcessEnv = process.env): 'fr' | 'en' {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^fr\b|^fr_/i.test(locale) ? 'fr' : 'en';
}

function messages(locale: 'fr' | 'en'): Messages {
  return locale === 'fr' ? { ...(english as Messages), ...(french as Messages) } : (english as Messages);
}

/** The welcome sentence for a cause, without the command links that only make sense in VS Code. */
export function causeSentence(cause: UnreachableCause, locale: 'fr' | 'en'): string {
  const text = messages(locale)[`welcome.unreachable.${cause}`] ?? messages(locale)['welcome.unreachable.other'];
  return text
    .split('\n')
    .filter((line) => !/^\[[^\]]*\]\(command:/.test(line))
    .join(' ')
    .replace(/`/g, '');
}

/** vscode.l10n's formatting ({0}, {1}, …) over the English text or its French translation. */
export function cliTranslator(locale: 'fr' | 'en'): Translator {
  const bundle: Messages = locale === 'fr' ? { ...(frenchTls as Messages), ...(frenchSecrets as Messages) } : {};
  return { t: (message, ...args) => (bundle[message] ?? message).replace(/\{(\d+)\}/g, (_match, index: string) => args[Number(index)] ?? '') };
}

/**
 * One paragraph for an engine that could not be reached (or resolved): the cause's sentence (the
 * failed check's, for TLS), then the raw detail. `reason` and `tls` are the session's
 * classification when there is one.
 */
export function unreachableSentence(error: unknown, locale: 'fr' | 'en', reason?: UnreachableCause, tls?: TlsFailure): string {
  const cause = reason ?? classifyUnreachable(error);
  const detail = error instanceof ConnectionResolutionError ? error.detail : error instanceof Error ? error.message : String(error);
  const failure = tls ?? classifyTlsFailure(error);
  const sentence = failure ? tlsFailureMessage(failure, cliTranslator(locale)) : causeSentence(cause, locale);
  // The engine's own words: hosts masked, on one printable line (no terminal escapes, no forged lines).
  return `${sentence} (${logLine(detail)})`;
}
