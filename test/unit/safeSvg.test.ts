/**
 * "Export SVG" writes only what the host can vouch for (src/topologyPanel/safeSvg.ts): hostile SVGs lose
 * everything executable or fetching, and a real Mermaid export (test/fixtures/mermaid, recorded by
 * scripts/recordExportSvg.mjs from the recorded topology fixture) keeps every element, label and style rule.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { svgDocument } from '../../src/topologyPanel/exportDocuments';
import { isSafeCssValue, safeStylesheet, safeSvg } from '../../src/topologyPanel/safeSvg';

const root = path.join(__dirname, '..', '..', '..');
const realExport = readFileSync(path.join(root, 'test', 'fixtures', 'mermaid', 'topology-export.svg'), 'utf8');
const SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">';
/** What must never be left in the markup of a written SVG (its tags, attributes and stylesheet). */
const EXECUTABLE = /<script|\son[a-z]+\s*=|javascript:|vbscript:|data:|evil\.example|@import|<iframe|<img|<image|<use|<a[\s>]|<animate|<set|expression\(/i;
/** The tags with their attributes, and the stylesheet: not the text, where a label may say "<img onerror=…>" as text. */
const markupOf = (svg: string) => [...(svg.match(/<[^>]*>/g) ?? []), /<style>([\s\S]*?)<\/style>/.exec(svg)?.[1] ?? ''].join('\n');

function clean(inner: string): string {
  const result = safeSvg(`${SVG_OPEN}${inner}</svg>`);
  assert.ok(result !== undefined, 'an <svg> root is kept');
  assert.ok(result.startsWith('<svg'), result);
  assert.doesNotMatch(markupOf(result), EXECUTABLE);
  assert.ok(!/alert|evil/.test(result), result);
  return result;
}

const textOf = (svg: string) => svg.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, '').replace(/&nbsp;|\u00a0/g, ' ');
const elementsOf = (svg: string) => [...svg.matchAll(/<([a-zA-Z][\w:]*)/g)].map((match) => match[1]);
const stylesheetOf = (svg: string) => /<style>([\s\S]*?)<\/style>/.exec(svg)?.[1] ?? '';

describe('the exported SVG is sanitized on the host', () => {
  test('<script> elements go, with their text', () => {
    const result = clean('<script>alert(1)</script><script xlink:href="https://evil.example/x.js"/><g><text>kept</text></g>');
    assert.ok(!result.includes('alert'), result);
    assert.ok(result.includes('<text>kept</text>'), result);
  });

  test('event handler attributes go (onload, onclick, onerror, onmouseover…)', () => {
    const result = safeSvg('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect onclick="alert(2)" onMouseOver="alert(3)" width="4"/></svg>')!;
    assert.doesNotMatch(markupOf(result), EXECUTABLE);
    assert.ok(result.includes('<rect width="4">'), result);
  });

  test('javascript: and data: links go, href and xlink:href alike; links to the document\'s own fragments stay', () => {
    const result = clean(
      '<a href="javascript:alert(1)"><text>a</text></a><a xlink:href="javascript:alert(2)"><text>b</text></a>' +
        '<textPath href="data:text/html,x">c</textPath><textPath xlink:href=" JaVaScRiPt:alert(3)">d</textPath>' +
        '<textPath href="#edge1">e</textPath><textPath xlink:href="#edge2">f</textPath>',
    );
    assert.ok(result.includes('<textPath href="#edge1">e</textPath>') && result.includes('<textPath xlink:href="#edge2">f</textPath>'), result);
    assert.ok(result.includes('<textPath>c</textPath>') && result.includes('<textPath>d</textPath>'), result);
  });

  test('external references go: <use href=external>, <image>, url() in attributes', () => {
    const result = clean(
      '<use href="https://evil.example/sprite.svg#icon"/><use xlink:href="data:image/svg+xml;base64,PHN2Zz4="/>' +
        '<image href="https://evil.example/track.png"/><rect fill="url(https://evil.example/f)" marker-end="url(#arrow)" filter="url(\'#shadow\')"/>',
    );
    assert.ok(result.includes('<rect marker-end="url(#arrow)" filter="url(\'#shadow\')">') || result.includes('marker-end="url(#arrow)"'), result);
    assert.ok(!result.includes('fill='), result);
  });

  test('<foreignObject> keeps its label HTML, not scripts, images, frames or handlers', () => {
    const result = clean(
      '<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script>' +
        '<img src="x" onerror="alert(2)"/><iframe src="javascript:alert(3)"></iframe><object data="https://evil.example/o"></object>' +
        '<span class="nodeLabel"><p>web<br/>10.0.0.2</p></span></div></foreignObject>',
    );
    assert.ok(result.includes('<span class="nodeLabel"><p>web<br />10.0.0.2</p></span>'), result);
  });

  test('<style>: @import, url(javascript:), external url(), escaped url( and expression() go; the rest stays', () => {
    const result = clean(
      '<style>@import url(https://evil.example/a.css);@import "https://evil.example/b.css";' +
        '@font-face{font-family:x;src:url(https://evil.example/f.woff)}' +
        '.a{fill:red;background:url(javascript:alert(1))}.b{background:u\\72l(https://evil.example/)}' +
        '.c{width:expression(alert(2))}.d{background-image:image-set("https://evil.example/i.png" 1x)}' +
        '.e{stroke:url(#ok)}.f>.g{color:blue}@keyframes dash{to{stroke-dashoffset:0}}</style>',
    );
    const css = stylesheetOf(result);
    assert.ok(css.includes('.a{fill:red}') && css.includes('.e{stroke:url(#ok)}') && css.includes('.f&gt;.g{color:blue}') && css.includes('@keyframes dash'), css);
    assert.ok(!/u\\72l|font-face|image-set/.test(css), css);
  });

  test('markup smuggled into <style> as entities does not come back as markup', () => {
    const result = safeSvg(`${SVG_OPEN}<style>.a{fill:red}&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt;</style><style>.b{fill:blue}</style></svg>`)!;
    assert.doesNotMatch(markupOf(result), EXECUTABLE);
    assert.ok(!/<script/i.test(result), result);
    assert.ok(stylesheetOf(result).includes('.b{fill:blue}'), result);
  });

  test('style attributes keep their safe declarations only', () => {
    const result = clean('<g style="fill:blue;background-image:url(\'https://evil.example/i\');stroke:url(#m)"/><g style="behavior:url(x.htc)"/>');
    assert.ok(result.includes('<g style="fill:blue;stroke:url(#m)">'), result);
    assert.ok(result.includes('<g></g>'), result);
  });

  test('what is not an SVG is not written', () => {
    assert.equal(safeSvg('<html><body><script>alert(1)</script></body></html>'), undefined);
    assert.equal(safeSvg(''), undefined);
    assert.equal(safeSvg('<script>alert(1)</script>'), undefined);
  });

  test('the CSS rules on their own', () => {
    assert.equal(isSafeCssValue('url(#topology-gradient)'), true);
    assert.equal(isSafeCssValue('url( "#a" )'), true);
    assert.equal(isSafeCssValue('url(https://evil.example/x)'), false);
    assert.equal(isSafeCssValue('url(//evil.example/x)'), false);
    assert.equal(isSafeCssValue('\\75 rl(x)'), false);
    assert.equal(safeStylesheet('}}}{{{'), '');
  });

  test('a real Mermaid export keeps every element, every label and its whole stylesheet', () => {
    const result = safeSvg(realExport)!;
    assert.ok(result, 'kept');
    assert.doesNotMatch(markupOf(result), EXECUTABLE);
    assert.deepEqual(elementsOf(result), elementsOf(realExport));
    assert.equal(textOf(result), textOf(realExport));
    assert.equal(stylesheetOf(result), stylesheetOf(realExport));
    // A crafted name in the recorded topology stays text: escaped, never markup.
    assert.ok(textOf(realExport).includes('<img src=x onerror=alert(1)>') || textOf(realExport).includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.equal(textOf(result), textOf(realExport));
    // Its nodes' labels (names, addresses, interfaces of the recorded topology) are there.
    for (const label of ['docker0', 'eth0', 'veth']) {
      assert.ok(textOf(result).includes(label), label);
    }
    for (const attribute of ['marker-end="url(#topology_flowchart-v2-pointEnd-margin)"', 'viewBox="0 0 ', 'class="nodeLabel"', 'transform="translate(']) {
      assert.ok(result.includes(attribute), attribute);
    }
    // The written document: the probe level as a comment and <desc>, then the sanitized SVG.
    assert.match(svgDocument(result, 'Probe level: netns'), /^<!-- Probe level: netns -->\n<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*><desc>Probe level: netns<\/desc><style>/);
  });
});
