/**
 * The SVG that "Export SVG" writes: the page sends what Mermaid drew, and the host writes only what
 * it can vouch for. The page is not trusted (a compromised or confused webview could send anything),
 * so the SVG goes through sanitize-html with an allow-list of the elements and attributes Mermaid's
 * flowcharts use (SVG, and the HTML of its labels inside <foreignObject>), and its stylesheets and
 * style attributes through postcss with an allow-list of at-rules and no fetching:
 *  - no <script>, no event handler (on*), no <a>, <image>, <iframe>, <object>, <use>…: not on the list;
 *  - href and xlink:href only to a fragment of the document itself (#id): no javascript:, data: or
 *    external reference;
 *  - CSS: only @keyframes and @media at-rules (no @import, @font-face, @namespace); url() only to a
 *    fragment (#id); no expression(), image-set(), behavior, -moz-binding; no CSS escape (an escape
 *    could spell any of those);
 *  - the same rule for url() in presentation attributes (fill, marker-end, filter…).
 * No `vscode` here, so plain Node tests can run it.
 */
import postcss from 'postcss';
import sanitizeHtml from 'sanitize-html';

const SVG_TAGS = [
  'svg', 'g', 'defs', 'title', 'desc', 'style', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon',
  'text', 'tspan', 'textPath', 'marker', 'clipPath', 'mask', 'pattern', 'linearGradient', 'radialGradient', 'stop',
  'filter', 'feDropShadow', 'feGaussianBlur', 'feOffset', 'feFlood', 'feComposite', 'feMerge', 'feMergeNode',
  'feBlend', 'feColorMatrix', 'foreignObject', 'switch',
];
/** The HTML Mermaid puts in a label's <foreignObject> (htmlLabels), Markdown labels included. */
const LABEL_HTML_TAGS = ['div', 'span', 'p', 'br', 'b', 'strong', 'i', 'em', 'code', 'small', 'sub', 'sup', 'ul', 'ol', 'li'];

const ATTRIBUTES = [
  'id', 'class', 'style', 'transform', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'rx', 'ry', 'fx', 'fy',
  'width', 'height', 'viewBox', 'preserveAspectRatio', 'd', 'points', 'pathLength',
  'fill', 'fill-opacity', 'fill-rule', 'clip-rule', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-dashoffset',
  'stroke-linecap', 'stroke-linejoin', 'stroke-miterlimit', 'stroke-opacity', 'opacity', 'color', 'visibility', 'display',
  'overflow', 'marker-start', 'marker-mid', 'marker-end', 'refX', 'refY', 'markerWidth', 'markerHeight', 'markerUnits',
  'orient', 'clip-path', 'clipPathUnits', 'mask', 'maskUnits', 'filter', 'filterUnits', 'primitiveUnits', 'patternUnits',
  'patternContentUnits', 'patternTransform', 'gradientUnits', 'gradientTransform', 'spreadMethod', 'offset', 'stop-color',
  'stop-opacity', 'stdDeviation', 'flood-color', 'flood-opacity', 'dx', 'dy', 'in', 'in2', 'result', 'mode', 'operator',
  'k1', 'k2', 'k3', 'k4', 'values', 'type', 'text-anchor', 'dominant-baseline', 'alignment-baseline', 'baseline-shift',
  'font-family', 'font-size', 'font-weight', 'font-style', 'font-variant', 'letter-spacing', 'word-spacing',
  'text-decoration', 'lengthAdjust', 'textLength', 'startOffset', 'xml:space', 'white-space',
  'xmlns', 'xmlns:xlink', 'version', 'role', 'aria-*', 'data-*', 'href', 'xlink:href',
];

/** At-rules a Mermaid stylesheet uses; every other one (@import, @font-face, @namespace…) is removed. */
const AT_RULES = /^(?:-webkit-)?keyframes$|^media$/i;
/** CSS that could fetch or run something, or hide it behind an escape. */
const UNSAFE_CSS = /\\|expression\s*\(|image-set\s*\(|image\s*\(|cross-fade\s*\(|element\s*\(|src\s*\(|javascript:|vbscript:|-moz-binding|behavior\s*:|@import/i;
const URL_FUNCTION = /url\s*\(\s*(['"]?)([^'")]*)/gi;

/** Whether a CSS value or presentation attribute neither fetches nor runs anything: url() only to #fragments. */
export function isSafeCssValue(value: string): boolean {
  if (UNSAFE_CSS.test(value)) {
    return false;
  }
  return [...value.matchAll(URL_FUNCTION)].every((match) => /^#[\w.:-]*$/.test(match[2].trim()));
}

/** A stylesheet with only safe rules and declarations (see the header); '' when it does not parse. */
export function safeStylesheet(css: string): string {
  let root: postcss.Root;
  try {
    root = postcss.parse(css);
  } catch {
    return '';
  }
  root.walkComments((comment) => {
    comment.remove();
  });
  root.walkAtRules((rule) => {
    if (!AT_RULES.test(rule.name) || !isSafeCssValue(rule.params)) {
      rule.remove();
    }
  });
  root.walkDecls((declaration) => {
    if (!isSafeCssValue(declaration.prop) || !isSafeCssValue(declaration.value)) {
      declaration.remove();
    }
  });
  root.walkRules((rule) => {
    if (/[\\<]/.test(rule.selector)) {
      rule.remove();
    }
  });
  return root.toString();
}

/** A style attribute's declarations, each kept only when safe. */
function safeStyleAttribute(style: string): string {
  const css = safeStylesheet(`x{${style}}`);
  const match = /^x\s*\{([\s\S]*)\}\s*$/.exec(css);
  return match ? match[1].trim() : '';
}

/** Attributes after the per-value rules: links to fragments only, url() to fragments only, safe styles. */
function safeAttributes(attributes: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'href' || name === 'xlink:href') {
      if (/^#[\w.:-]+$/.test(value.trim())) {
        kept[name] = value;
      }
    } else if (name === 'style') {
      const style = safeStyleAttribute(value);
      if (style) {
        kept[name] = style;
      }
    } else if (isSafeCssValue(value)) {
      kept[name] = value;
    }
  }
  return kept;
}

function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The SVG the page sent, reduced to what the host can vouch for; undefined when nothing of an
 * <svg> root is left (the page sent something else).
 */
export function safeSvg(svg: string): string | undefined {
  const stylesheets: string[] = [];
  const clean = sanitizeHtml(svg, {
    allowedTags: [...SVG_TAGS, ...LABEL_HTML_TAGS],
    allowedAttributes: { '*': ATTRIBUTES },
    allowedSchemes: [],
    allowedSchemesAppliedToAttributes: ['href', 'xlink:href'],
    allowProtocolRelative: false,
    allowVulnerableTags: true,
    // Not 'style': its text is collected (exclusiveFilter) to be cleaned, then put back.
    nonTextTags: ['script', 'textarea', 'option', 'noscript'],
    selfClosing: ['br'],
    parser: { xmlMode: true, lowerCaseTags: false, lowerCaseAttributeNames: false, decodeEntities: true },
    transformTags: { '*': (tagName, attribs) => ({ tagName, attribs: safeAttributes(attribs) }) },
    // A stylesheet's text is taken out here (its element removed) and put back cleaned below.
    exclusiveFilter: (frame) => {
      if (frame.tag === 'style') {
        stylesheets.push(frame.text);
        return true;
      }
      return false;
    },
    nestingLimit: 200,
  }).trim();
  const open = /^<svg\b[^>]*>/.exec(clean);
  if (!open) {
    return undefined;
  }
  const css = stylesheets.map(safeStylesheet).filter(Boolean).join('\n');
  return css ? `${open[0]}<style>${xmlText(css)}</style>${clean.slice(open[0].length)}` : clean;
}
