import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { parsePanelMessage, parseWebviewMessage, RENDER_ERROR_MAX, REVEAL_ID_MAX, type DiagramMessage, type WebviewToPanel } from '../../src/topologyPanel/protocol';

const TOGGLES = { showIPs: true, showMACs: false, showStopped: false, showUnmanaged: true, showInferred: true };

describe('parseWebviewMessage', () => {
  const valid: WebviewToPanel[] = [
    { type: 'ready' },
    { type: 'setScope', scope: 'host' },
    { type: 'setScope', scope: 'network:0123456789abcdef' },
    { type: 'setScope', scope: 'container:a1b2c3' },
    { type: 'pickScope' },
    { type: 'setToggles', toggles: { showIPs: false } },
    { type: 'setToggles', toggles: { ...TOGGLES } },
    { type: 'refresh' },
    { type: 'reveal', target: { kind: 'network', id: 'abc' } },
    { type: 'reveal', target: { kind: 'container', id: 'def' } },
    { type: 'exportSvg', svg: '<svg></svg>' },
    { type: 'copySource' },
    { type: 'saveMarkdown' },
    { type: 'setTraffic', on: true },
    { type: 'setTraffic', on: false },
    { type: 'rendered', revision: 3, milliseconds: 12, waitedMs: 140, nodeCount: 40 },
    { type: 'viewport', width: 1040, height: 780 },
    { type: 'renderError', revision: 3, message: 'Parse error on line 2' },
    { type: 'renderError', revision: 4, message: 'x'.repeat(RENDER_ERROR_MAX) },
    { type: 'reveal', target: { kind: 'container', id: 'f'.repeat(REVEAL_ID_MAX) } },
  ];
  for (const message of valid) {
    test(`accepts ${JSON.stringify(message)}`, () => {
      assert.deepEqual(parseWebviewMessage(message), message);
    });
  }

  const malformed: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['a string', 'ready'],
    ['a number', 42],
    ['an array', [{ type: 'ready' }]],
    ['no type', { scope: 'host' }],
    ['a type that is not a string', { type: 7 }],
    ['an unknown type', { type: 'deleteEverything' }],
    ['an inherited name as type', { type: 'toString' }],
    ['__proto__ as type', JSON.parse('{"type":"__proto__"}')],
    ['setScope with a number', { type: 'setScope', scope: 42 }],
    ['setScope without scope', { type: 'setScope' }],
    ['pickScope with a scope in it (the host picks, the page only asks)', { type: 'pickScope', scope: 'host' }],
    ['setScope with an unknown kind', { type: 'setScope', scope: 'volume:abc' }],
    ['setScope with an empty id', { type: 'setScope', scope: 'network:' }],
    ['setScope with a crafted id', { type: 'setScope', scope: 'network:x"]; click' }],
    ['reveal without target', { type: 'reveal' }],
    ['reveal with a bad kind', { type: 'reveal', target: { kind: 'volume', id: 'x' } }],
    ['reveal with an empty id', { type: 'reveal', target: { kind: 'network', id: '' } }],
    ['reveal with junk in the target', { type: 'reveal', target: { kind: 'network', id: 'x', evil: true } }],
    ['setToggles with a string', { type: 'setToggles', toggles: 'abc' }],
    ['setToggles with null', { type: 'setToggles', toggles: null }],
    ['setToggles with an array', { type: 'setToggles', toggles: [true] }],
    ['setToggles with nothing in it', { type: 'setToggles', toggles: {} }],
    ['setToggles with an unknown toggle', { type: 'setToggles', toggles: { showEverything: true } }],
    ['setToggles with a non-boolean', { type: 'setToggles', toggles: { showIPs: 'yes' } }],
    ['extra junk on a message', { type: 'ready', junk: 1 }],
    ['setTraffic as text', { type: 'setTraffic', on: 'yes' }],
    ['setTraffic without its state', { type: 'setTraffic' }],
    ['extra junk beside a valid field', { type: 'setScope', scope: 'host', evil: '<script>' }],
    ['exportSvg without svg', { type: 'exportSvg' }],
    ['a viewport of negative width', { type: 'viewport', width: -1, height: 780 }],
    ['a viewport of infinite height', { type: 'viewport', width: 1040, height: Number.POSITIVE_INFINITY }],
    ['a viewport as text', { type: 'viewport', width: '1040', height: 780 }],
    ['a viewport larger than any screen', { type: 'viewport', width: 1e9, height: 780 }],
    ['rendered with a negative count', { type: 'rendered', revision: -1, milliseconds: 1, waitedMs: 0, nodeCount: 1 }],
    ['rendered with NaN', { type: 'rendered', revision: 1, milliseconds: Number.NaN, waitedMs: 0, nodeCount: 1 }],
    ['rendered with a missing field', { type: 'rendered', revision: 1, milliseconds: 1, nodeCount: 1 }],
    ['renderError with an object', { type: 'renderError', revision: 1, message: { text: 'x' } }],
    ['renderError with a 10 MB message', { type: 'renderError', revision: 1, message: 'Parse error\n'.repeat(1_000_000) }],
    ['renderError one character too long', { type: 'renderError', revision: 1, message: 'x'.repeat(RENDER_ERROR_MAX + 1) }],
    ['renderError without the id of the diagram it acknowledges', { type: 'renderError', message: 'Parse error on line 2' }],
    ['renderError with a fractional id', { type: 'renderError', revision: 1.5, message: 'Parse error on line 2' }],
    ['rendered without the id of the diagram it acknowledges', { type: 'rendered', milliseconds: 1, waitedMs: 0, nodeCount: 1 }],
    ['reveal with a target id one character too long', { type: 'reveal', target: { kind: 'network', id: 'a'.repeat(REVEAL_ID_MAX + 1) } }],
    ['reveal with a 1 MB target id', { type: 'reveal', target: { kind: 'container', id: 'a'.repeat(1 << 20) } }],
  ];
  for (const [what, value] of malformed) {
    test(`refuses ${what}`, () => {
      assert.equal(parseWebviewMessage(value), undefined);
    });
  }
});

describe('parsePanelMessage', () => {
  const strings = {
    scope: 'Scope', pickScope: 'Search scopes…', ips: 'IPs', macs: 'MACs', stopped: 'Stopped', unmanaged: 'Unmanaged', inferred: 'Inferred', refresh: 'Refresh',
    exportSvg: 'Export SVG', copySource: 'Copy', saveMarkdown: 'Save', resetView: 'Reset', renderError: 'Could not render',
    panHint: 'Drag to pan', traffic: 'Traffic', trafficHint: 'Show live traffic',
  };
  const diagram: DiagramMessage = {
    type: 'diagram',
    source: 'flowchart LR\n',
    nodeTargets: { n1: { kind: 'container', id: 'abc' } },
    captureNodes: ['n1'],
    scope: 'host',
    scopes: [{ value: 'host', label: 'Whole host' }, { value: 'network:abc', label: 'Network: devops' }],
    toggles: TOGGLES,
    traffic: false,
    levelText: 'Observed',
    kind: 'full',
    laidOutFor: null,
    strings,
    revision: 1,
  };

  const traffic = {
    type: 'traffic',
    on: true,
    sample: 3,
    nodes: [{ node: 'if_eth0_x1', lines: ['rx 1.5 MB/s 1,020 pkt/s · tx 40 kB/s 510 pkt/s'] }],
    links: [{ from: 'if_veth1_a', to: 'if_eth0_x1', activity: 'busiest' }, { from: 'if_veth2_b', to: 'if_br_c', activity: 'idle' }],
    legend: 'Traffic: …',
  };

  test('accepts every message type', () => {
    for (const message of [diagram, traffic, { ...traffic, on: false, nodes: [], links: [], legend: '' }, { ...diagram, kind: 'overview', laidOutFor: { width: 1040, height: 780 } }, { type: 'busy' }, { type: 'notice', message: 'Connecting' }, { type: 'error', message: 'Unreachable' }]) {
      assert.deepEqual(parsePanelMessage(message), message);
    }
  });

  const malformed: [string, unknown][] = [
    ['null', null],
    ['an unknown type', { type: 'eval', code: 'alert(1)' }],
    ['a diagram without source', { ...diagram, source: undefined }],
    ['a diagram with partial toggles', { ...diagram, toggles: { showIPs: true } }],
    ['a diagram with a bad node target', { ...diagram, nodeTargets: { n1: { kind: 'volume', id: 'x' } } }],
    ['a diagram with a capture node that is not an id', { ...diagram, captureNodes: [5] }],
    ['a diagram with a bad scope choice', { ...diagram, scopes: [{ value: 'nowhere', label: 'x' }] }],
    ['a diagram missing a word', { ...diagram, strings: { ...strings, refresh: undefined } }],
    ['a diagram without the search button\'s word', { ...diagram, strings: { ...strings, pickScope: undefined } }],
    ['a diagram laid out for a negative width', { ...diagram, kind: 'overview', laidOutFor: { width: -5, height: 700 } }],
    ['a diagram laid out for a size with junk', { ...diagram, kind: 'overview', laidOutFor: { width: 500, height: 700, html: '<b>' } }],
    ['a diagram of an unknown kind', { ...diagram, kind: 'sketch' }],
    ['a diagram without the pan hint', { ...diagram, strings: { ...strings, panHint: undefined } }],
    ['a diagram with junk', { ...diagram, html: '<img src=x onerror=alert(1)>' }],
    ['a notice without message', { type: 'notice' }],
    ['a diagram without the Traffic state', { ...diagram, traffic: undefined }],
    ['traffic whose node id is markup', { ...traffic, nodes: [{ node: '<img src=x>', lines: ['1 B/s'] }] }],
    ['traffic whose line is not text', { ...traffic, nodes: [{ node: 'n1', lines: [{ html: '<b>' }] }] }],
    ['traffic with an unknown link activity', { ...traffic, links: [{ from: 'a', to: 'b', activity: 'onfire' }] }],
    ['traffic whose link has junk', { ...traffic, links: [{ from: 'a', to: 'b', activity: 'idle', style: 'x' }] }],
    ['traffic without its sample count', { ...traffic, sample: -1 }],
  ];
  for (const [what, value] of malformed) {
    test(`refuses ${what}`, () => {
      assert.equal(parsePanelMessage(value), undefined);
    });
  }
});
