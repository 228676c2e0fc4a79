// Records test/fixtures/mermaid/topology-export.svg: a real SVG as the topology panel exports it, for the
// unit test of the export's sanitizer (test/unit/safeSvg.test.ts). The recorded topology fixture (netns level,
// whole host, IPs and MACs shown) goes through the extension's own generator, then Mermaid (the package the
// webview bundles, the webview's settings from src/model/topology/renderConfig.ts) renders it in Chromium
// (playwright-core), and the SVG element is serialized as webview/topology/main.ts does for "Export SVG"
// (XMLSerializer). Run: `npm run build && npx tsc -p test/tsconfig.json && node scripts/recordExportSvg.mjs`.
// Environment: DNE_CHROMIUM (default /usr/bin/chromium).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const out = (p) => path.join(root, 'out', p);
const { loadTopologyFixture, fixtureInput } = require(out('test/unit/topologySupport.js'));
const { buildTopology } = require(out('src/model/topology/build.js'));
const { generateMermaid } = require(out('src/model/topology/mermaid.js'));
const { DEFAULT_DIAGRAM_OPTIONS } = require(out('src/model/topology/types.js'));
const { MERMAID_RENDER_CONFIG } = require(out('src/model/topology/renderConfig.js'));
const { ENGLISH_LABELS } = require(out('src/messages/diagramLabels.js'));
const { chromium } = require('playwright-core');

const topology = buildTopology(fixtureInput(loadTopologyFixture(), 'netns'));
const { text } = generateMermaid(topology, { kind: 'host' }, { ...DEFAULT_DIAGRAM_OPTIONS, showIPs: true, showMACs: true }, ENGLISH_LABELS);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'dne-record-svg-'));
const page = path.join(scratch, 'render.html');
const mermaidJs = path.join(root, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js');
writeFileSync(page, `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div id="d"></div><script src="file://${mermaidJs}"></script></body></html>`);
const browser = await chromium.launch({ executablePath: process.env.DNE_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'], timeout: 30_000 });
try {
  const tab = await browser.newPage();
  await tab.goto(`file://${page}`);
  await tab.waitForFunction(() => Boolean(window.mermaid), undefined, { timeout: 30_000 });
  const config = { ...MERMAID_RENDER_CONFIG, flowchart: { ...MERMAID_RENDER_CONFIG.flowchart }, theme: 'dark', fontFamily: 'sans-serif' };
  const svg = await tab.evaluate(async ({ source, config }) => {
    window.mermaid.initialize(config);
    const { svg } = await window.mermaid.render('topology', source);
    const host = document.getElementById('d');
    host.innerHTML = svg;
    return new XMLSerializer().serializeToString(host.querySelector('svg'));
  }, { source: text, config });
  const target = path.join(root, 'test', 'fixtures', 'mermaid', 'topology-export.svg');
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, svg);
  console.log(`${path.relative(root, target)}: ${svg.length} characters`);
} finally {
  await browser.close();
  rmSync(scratch, { recursive: true, force: true });
}
