/**
 * Text that came from an engine, an image or a config, made safe for where it goes. Pure.
 *  - `printable`: no control characters (ESC sequences would drive the terminal, CR would overwrite
 *    what was printed, U+2028/2029 and newlines would forge extra log lines);
 *  - `oneLine`: printable, on one line, and capped (a 10 MB message is not logged whole);
 *  - `shellQuote`/`shellCommand`: a command a user may paste into a POSIX shell, every argument
 *    single-quoted unless it is made of characters no shell interprets.
 */

/** C0 and C1 controls, DEL, and the Unicode line/paragraph separators and bidi overrides. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Removes control characters; keeps tabs and newlines (for multi-line text such as a report). */
export function printable(text: string): string {
  return text.replace(CONTROL, (char) => (char === '\r' ? '' : '\ufffd'));
}

/** Default cap for one logged or displayed value. */
export const ONE_LINE_MAX = 2_000;

/**
 * One printable line of at most `max` characters: newlines and separators become `↵`, other
 * controls `\ufffd`, and a longer text is cut with an ellipsis and the length it had.
 */
export function oneLine(text: string, max = ONE_LINE_MAX): string {
  const flat = text.replace(/\r\n/g, '\n').replace(CONTROL_OR_NEWLINE, (char) => (char === '\n' || char === '\r' || char === '\u2028' || char === '\u2029' ? '↵' : '\ufffd'));
  return flat.length <= max ? flat : `${flat.slice(0, max)}… (${flat.length} characters)`;
}

/** Characters that need no quoting in any POSIX shell. */
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argument as a POSIX shell reads it back: bare when safe, else in single quotes. */
export function shellQuote(argument: string): string {
  const clean = printable(argument).replace(/\n/g, ' ');
  if (clean !== '' && SHELL_SAFE.test(clean)) {
    return clean;
  }
  return `'${clean.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one command line to paste: each argument quoted as needed, joined by spaces. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
