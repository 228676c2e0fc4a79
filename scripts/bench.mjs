// Benchmark (prints figures, no pass/fail): `npm run build && npx tsc -p test/tsconfig.json && npm run bench`.
//  1. Generator (model + Mermaid text) for 100 networks carrying 500 endpoints in all (synthetic API JSON,
//     API-only level): median of 25 runs after 10 warm-up runs; default options (auto-collapse) and collapsed,
//     uncollapsed for information. Target: under 10 ms.
//  2. Host probe time on this machine's engine (level it reached), and the whole collect.
//  3. Render time in Chromium (playwright-core, the Mermaid the webview bundles, the webview's Mermaid settings
//     from src/model/topology/renderConfig.ts) for 20 networks with 100 containers in all. Target: under 3 s.
//     The 2000-container case is printed for information. Every browser step is bounded.
//  4. API calls of one tree refresh (EngineSession.refresh, EngineClient.apiCallCount) with 5 and with 50
//     extra networks (label dne.bench=1, removed afterwards).
//  5. Large hosts (issue #9): 5, 24, 150 and 500 containers on 30 networks (one in ten also on the next network,
//     net28 macvlan, net29 overlay), the full plumbing and the overview (src/model/topology/overview.ts):
//     first render in Chromium, the scale that fits the SVG to a 1400 x 900 panel (as webview/topology/panZoom.ts
//     fits it) and the node text's size in px at that scale. Targets: whole host <= 1.5 s, text >= 10 px;
//     at 500 containers render <= 3 s. `DNE_BENCH_ONLY=5` runs this section alone.
// Environment: DNE_CHROMIUM (default /usr/bin/chromium), DNE_BENCH_LAYOUT (e.g. `elk` to compare Mermaid's
// default layout with the webview's dagre), DNE_BENCH_QUICK=1 (skips the informational large cases).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const out = (p) => path.join(root, 'out', p);
if (!existsSync(out('src/model/topology/renderConfig.js')) || !existsSync(out('src/engine/collectTopology.js'))) {
  execFileSync('npx', ['tsc', '-p', 'test/tsconfig.json'], { cwd: root, stdio: 'inherit' });
}
const { buildInventory } = require(out('src/model/inventory.js'));
const { buildTopology } = require(out('src/model/topology/build.js'));
const { generateMermaid } = require(out('src/model/topology/mermaid.js'));
const { DEFAULT_DIAGRAM_OPTIONS } = require(out('src/model/topology/types.js'));
const { MERMAID_RENDER_CONFIG } = require(out('src/model/topology/renderConfig.js'));
const { emptyFacts } = require(out('src/model/topology/facts.js'));
const { ENGLISH_LABELS } = require(out('src/messages/diagramLabels.js'));
const { generateOverview, overviewApplies } = require(out('src/model/topology/overview.js'));
const { drawDiagram } = require(out('src/model/topology/diagramPlan.js'));
const only = process.env.DNE_BENCH_ONLY;

const quick = process.env.DNE_BENCH_QUICK === '1';
const benchStarted = Date.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const hex = (n, len) => n.toString(16).padStart(len, '0').slice(-len);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Synthetic engine lists: `networks` bridge networks and `containers` running containers spread over them in turn. */
function syntheticSnapshot(networks, containers, { mixed = false } = {}) {
  const nets = [];
  const list = [];
  for (let n = 0; n < networks; n++) {
    const id = hex(0xa000 + n, 12).padEnd(64, '0');
    // mixed: the last two networks are a macvlan and a swarm overlay.
    const driver = mixed && n === networks - 2 ? 'macvlan' : mixed && n === networks - 1 ? 'overlay' : 'bridge';
    nets.push({ Name: `net${n}`, Id: id, Driver: driver, Scope: driver === 'overlay' ? 'swarm' : 'local', IPAM: { Config: [{ Subnet: `10.${n}.0.0/16`, Gateway: `10.${n}.0.1` }] }, Options: {}, Labels: {} });
  }
  const endpoint = (n, c, cid) => ({ NetworkID: nets[n].Id, EndpointID: `${cid.slice(0, 60)}${hex(n, 4)}`, IPAddress: `10.${n}.${(c >> 8) & 255}.${c & 255}`, IPPrefixLen: 16, MacAddress: `02:42:0a:${hex(n, 2)}:${hex(c >> 8, 2)}:${hex(c, 2)}` });
  for (let c = 0; c < containers; c++) {
    const n = c % networks;
    const cid = (hex(n, 6) + hex(c, 6)).padEnd(64, 'c');
    const attached = { [`net${n}`]: endpoint(n, c, cid) };
    // mixed: one container in ten also joins the next network.
    if (mixed && c % 10 === 9) attached[`net${(n + 1) % networks}`] = endpoint((n + 1) % networks, c, cid);
    list.push({ Id: cid, Names: [`/c${n}_${c}`], State: 'running', Labels: {}, HostConfig: { NetworkMode: `net${n}` }, NetworkSettings: { Networks: attached } });
  }
  return { networks: nets, containers: list };
}

function diagramFor(networks, containers, collapse) {
  const inventory = buildInventory(syntheticSnapshot(networks, containers));
  const topology = buildTopology({ inventory, sandboxes: {}, facts: emptyFacts('remoteEngine') });
  return generateMermaid(topology, { kind: 'host' }, { ...DEFAULT_DIAGRAM_OPTIONS, collapse }, ENGLISH_LABELS);
}

// ---- 1. generator --------------------------------------------------------------------------------
/** Model (buildTopology) and Mermaid text (generateMermaid, focus and filters included) on one inventory. */
function generatorBench(networks, containers, collapse, { warmup = 10, runs = 25 } = {}) {
  const inventory = buildInventory(syntheticSnapshot(networks, containers));
  const options = { ...DEFAULT_DIAGRAM_OPTIONS, collapse };
  const model = [];
  const text = [];
  const total = [];
  let result;
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now();
    const topology = buildTopology({ inventory, sandboxes: {}, facts: emptyFacts('remoteEngine') });
    const t1 = performance.now();
    result = generateMermaid(topology, { kind: 'host' }, options, ENGLISH_LABELS);
    const t2 = performance.now();
    if (i >= warmup) {
      model.push(t1 - t0);
      text.push(t2 - t1);
      total.push(t2 - t0);
    }
  }
  const label = collapse === 'auto' ? 'default (auto-collapse)' : collapse ? 'collapsed' : 'uncollapsed';
  console.log(
    `  ${networks} networks, ${containers} endpoints, ${label.padEnd(23)}: ${median(total).toFixed(2)} ms ` +
      `(model ${median(model).toFixed(2)} + Mermaid text ${median(text).toFixed(2)}; min ${Math.min(...total).toFixed(2)}, max ${Math.max(...total).toFixed(2)}) ` +
      `— ${result.nodeCount} nodes, ${result.edgeCount} edges, ${(result.text.length / 1024).toFixed(0)} KB, collapsed=${result.collapsed}`,
  );
}

if (!only) {
  console.log(`1. Generator: model + Mermaid text, synthetic API-only topology (median of 25 runs after 10 warm-up runs; node ${process.version})`);
  generatorBench(100, 500, 'auto');
  generatorBench(100, 500, true);
  generatorBench(100, 500, false);
  if (!quick) {
    console.log('  for information, 500 endpoints on each network (50 000 endpoints), one run after one warm-up:');
    generatorBench(100, 50_000, 'auto', { warmup: 1, runs: 1 });
  }
}

// ---- engine access (steps 2 and 4) ---------------------------------------------------------------
const { resolveTarget } = require(out('src/engine/connection.js'));
const { EngineClient } = require(out('src/engine/engineClient.js'));
const client = new EngineClient(resolveTarget(undefined), 10_000);

/**
 * Another engineer's tests may stop dockerd for a few seconds: wait up to 45 s for it, then start
 * it with scripts/ensure-docker.sh. Returns false when no engine answers.
 */
async function engineReady() {
  const deadline = Date.now() + 45_000;
  let told = false;
  for (;;) {
    try {
      await client.ping();
      return true;
    } catch (error) {
      if (Date.now() > deadline) break;
      if (!told) {
        console.log(`  (engine not answering: ${error.message}; waiting up to 45 s)`);
        told = true;
      }
      await sleep(2000);
    }
  }
  try {
    execFileSync('bash', [path.join(root, 'scripts', 'ensure-docker.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 60_000 });
    await client.ping();
    return true;
  } catch (error) {
    console.log(`  (no engine: ${error.message})`);
    return false;
  }
}

/** Runs an engine step; when it fails because the engine went away, waits for it and tries once more. */
async function withEngineRetry(step) {
  try {
    return await step();
  } catch (error) {
    console.log(`  (engine step failed: ${error.message}; retrying once the engine answers)`);
    if (!(await engineReady())) throw error;
    return step();
  }
}

// ---- 2. probe ------------------------------------------------------------------------------------
let engineUp = only ? false : await engineReady();
if (engineUp) {
  try {
    await withEngineRetry(async () => {
      const { collectTopology } = require(out('src/engine/collectTopology.js'));
      const { probeHost } = require(out('src/probe/hostProbe.js'));
      const { EngineSession } = require(out('src/engine/engineSession.js'));
      // The same pipeline as the panel and the CLI: a session's inventory, then collect.
      const session = new EngineSession(client, { debounceMs: 0, watch: false });
      await session.start();
      const local = session.isLocal;
      const { networks, containers } = session.snapshot;
      console.log(`2. Host probe on this engine (${networks.length} networks, ${containers.filter((c) => c.State === 'running').length} running containers, local=${local})`);
      const t0 = performance.now();
      const collected = await collectTopology(session);
      session.dispose();
      console.log(
        `  collect (inspections + probe + model): ${(performance.now() - t0).toFixed(0)} ms; probe alone ${collected.facts.elapsedMs} ms ` +
          `at level ${collected.facts.level} (${collected.facts.reason}), ${collected.facts.namespaces.length} namespaces read`,
      );
      const sandboxes = Object.values(collected.sandboxes);
      for (const maxLevel of [undefined, 'sysfs']) {
        const runs = [];
        let level;
        for (let i = 0; i < 3; i++) {
          const facts = await probeHost({ local, sandboxes, maxLevel });
          runs.push(facts.elapsedMs);
          level = facts.level;
        }
        console.log(`  probe, ${maxLevel ? `at most ${maxLevel}` : 'deepest level'} (${level}): ${runs.join(', ')} ms`);
      }
    });
  } catch (error) {
    console.log(`  probe: failed (${error.message})`);
  }
} else {
  console.log('2. Host probe: skipped (no engine answers)');
}

// ---- 3. render in Chromium -----------------------------------------------------------------------
/** Resolves with the promise, or with `undefined` after `ms` (then calls `onTimeout`). */
async function bounded(promise, ms, onTimeout) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  const result = await Promise.race([promise.catch((error) => ({ error })), timeout]);
  clearTimeout(timer);
  if (result === TIMED_OUT) {
    await onTimeout?.();
    return undefined;
  }
  if (result && typeof result === 'object' && 'error' in result) throw result.error;
  return result;
}
const TIMED_OUT = Symbol('timed out');

/**
 * Installed in the bench's page as `window.edgeCrossings(host)`: every drawn edge (Mermaid's
 * `L_<from>_<to>_<n>` paths) sampled every 3 px along its path, in page coordinates; an edge
 * crosses a node when one of its points lies inside (2 px in from the border) a node it does not
 * join. Returns the edge count, the crossing count and a few examples.
 */
const EDGE_CROSSINGS = `window.edgeCrossings = (host) => {
  const nodes = [...host.querySelectorAll('g.node')].map((node) => {
    const match = /flowchart-(.+)-\\d+$/.exec(node.id);
    return { id: match ? match[1] : node.id, rect: node.getBoundingClientRect() };
  });
  const ids = nodes.map((node) => node.id);
  let edges = 0, crossing = 0;
  const examples = [];
  for (const path of host.querySelectorAll('path.flowchart-link')) {
    const name = (path.dataset.id || path.id.replace(/^.*?-(L_)/, '$1')).replace(/^L_/, '');
    const known = new Set(ids);
    const from = ids.find((id) => name.startsWith(id + '_') && known.has(name.slice(id.length + 1).replace(/_\\d+$/, '')));
    const to = from && name.slice(from.length + 1).replace(/_\\d+$/, '');
    edges++;
    const matrix = path.getScreenCTM();
    const length = path.getTotalLength();
    const hit = new Set();
    const span = path.getBoundingClientRect();
    const near = nodes.filter((node) => node.rect.right > span.left && node.rect.left < span.right && node.rect.bottom > span.top && node.rect.top < span.bottom);
    for (let at = 0; near.length > 0 && at <= length; at += 3) {
      const point = new DOMPoint(path.getPointAtLength(at).x, path.getPointAtLength(at).y).matrixTransform(matrix);
      for (const node of near) {
        if (node.id === from || node.id === to) continue;
        const r = node.rect;
        if (point.x > r.left + 2 && point.x < r.right - 2 && point.y > r.top + 2 && point.y < r.bottom - 2) hit.add(node.id);
      }
    }
    if (hit.size > 0) {
      crossing++;
      if (examples.length < 3) examples.push(from + ' - ' + to + ' over ' + [...hit].slice(0, 2).join(', '));
    }
  }
  return { edges, crossing, examples };
};`;

const chromiumPath = process.env.DNE_CHROMIUM || '/usr/bin/chromium';
if (existsSync(chromiumPath)) {
  const { chromium } = require('playwright-core');
  const dir = path.join(root, 'test-output', 'bench');
  mkdirSync(dir, { recursive: true });
  const webviewBundle = path.join(root, 'dist', 'webview', 'topology.js');
  const mermaidJs = path.join(root, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js');
  const mermaidVersion = require(path.join(root, 'node_modules', 'mermaid', 'package.json')).version;
  const page = path.join(dir, 'render.html');
  writeFileSync(
    page,
    '<!DOCTYPE html><html><head><meta charset="utf-8">' +
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src file: 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:">` +
      `</head><body><div id="d"></div><script src="file://${mermaidJs}"></script></body></html>`,
  );
  const config = { ...MERMAID_RENDER_CONFIG, flowchart: { ...MERMAID_RENDER_CONFIG.flowchart }, theme: 'default', fontFamily: 'sans-serif' };
  if (process.env.DNE_BENCH_LAYOUT) config.layout = process.env.DNE_BENCH_LAYOUT;
  const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  console.log(
    `3. Render in Chromium (${chromiumPath}; ${path.relative(root, mermaidJs)} ${mermaidVersion}, the version ${path.relative(root, webviewBundle)} bundles; ` +
      `securityLevel ${config.securityLevel}, layout ${config.layout}, htmlLabels ${config.flowchart.htmlLabels}): mermaid.render + insert the SVG`,
  );

  /** One case in a fresh browser: the first render (cold, as when the panel opens) and then `warm` more; see EDGE_CROSSINGS. */
  async function renderCase(title, diagram, { limitS, warm }) {
    let browser;
    const kill = async () => {
      await browser?.close().catch(() => undefined);
    };
    const name = `  ${title} (${diagram.nodeCount} nodes, ${diagram.edgeCount} edges, collapsed=${diagram.collapsed})`;
    try {
      browser = await bounded(chromium.launch({ executablePath: chromiumPath, args, timeout: 30_000 }), 35_000);
      if (!browser) {
        console.log(`${name}: Chromium did not start in 35 s`);
        return;
      }
      const tab = await browser.newPage();
      await tab.goto(`file://${page}`, { timeout: 30_000 });
      await tab.waitForFunction(() => Boolean(window.mermaid), undefined, { timeout: 30_000 });
      await tab.evaluate(EDGE_CROSSINGS);
      const times = [];
      let fitted;
      const deadline = Date.now() + limitS * 1000;
      for (let i = 0; i <= warm; i++) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        const ms = await bounded(
          tab.evaluate(async ({ source, config, n }) => {
            window.mermaid.initialize(config);
            const t = performance.now();
            const { svg } = await window.mermaid.render(`bench${n}`, source);
            const host = document.getElementById('d');
            host.innerHTML = svg;
            host.getBoundingClientRect();
            const ms = performance.now() - t;
            // As panZoom.fit does: the SVG's size, the panel's less a 16 px margin, at most 1.5.
            const box = host.querySelector('svg').getBoundingClientRect();
            const scale = Math.min(1.5, Math.min((1400 - 32) / box.width, (900 - 32) / box.height));
            const label = host.querySelector('.nodeLabel, .label foreignObject div, text');
            const fontPx = label ? parseFloat(getComputedStyle(label).fontSize) : NaN;
            return { ms, width: box.width, height: box.height, scale, fontPx, ...window.edgeCrossings(host) };
          }, { source: diagram.text, config, n: i }),
          left,
          kill,
        );
        const measured = ms;
        if (measured === undefined) {
          console.log(`${name}: did not finish in ${limitS} s${times.length ? ` (first render ${times[0].toFixed(0)} ms)` : ''}; browser closed`);
          return;
        }
        times.push(measured.ms);
        fitted ??= measured;
      }
      if (process.env.DNE_BENCH_SHOTS === '1') {
        // The drawing as the panel fits it, to look at: test-output/bench/<case>.png.
        await tab.setViewportSize({ width: 1400, height: 900 });
        await tab.evaluate((scale) => {
          const host = document.getElementById('d');
          host.style.cssText = `transform-origin: 0 0; transform: translate(16px, 16px) scale(${scale})`;
        }, fitted.scale);
        await tab.screenshot({ path: path.join(dir, `${title.replace(/[^A-Za-z0-9]+/g, '-')}.png`), timeout: 30_000 });
      }
      const warmTimes = times.slice(1);
      const fit = `; SVG ${fitted.width.toFixed(0)} x ${fitted.height.toFixed(0)} px, fitted to 1400 x 900 at scale ${fitted.scale.toFixed(3)}: node text ${(fitted.fontPx * fitted.scale).toFixed(1)} px` +
        `; edges crossing a node they do not join: ${fitted.crossing} of ${fitted.edges}${fitted.crossing ? ` (${fitted.examples.join('; ')})` : ''}`;
      console.log(`${name}: first render ${times[0].toFixed(0)} ms${fit}${warmTimes.length ? `, then ${warmTimes.map((t) => t.toFixed(0)).join(', ')} ms (median ${median(warmTimes).toFixed(0)} ms)` : ''}`);
    } catch (error) {
      console.log(`${name}: failed (${error.message.split('\n')[0]})`);
    } finally {
      await bounded(kill(), 10_000);
    }
  }

  if (!only) {
    await renderCase('20 networks, 100 containers in all, default options', diagramFor(20, 100, 'auto'), { limitS: 30, warm: 3 });
    await renderCase('20 networks, 100 containers in all, uncollapsed', diagramFor(20, 100, false), { limitS: 30, warm: 3 });
  }
  if (!quick && !only) {
    await renderCase('for information: 20 networks, 2000 containers in all, default options', diagramFor(20, 2000, 'auto'), { limitS: 40, warm: 0 });
  }
  console.log('5. Large hosts: 30 networks (net28 macvlan, net29 overlay, one container in ten on two networks), full plumbing vs overview, fitted to 1400 x 900');
  for (const containers of [5, 24, 150, 500]) {
    const inventory = buildInventory(syntheticSnapshot(30, containers, { mixed: true }));
    const topology = buildTopology({ inventory, sandboxes: {}, facts: emptyFacts('remoteEngine') });
    const t0 = performance.now();
    drawDiagram(topology, { scope: { kind: 'host' }, options: DEFAULT_DIAGRAM_OPTIONS }, ENGLISH_LABELS);
    const textMs = performance.now() - t0;
    console.log(`  ${containers} containers: the rule picks ${overviewApplies(topology, { kind: 'host' }, DEFAULT_DIAGRAM_OPTIONS) ? 'the overview' : 'the full plumbing'} (text ${textMs.toFixed(1)} ms)`);
    const full = generateMermaid(topology, { kind: 'host' }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
    await renderCase(`${containers} containers, full plumbing`, full, { limitS: 40, warm: 0 });
    await renderCase(`${containers} containers, overview`, generateOverview(topology, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS), { limitS: 40, warm: 0 });
  }
} else {
  console.log(`3. Render: skipped (no Chromium at ${chromiumPath})`);
}

// ---- 4. API calls per tree refresh -----------------------------------------------------------------
if (engineUp) {
  const { EngineSession } = require(out('src/engine/engineSession.js'));
  const docker = (args) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).trim();
  const cleanup = () => {
    const ids = docker(['network', 'ls', '-q', '--filter', 'label=dne.bench=1']).split('\n').filter(Boolean);
    if (ids.length) docker(['network', 'rm', ...ids]);
  };
  console.log('4. API calls of one tree refresh (EngineSession.refresh; EngineClient.apiCallCount before and after)');
  try {
    engineUp = await engineReady();
    await withEngineRetry(async () => cleanup());
    for (const target of [5, 50]) {
      await withEngineRetry(async () => {
        const existing = docker(['network', 'ls', '-q', '--filter', 'label=dne.bench=1']).split('\n').filter(Boolean).length;
        // Explicit /24s: Docker's default pools run out after a few dozen networks.
        for (let i = existing; i < target; i++) docker(['network', 'create', '--label', 'dne.bench=1', '--subnet', `10.254.${i}.0/24`, `dnebench-${i}`]);
        const session = new EngineSession(client, { debounceMs: 60_000 });
        try {
          await session.refresh();
          await sleep(500); // the event subscription made on connecting is not part of a refresh
          const before = client.apiCallCount;
          await session.refresh();
          const calls = client.apiCallCount - before;
          if (session.state.kind !== 'connected') throw new Error(`session ${session.state.kind}`);
          console.log(`  with ${target} extra networks (${session.snapshot.networks.length} networks, ${session.snapshot.containers.length} containers in all): ${calls} API calls`);
        } finally {
          session.dispose();
        }
      });
    }
  } catch (error) {
    console.log(`  failed (${error.message.split('\n')[0]})`);
  } finally {
    try {
      await withEngineRetry(async () => cleanup());
    } catch (error) {
      console.log(`  cleanup failed (${error.message.split('\n')[0]}): remove networks labelled dne.bench=1 by hand`);
    }
  }
} else {
  console.log('4. API calls per refresh: skipped (no engine answers)');
}
console.log(`bench took ${((Date.now() - benchStarted) / 1000).toFixed(0)} s`);
process.exit(0);
