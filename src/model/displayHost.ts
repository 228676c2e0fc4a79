/**
 * Host URLs as they may be shown or logged: a password in the user part (tcp://user:secret@h) and
 * the value of a secret-looking query parameter (?token=…, ?access_token=…, ?password=…) become
 * `***`. Works on a bare host and on any text that contains host URLs (error details). Pure.
 */

import { oneLine } from './safeText';

export const MASK = '***';

/** scheme://userinfo@ — the user info ends at the last "@" before the path, query or fragment. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#]*)@/gi;
/** A query parameter whose name says it carries a secret. */
const SECRET_PARAM = /([?&][^=&#\s]*(?:token|password|passwd|pwd|secret|key|auth|sig|signature|credential)[^=&#\s]*=)[^&#\s]*/gi;

export function displayHost(text: string): string {
  return text
    .replace(USERINFO, (_match, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon >= 0 ? `${scheme}${userinfo.slice(0, colon)}:${MASK}@` : `${scheme}${userinfo}@`;
    })
    .replace(SECRET_PARAM, `$1${MASK}`);
}

/** A host as a short label (view header, engine root, quick pick): masked, and a unix socket without its scheme. */
export function shortHost(host: string): string {
  return displayHost(host).replace(/^unix:\/\//, '');
}

/**
 * A text as the log shows it: the hosts in it masked, on one printable line, capped (a newline, CR
 * or U+2028 in an engine's or a page's message cannot forge a log line; a 10 MB message is cut).
 */
export function logLine(text: string, max?: number): string {
  return oneLine(displayHost(text), max);
}
