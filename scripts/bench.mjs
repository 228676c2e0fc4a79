// Benchmark (prints figures, no pass/fail): `npm run bench`.
//  1. Mermaid generator time for 100 networks x 500 endpoints (synthetic API JSON, API-only level).
//  2. Host probe time on this machine's engine (level it reached), and the whole collect.
//  3. Render time in Chromium (playwright-core, bundled mermaid, strict) for 20 networks x 100 containers.
//  4. API calls of one tree refresh (EngineSession.refresh) with 5 and with 50 extra networks.
// Needs the compiled tests/sources (npx tsc -p test/tsconfig.json) — done here when missing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const out = (p) => path.join(root, 'out', p);
if (!existsSync(out('src/model/topology/mermaid.js')) || !existsSync(out('src/topology/collect.js'))) {
  execFileSync('npx', ['tsc', '-p', 'test/tsconfig.json'], { cwd: root, stdio: 'inherit' });
}
const { buildInventory } = require(out('src/model/inventory.js'));
const { buildTopology } = require(out('src/model/topology/build.js'));
const { generateMermaid } = require(out('src/model/topology/mermaid.js'));
const { DEFAULT_DIAGRAM_OPTIONS } = require(out('src/model/topology/types.js'));
const { emptyFacts } = require(out('src/model/topology/facts.js'));
const { ENGLISH_LABELS } = require(out('src/topology/englishLabels.js'));

const hex = (n, len) => n.toString(16).padStart(len, '0').slice(-len);

/** Synthetic engine lists: `networks` bridge networks, `perNetwork` running containers on each. */
function syntheticSnapshot(networks, perNetwork) {
  const nets = [];
  const containers = [];
  for (let n = 0; n < networks; n++) {
    const id = hex(0xa000 + n, 12).padEnd(64, '0');
    nets.push({ Name: `net${n}`, Id: id, Driver: 'bridge', Scope: 'local', IPAM: { Config: [{ Subnet: `10.${n >> 8}.${n & 255}.0/16`, Gateway: `10.${n >> 8}.${n & 255}.1` }] }, Options: {}, Labels: {} });
    for (let c = 0; c < perNetwork; c++) {
      const cid = (hex(n, 6) + hex(c, 6)).padEnd(64, 'c');
      containers.push({
        Id: cid, Names: [`/c${n}_${c}`], State: 'running', Labels: {}, HostConfig: { NetworkMode: `net${n}` },
        NetworkSettings: { Networks: { [`net${n}`]: { NetworkID: id, EndpointID: cid, IPAddress: `10.${n}.${c >> 8}.${c & 255}`, IPPrefixLen: 16, MacAddress: '02:42:0a:00:00:02' } } },
      });
    }
  }
  return { networks: nets, containers };
}

function time(fn, runs = 5) {
  fn();
  const samples = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    result = fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], result };
}

function generatorBench(networks, perNetwork, collapse) {
  const inventory = buildInventory(syntheticSnapshot(networks, perNetwork));
  const build = time(() => buildTopology({ inventory, sandboxes: {}, facts: emptyFacts('remoteEngine') }));
  const options = { ...DEFAULT_DIAGRAM_OPTIONS, collapse };
  const gen = time(() => generateMermaid(build.result, { kind: 'host' }, options, ENGLISH_LABELS));
  console.log(
    `  ${networks} networks x ${perNetwork} endpoints (${networks * perNetwork} endpoints, collapse=${collapse}): ` +
      `model ${build.median.toFixed(2)} ms, generator ${gen.median.toFixed(2)} ms, ${gen.result.nodeCount} nodes, ${gen.result.edgeCount} edges, ${(gen.result.text.length / 1024).toFixed(0)} KB`,
  );
  return gen.result;
}

console.log('1. Mermaid generator (median of 5 runs, synthetic API-only topology)');
generatorBench(100, 5, 'auto');
generatorBench(100, 5, false);
generatorBench(100, 500, 'auto');

// ---- 2. probe ------------------------------------------------------------------------------------
let client;
try {
  const { resolveTarget } = require(out('src/engine/connection.js'));
  const { EngineClient } = require(out('src/engine/engineClient.js'));
  const { collectTopology, isLocalEngine } = require(out('src/topology/collect.js'));
  const { probeHost } = require(out('src/probe/hostProbe.js'));
  client = new EngineClient(resolveTarget(undefined), 10_000);
  const [networks, containers] = await Promise.all([client.listNetworks(), client.listContainers()]);
  const info = await client.info();
  const local = isLocalEngine(client.target, info.Name);
  console.log(`2. Host probe on this engine (${networks.length} networks, ${containers.filter((c) => c.State === 'running').length} running containers, local=${local})`);
  let collected;
  const t0 = Date.now();
  collected = await collectTopology({ snapshot: { networks, containers }, inspect: (id) => client.inspectContainer(id).catch(() => undefined), local });
  console.log(`  collect (inspections + probe + model): ${Date.now() - t0} ms; probe alone ${collected.facts.elapsedMs} ms at level ${collected.facts.level} (${collected.facts.reason}), ${collected.facts.namespaces.length} namespaces read`);
  const sandboxes = Object.values(collected.sandboxes);
  for (const maxLevel of [undefined, 'sysfs']) {
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const facts = await probeHost({ local, sandboxes, maxLevel });
      runs.push(facts.elapsedMs);
    }
    console.log(`  probe ${maxLevel ?? 'deepest'}: ${runs.join(', ')} ms`);
  }
} catch (error) {
  console.log(`2. Host probe: skipped (${error.message})`);
}

// ---- 3. render in Chromium -----------------------------------------------------------------------
const chromium = process.env.DNE_CHROMIUM || '/usr/bin/chromium';
if (existsSync(chromium)) {
  const { chromium: pw } = require('playwright-core');
  const dir = path.join(root, 'test-output', 'bench');
  mkdirSync(dir, { recursive: true });
  const mermaidJs = path.join(root, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js');
  writeFileSync(
    path.join(dir, 'render.html'),
    `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src file: 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"></head><body><div id="d"></div><script src="file://${mermaidJs}"></script></body></html>`,
  );
  const browser = await pw.launch({ executablePath: chromium, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    await page.goto(`file://${path.join(dir, 'render.html')}`);
    console.log('3. Render in Chromium (mermaid.render, securityLevel strict)');
    for (const [networks, perNetwork, collapse] of [[20, 10, false], [20, 100, 'auto']]) {
      const inventory = buildInventory(syntheticSnapshot(networks, perNetwork));
      const topology = buildTopology({ inventory, sandboxes: {}, facts: emptyFacts('remoteEngine') });
      const diagram = generateMermaid(topology, { kind: 'host' }, { ...DEFAULT_DIAGRAM_OPTIONS, collapse }, ENGLISH_LABELS);
      const limitMs = 120_000;
      const ms = await page.evaluate(async ({ source, limitMs }) => {
        window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', maxTextSize: 1e7, maxEdges: 1e5, flowchart: { useMaxWidth: false } });
        const t = performance.now();
        const done = window.mermaid.render(`g${Math.random().toString(36).slice(2)}`, source).then(({ svg }) => {
          document.getElementById('d').innerHTML = svg;
          return performance.now() - t;
        });
        return Promise.race([done, new Promise((resolve) => setTimeout(() => resolve(-1), limitMs))]);
      }, { source: diagram.text, limitMs });
      const figure = ms < 0 ? `over ${limitMs / 1000} s (gave up)` : `${ms.toFixed(0)} ms`;
      console.log(`  ${networks} networks x ${perNetwork} containers (collapsed=${diagram.collapsed}, ${diagram.nodeCount} nodes, ${diagram.edgeCount} edges): ${figure}`);
    }
  } finally {
    await browser.close();
  }
} else {
  console.log(`3. Render: skipped (no Chromium at ${chromium})`);
}

// ---- 4. API calls per tree refresh -----------------------------------------------------------------
if (client) {
  const { EngineSession } = require(out('src/engine/engineSession.js'));
  const docker = (args) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const cleanup = () => {
    const ids = docker(['network', 'ls', '-q', '--filter', 'label=dne.test', '--filter', 'name=dnebench-']).split('\n').filter(Boolean);
    if (ids.length) docker(['network', 'rm', ...ids]);
  };
  console.log('4. API calls of one tree refresh (EngineSession.refresh, EngineClient.apiCallCount before/after)');
  try {
    cleanup();
    let created = 0;
    for (const target of [5, 50]) {
      for (; created < target; created++) docker(['network', 'create', '--label', 'dne.test=1', `dnebench-${created}`]);
      const session = new EngineSession(client, { debounceMs: 10_000 });
      await session.refresh();
      const before = client.apiCallCount;
      await session.refresh();
      const calls = client.apiCallCount - before;
      console.log(`  with ${target} extra networks (${session.snapshot.networks.length} in all): ${calls} API calls`);
      session.dispose();
    }
  } finally {
    cleanup();
  }
}
process.exit(0);
