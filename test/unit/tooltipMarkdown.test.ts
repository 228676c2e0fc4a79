/**
 * Engine strings in the trees' tooltips never become links: rendered by marked (the renderer of VS
 * Code's hovers, GFM autolinks on) and by markdown-it with linkify, an alias such as
 * "see https://attacker.example/phish" is text, in a code span (aliases, addresses) or escaped (names).
 */
import { strict as assert } from 'node:assert';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { code, md } from '../../src/views/markdownText';

const load = createRequire(__filename);
const marked = load('marked') as { marked: { parse(text: string, options?: { gfm?: boolean; async?: false }): string } };
const MarkdownIt = load('markdown-it') as new (options: { linkify: boolean; html: boolean }) => { render(text: string): string };
const markdownIt = new MarkdownIt({ linkify: true, html: false });

/** Both renderers' HTML for a tooltip line. */
function rendered(markdown: string): string[] {
  return [marked.marked.parse(markdown, { gfm: true, async: false }), markdownIt.render(markdown)];
}

const HOSTILE = [
  'see https://attacker.example/phish',
  'https://attacker.example',
  'http://10.0.0.1:8080/x',
  'www.attacker.example/login',
  'admin@attacker.example',
  'mailto:admin@attacker.example',
  '<https://attacker.example>',
  '[click](https://attacker.example)',
  '![x](https://attacker.example/p.png)',
  'ftp://attacker.example/file',
  'a`b https://attacker.example',
  'line\nhttps://attacker.example',
];

describe('engine strings in tooltips are never links', () => {
  for (const value of HOSTILE) {
    test(`as a code span and escaped: ${JSON.stringify(value)}`, () => {
      for (const markdown of [`Aliases: ${code(value)}, ${code('search')}`, `**${md(value)}** on **${md('net')}**`, md(value)]) {
        for (const html of rendered(markdown)) {
          assert.ok(!/<a[\s>]|<img/i.test(html), `${JSON.stringify(markdown)} -> ${html}`);
        }
      }
    });
  }

  test('the text still reads as written', () => {
    const [viaMarked] = rendered(`**${md('see https://attacker.example/phish')}**`);
    assert.match(viaMarked, /<strong>see https:\/\/attacker\.example\/phish<\/strong>/);
    const [inCode] = rendered(`Aliases: ${code('see https://attacker.example/phish')}`);
    assert.match(inCode, /<code>see https:\/\/attacker\.example\/phish<\/code>/);
  });
});
