/**
 * What the command line says when the engine cannot answer: the same sentences as the views'
 * welcome content (package.nls*.json), without their buttons, in French when the locale is French.
 */
import english from '../../package.nls.json';
import french from '../../package.nls.fr.json';
import { ConnectionResolutionError } from '../model/connectionResolution';
import { displayHost } from '../model/displayHost';
import { classifyUnreachable, UnreachableCause } from '../model/engineErrors';

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

/**
 * One paragraph for an engine that could not be reached (or resolved): the cause's sentence, then
 * the raw detail. `reason` is the session's classification when there is one.
 */
export function unreachableSentence(error: unknown, locale: 'fr' | 'en', reason?: UnreachableCause): string {
  const cause = reason ?? classifyUnreachable(error);
  const detail = error instanceof ConnectionResolutionError ? error.detail : error instanceof Error ? error.message : String(error);
  return `${causeSentence(cause, locale)} (${displayHost(detail)})`;
}
