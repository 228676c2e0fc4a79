/**
 * Engine strings in the trees' Markdown tooltips (no `vscode` here, so plain Node tests render them
 * with the Markdown renderers VS Code uses). An engine string never becomes markup, a link or a
 * line of its own: `md` escapes every Markdown punctuation character, ":" and "@" included, so that
 * no bare URL, www. address or e-mail address is autolinked (GFM autolinks, linkify); `code` puts it
 * in a code span, where nothing is a link.
 */

/** A line break inside an engine string: shown as ↵, so it cannot start a line of its own. */
function oneLine(text: string): string {
  return text.replace(/\r\n|[\r\n\u2028\u2029]/g, '↵');
}

/** Escapes text for a MarkdownString (no HTML, no links, no extra lines from engine data). */
export function md(text: string | undefined): string {
  if (!text) {
    return '';
  }
  return oneLine(text).replace(/[\\`*_{}[\]()#+\-.!|<>&~:@]/g, (char) => `\\${char}`);
}

/**
 * An engine string as a Markdown code span. Backslash escapes do not work inside code spans (they
 * would show), so the text goes in as it is, between backtick fences longer than any backtick run
 * inside it: a backtick in the value cannot close the span. A space pads a value that starts or
 * ends with a backtick or a space (CommonMark strips one from each side).
 */
export function code(text: string | undefined): string {
  if (!text) {
    return '';
  }
  const flat = oneLine(text);
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(flat) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
