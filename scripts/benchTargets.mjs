// Issue #9's targets side by side, in one run (prints figures, no pass/fail):
//   npm run build && npx tsc -p test/tsconfig.json && node scripts/package.mjs $PWD/test-output/e2e.vsix \
//     && DNE_E2E_VSIX=$PWD/test-output/e2e.vsix npm run bench:targets
// On the local engine, as root: 150 running containers on 30 networks plus a swarm service (the
// engine is put in a swarm only when it is in none, and leaves it afterwards), everything labelled
// dne.bench.targets=1 and removed afterwards. The extension runs in code-server and Chromium
// (test/harness): the connect -> diagram latency is measured end to end, until the address is in
// the webview's drawn SVG. The whole host's first render is timed 5 times, each in a new
// code-server and a new browser profile, until the page painted it (its own clock). Then the host
// grows to 100 networks x 300 containers (150 more created, not started) for the tree's ratios.
// The 500-container render is the synthetic one of `npm run bench` section 5 (the real host stops
// at 150 running containers: 2 shared CPUs).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.DNE_BENCH_LABEL = 'dne.bench.targets=1';
process.env.DNE_BENCH_PREFIX = 'dnetgt';
const LABEL = process.env.DNE_BENCH_LABEL;
const P = process.env.DNE_BENCH_PREFIX;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const out = (p) => require(path.join(root, 'out', p));
const scale = await import('./benchScale.mjs');
const { EngineClient } = out('src/engine/engineClient.js');
const { EngineSession } = out('src/engine/engineSession.js');
const { resolveTarget } = out('src/engine/connection.js');
const { startCodeServer, packagedVsix, extensionLogFiles } = out('test/harness/codeServer.js');
const { launchBrowser, openWorkbench, dismissNotifications, openViewContainer, runCommandFromPalette, topologyWebview } = out('test/harness/browser.js');

const docker = (args) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 }).trim();
const sleep = (t) => new Promise((resolve) => setTimeout(resolve, t));
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];
const figures = [];
/** How long the workbench runs before the topology is opened. */
const SETTLE_MS = 5000;
const figure = (what, value, target) => {
  figures.push({ what, value, target });
  console.log(`  ${what}: ${value}${target ? ` (target ${target})` : ''}`);
};

/** Joins a swarm only when the engine is in none; returns whether this bench must leave it. */
function swarmService() {
  const state = docker(['info', '--format', '{{.Swarm.LocalNodeState}}']);
  const joined = state === 'inactive';
  if (joined) docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
  docker(['network', 'create', '--driver', 'overlay', '--attachable', '--label', LABEL, '--subnet', '10.252.0.0/24', `${P}-ov`]);
  docker(['service', 'create', '--detach', '--name', `${P}-svc`, '--label', LABEL, '--container-label', LABEL, '--no-resolve-image', '--network', `${P}-ov`, 'local/busybox:latest', 'sleep', '100000']);
  // Measured on a host that has settled: the service's task running, not starting.
  const t0 = Date.now();
  while (!docker(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${P}-svc`, '--filter', 'status=running']) && Date.now() - t0 < 60_000) {
    execFileSync('sleep', ['0.5']);
  }
  console.log(`(swarm ${joined ? 'initialised for the bench' : `already ${state}: joined as it is`}; service ${P}-svc on ${P}-ov, its task running after ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return joined;
}

function swarmCleanup(leave) {
  for (const args of [['service', 'rm', `${P}-svc`], ['network', 'rm', `${P}-ov`]]) {
    try {
      docker(args);
    } catch {
      // already gone
    }
  }
  if (leave) docker(['swarm', 'leave', '--force']);
}

/** The extension's log (every file of it, oldest first) in code-server's user data. */
const logText = (userDataDir) => extensionLogFiles(userDataDir).reverse().map((file) => fs.readFileSync(file, 'utf8')).join('\n');
const probes = (server) => (logText(server.userDataDir).match(/topology: probe #\d+/g) ?? []).length;

/** The drawn diagram's text, and the scale the panel fitted it at (its stage's transform, set by panZoom.fit). */
async function drawn(page) {
  return topologyWebview(page).locator('body').evaluate((body) => {
    const svg = body.querySelector('#diagram svg');
    const viewport = body.querySelector('#viewport');
    const stage = body.querySelector('#stage');
    if (!svg || !viewport || !stage) return { text: '' };
    const fit = new DOMMatrixReadOnly(getComputedStyle(stage).transform).a;
    const label = svg.querySelector('.nodeLabel');
    return { text: svg.textContent ?? '', fit, fontPx: label ? parseFloat(getComputedStyle(label).fontSize) : NaN, panel: `${viewport.clientWidth} x ${viewport.clientHeight}` };
  }).catch(() => ({ text: '' }));
}

async function until(page, check, timeoutMs) {
  const t0 = Date.now();
  for (;;) {
    const shown = await drawn(page);
    if (check(shown)) return shown;
    if (Date.now() - t0 > timeoutMs) return undefined;
    await sleep(20);
  }
}

/**
 * Resolves with Date.now() (the same clock here and in the page) when `text` enters the drawn SVG:
 * a MutationObserver in the webview notes the moment, so the figure carries no polling interval.
 */
async function watchDrawn(page, text) {
  const frame = topologyWebview(page);
  await frame.locator('body').evaluate((body, wanted) => {
    const diagram = body.querySelector('#diagram');
    delete body.dataset.seenAt;
    const check = () => {
      if (!body.dataset.seenAt && diagram?.querySelector('svg')?.textContent?.includes(wanted)) body.dataset.seenAt = String(Date.now());
    };
    new MutationObserver(check).observe(diagram, { childList: true, subtree: true });
    check();
  }, text);
  return async (timeoutMs) => {
    const t0 = Date.now();
    for (;;) {
      const seenAt = await frame.locator('body').getAttribute('data-seen-at').catch(() => null);
      if (seenAt) return Number(seenAt);
      if (Date.now() - t0 > timeoutMs) return undefined;
      await sleep(100);
    }
  };
}

/** Outside connects, each with its own address, until that address is in the drawn SVG. */
async function connectLatencies(page, server, label, count = 10) {
  const latencies = [];
  const cliTimes = [];
  const network = `${P}-n29`;
  const logBefore = logText(server.userDataDir).length;
  for (let i = 1; i <= count; i++) {
    const address = `10.251.29.${100 + i}`;
    const drawnAt = await watchDrawn(page, address);
    const t0 = Date.now();
    docker(['network', 'connect', '--ip', address, network, `${P}-c0`]);
    cliTimes.push(Date.now() - t0);
    const seenAt = await drawnAt(15_000);
    latencies.push(seenAt ? seenAt - t0 : 15_000);
    docker(['network', 'disconnect', network, `${P}-c0`]);
    await sleep(600);
  }
  // Where the time goes (medians over the connects and disconnects): the docker command itself,
  // the panel's collect (events -> snapshot -> probe), the webview's Mermaid render.
  const logged = logText(server.userDataDir).slice(logBefore);
  const collects = [...logged.matchAll(/topology: probe #\d+: .* total (\d+) ms/g)].map((m) => Number(m[1]));
  const renders = [...logged.matchAll(/rendered revision \d+ \(\d+ nodes\) in (\d+) ms/g)].map((m) => Number(m[1]));
  const median = (values) => (values.length ? percentile(values, 50).toFixed(0) : '?');
  figure(
    `outside docker network connect -> the new endpoint drawn in the webview, ${label}, 10 connects (p50 ${percentile(latencies, 50).toFixed(0)} ms; medians: the docker command ${median(cliTimes)} ms, the panel's collect ${median(collects)} ms, the Mermaid render ${median(renders)} ms)`,
    `p95 ${percentile(latencies, 95).toFixed(0)} ms`,
    '<= 700 ms',
  );
}

/**
 * Show Topology from the palette, Enter on "Whole host". Returns, in ms after the Enter (undefined
 * when not drawn in 60 s): `painted`, when the page painted the diagram with every container (its
 * own clock: data-painted-at, the same epoch clock as here); `seen`, when this script's polling saw
 * it; `worker`, the time code-server's webview host spent registering its service worker (the
 * first webview of a new browser profile: code-server's, before our page exists).
 */
async function openWholeHost(page) {
  await runCommandFromPalette(page, 'Docker Networks: Show Topology');
  // "Whole host" is the first entry, the active one: Enter picks it (as a user does; a click adds
  // Playwright's own checks that the row is still).
  await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: 'Whole host' }).first().waitFor({ state: 'visible', timeout: 10_000 });
  const t1 = performance.now();
  const enteredAt = Date.now();
  await page.keyboard.press('Enter');
  const shown = await until(page, (s) => s.text.includes(`${P}-c149`), 60_000);
  if (!shown) return undefined;
  const seen = performance.now() - t1;
  const frame = topologyWebview(page);
  let paintedAt;
  for (let i = 0; i < 50 && !paintedAt; i++) {
    paintedAt = Number(await frame.locator('#diagram').getAttribute('data-painted-at').catch(() => null)) || undefined;
    if (!paintedAt) await sleep(20);
  }
  const marks = await page.frameLocator('iframe.webview[src*="extensionId=docker-network-explorer.docker-network-explorer"]').first().locator('body')
    .evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((mark) => [mark.name.replace(/^.*\//, ''), mark.startTime])))
    .catch(() => ({}));
  const worker = marks.workerReady !== undefined && marks.started !== undefined ? marks.workerReady - marks.started : undefined;
  return { painted: paintedAt ? paintedAt - enteredAt : seen, seen, worker };
}

/** Where the first render's time went, from the panel's log lines. */
function firstRenderBreakdown(log) {
  const rendered = /rendered revision \d+ \((\d+) nodes\) in (\d+) ms, after (\d+) ms in the page/.exec(log);
  const booted = /page ready (\d+) ms after it began loading/.exec(log);
  const collected = /probe #1: .*probe (\d+) ms/.exec(log);
  return `the webview page booting: ${booted ? booted[1] : '?'} ms; the host probe, during the boot: ${collected ? collected[1] : '?'} ms; ` +
    `the diagram's wait in the page for Mermaid to load: ${rendered ? rendered[3] : '?'} ms; Mermaid's render: ${rendered ? `${rendered[2]} ms, ${rendered[1]} nodes` : '?'}`;
}

/** A workbench about 1400 x 900 px of topology panel, the Docker Networks view open, started SETTLE_MS ago. */
async function workbench(browser, server) {
  // A window whose topology panel (beside the sidebar, under the tabs and the panel's toolbar) is
  // about 1400 x 900, the size the issue's readability target names; the figure prints the panel's own size.
  const page = await openWorkbench(browser, server.workspaceUrl(), { width: 1758, height: 1086 });
  await dismissNotifications(page);
  await openViewContainer(page, 'Docker Networks');
  // A user opens the topology in a workbench that has started: not in the seconds code-server spends
  // starting itself, which on 2 CPUs slow the page's boot threefold (2.8 s instead of 0.3-0.4 s).
  await sleep(SETTLE_MS);
  return page;
}

/** How many times the first render is measured, each in a new browser (new profile, new extension host). */
const COLD_OPENS = 5;

async function inCodeServer() {
  let server;
  let browser;
  try {
    // The first render, cold: each time a new code-server (a new extension host), a new browser (a new
    // profile: nothing cached, code-server's webview service worker not yet registered). Not new
    // windows of one code-server: a closed window's extension host lives on for minutes, and four of
    // them refreshing on every engine event would slow the measurements that follow. The last
    // workbench stays open for those.
    const cold = [];
    const vsix = packagedVsix('docker-network-explorer-bench');
    let page;
    let first;
    for (let i = 0; i < COLD_OPENS; i++) {
      await browser?.close().catch(() => undefined);
      await server?.stop();
      server = await startCodeServer({ vsix: [vsix] });
      browser = await launchBrowser();
      page = await workbench(browser, server);
      const opened = await openWholeHost(page);
      cold.push(opened ?? { painted: 60_000, seen: 60_000 });
      first ??= opened && firstRenderBreakdown(logText(server.userDataDir));
    }
    const painted = cold.map((c) => c.painted);
    const ownPart = cold.filter((c) => c.worker !== undefined).map((c) => c.painted - c.worker);
    figure(
      `whole host first render: Enter on "Whole host" -> the diagram with every container painted in the webview, ${COLD_OPENS} times, each in a new code-server and browser profile, ${SETTLE_MS / 1000} s after the workbench opened`,
      `median ${percentile(painted, 50).toFixed(0)} ms (${painted.map((ms) => ms.toFixed(0)).join(', ')} ms; of which code-server registering its webview service worker: ` +
        `${cold.map((c) => (c.worker === undefined ? '?' : c.worker.toFixed(0))).join(', ')} ms; without it: median ${ownPart.length ? percentile(ownPart, 50).toFixed(0) : '?'} ms, at most ${ownPart.length ? Math.max(...ownPart).toFixed(0) : '?'} ms; ` +
        `seen by this script's polling: ${cold.map((c) => c.seen.toFixed(0)).join(', ')} ms; the first one: ${first ?? 'not drawn'})`,
      '<= 1.5 s',
    );
    await sleep(1000);
    const fitted = await drawn(page);
    if (fitted?.fit) figure(`whole host (150 containers + the swarm service) as the panel fitted it (a ${fitted.panel} px panel, the sidebar open)`, `scale ${fitted.fit.toFixed(3)}, node text ${(fitted.fit * fitted.fontPx).toFixed(1)} px`, '>= 10 px at 1400 x 900');
    await connectLatencies(page, server, 'whole host (the overview: the container on a second network, with its address)');
    const networkId = docker(['network', 'inspect', '-f', '{{.Id}}', `${P}-n29`]);
    await topologyWebview(page).locator(`g.node[data-reveal="network:${networkId}"]`).first().click();
    await until(page, (s) => /veth[0-9a-f]{7}/.test(s.text), 30_000);
    await connectLatencies(page, server, `network scope (${P}-n29, full plumbing: the veth pair and the address)`);
    await runCommandFromPalette(page, 'File: New Untitled Text File');
    await sleep(2000);
    const before = probes(server);
    for (let i = 1; i <= 10; i++) {
      docker(['network', 'connect', `${P}-n29`, `${P}-c1`]);
      docker(['network', 'disconnect', `${P}-n29`, `${P}-c1`]);
    }
    await sleep(5000);
    figure('hidden panel (behind an editor tab): probes over 20 engine events', String(probes(server) - before), '0');
    // The panel closed and opened again: each time a new page boots, in a workbench that has started.
    const again = [];
    for (let i = 0; i < 4; i++) {
      await runCommandFromPalette(page, 'View: Close All Editors');
      await sleep(1500);
      again.push((await openWholeHost(page))?.painted ?? 60_000);
    }
    figure('whole host render in a new panel, the panel closed and opened again 4 times (Enter on "Whole host" -> every container painted)', `median ${percentile(again, 50).toFixed(0)} ms (${again.map((ms) => ms.toFixed(0)).join(', ')} ms)`, '<= 1.5 s');
    // Read last: the workbench writes the extension's log file some time after activation.
    const activated = /activated in (\d+) ms \(loading the bundle: (\d+) ms; the extension host between the two: (\d+) ms\)/.exec(logText(server.userDataDir));
    figure(
      'extension activation, as the extension host measured it: loading the bundle + activate() (its log\'s "activated in" line; the wait between the two, the extension host preparing the context while the workbench boots, apart)',
      activated ? `${Number(activated[1]) + Number(activated[2])} ms (bundle ${activated[2]} ms + activate() ${activated[1]} ms; the host's wait between them ${activated[3]} ms)` : 'not found in the log',
      '<= 150 ms',
    );
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }
}

/** The overview lines of `npm run bench` section 5 (synthetic hosts in Chromium, 1400 x 900). */
function syntheticRenders() {
  const text = execFileSync('node', [path.join(root, 'scripts', 'bench.mjs')], { env: { ...process.env, DNE_BENCH_ONLY: '5', DNE_BENCH_QUICK: '1' }, encoding: 'utf8', timeout: 300_000 });
  for (const containers of [150, 500]) {
    const line = text.split('\n').find((l) => l.includes(`${containers} containers, overview`)) ?? '';
    const m = /first render (\d+) ms.*scale ([\d.]+): node text ([\d.]+) px; edges crossing a node they do not join: (\d+) of (\d+)/.exec(line);
    figure(`overview of ${containers} containers on 30 networks (synthetic, bench section 5) fitted to 1400 x 900`, m ? `scale ${m[2]}, node text ${m[3]} px, first render ${m[1]} ms, ${m[4]} of ${m[5]} edges over a node they do not join` : line.trim(), containers === 500 ? 'render <= 3 s, readable (>= 10 px)' : '>= 10 px');
  }
}

const client = new EngineClient(resolveTarget(undefined), 30_000);
let leave = false;
const started = Date.now();
try {
  scale.cleanup();
  const subnet = (n) => `10.251.${n}.0/24`;
  const session = new EngineSession(client, { debounceMs: 150 });
  await session.start();
  console.log('Issue #9 targets, one run:');
  for (const size of [10, 100, 150]) {
    scale.growHost(size, 30, subnet);
    const { containerNamespaces, one, full } = await scale.probeCost(session);
    figure(`probe cost of one event (docker network connect) at ${containerNamespaces} container namespaces`, `${one.namespacesRead} namespaces read, ${one.elapsedMs} ms (a full probe: ${full.namespacesRead}, ${full.elapsedMs} ms)`, 'grows with the changed namespaces, not the host');
  }
  leave = swarmService();
  await inCodeServer();
  syntheticRenders();
  scale.growHost(300, 100, subnet, { running: 150 });
  await session.refresh();
  await sleep(500);
  const tree = await scale.treeRefresh(client, session);
  figure(`tree refresh at ${tree.networks} networks x ${tree.containers} containers vs the two raw API calls (${tree.refresh.toFixed(1)} vs ${tree.raw.toFixed(1)} ms)`, `${(tree.refresh / tree.raw).toFixed(2)}x`, '<= 1.2x');
  figure(`the CLI approach (docker network ls + inspect of all + docker ps -a, ${tree.cli.toFixed(0)} ms) vs the tree refresh`, `${(tree.cli / tree.refresh).toFixed(1)}x slower`, '>= 5x');
  session.dispose();
} finally {
  swarmCleanup(leave);
  scale.cleanup();
}
console.log(`\nIssue #9 targets side by side (${((Date.now() - started) / 1000).toFixed(0)} s):`);
for (const { what, value, target } of figures) console.log(`- ${what}: ${value}${target ? `  [target ${target}]` : ''}`);
process.exit(0);
