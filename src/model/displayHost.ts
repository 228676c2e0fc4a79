/**
 * Host URLs as they may be shown or logged: a password in the user part (tcp://user:secret@h) and
 * the value of a secret-looking query parameter (?token=…, ?access_token=…, ?password=…) become
 * `***`. Works on a bare host and on any text that contains host URLs (error details). Pure.
 */

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
