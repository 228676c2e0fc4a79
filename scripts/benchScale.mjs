// Scale benchmark on the real engine (prints figures, no pass/fail), for issue #9's targets:
//   npm run build && npx tsc -p test/tsconfig.json && node scripts/benchScale.mjs [--networks 30] [--containers 150]
// Creates its networks and running containers (label dne.bench.scale=1), measures, removes them.
//  A. Tree refresh: EngineSession.refresh vs the two raw API calls (interleaved, median of 11 each)
//     vs the CLI approach (docker network ls + docker network inspect <all> + docker ps -a, median of 3); both ratios.
//  B. Probe cost of one event (IncrementalProbe, as the panel uses it): namespaces read and ms after a
//     `docker network connect`, at 10, 100 and all container namespaces (full probe for comparison).
//  C. Outside `docker network connect` -> the new veth pair in the model's diagram, through the
//     extension's own path (session events, debounced refresh, incremental collect, Mermaid text):
//     10 connects, p50 and p95, whole host and network scope. (The webview's render comes on top:
//     see scripts/bench.mjs step 3 for render times.)
//  D. One traffic sampling pass (issue 19) on the host path: every drawn interface's counters from
//     /proc/self/net/dev (host) and /proc/<pid>/net/dev (containers), as the panel's Traffic toggle reads
//     them once a second; median and p95 of 21 passes. `--traffic-only` runs D alone (target < 20 ms).
// Needs root (nsenter) and a local engine; `--keep` leaves the containers for a second run.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const out = (p) => require(path.join(root, 'out', p));
const { EngineClient } = out('src/engine/engineClient.js');
const { EngineSession } = out('src/engine/engineSession.js');
const { resolveTarget } = out('src/engine/connection.js');
const { collectTopology, ChangedContainers } = out('src/engine/collectTopology.js');
const { IncrementalProbe } = out('src/probe/incrementalProbe.js');
const { probeHost } = out('src/probe/hostProbe.js');
const { generateMermaid } = out('src/model/topology/mermaid.js');
const { DEFAULT_DIAGRAM_OPTIONS } = out('src/model/topology/types.js');
const { ENGLISH_LABELS } = out('src/messages/diagramLabels.js');
const { createTrafficSampler } = out('src/engine/traffic/sampler.js');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const NETWORKS = arg('networks', 30);
const CONTAINERS = arg('containers', 150);
// scripts/benchTargets.mjs imports these measurements with its own label (DNE_BENCH_LABEL).
const LABEL = process.env.DNE_BENCH_LABEL ?? 'dne.bench.scale=1';
const PREFIX = process.env.DNE_BENCH_PREFIX ?? 'dnescale';
const docker = (args) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 }).trim();
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];
const ms = (t0) => performance.now() - t0;
const sleep = (t) => new Promise((resolve) => setTimeout(resolve, t));

export function cleanup() {
  const containers = docker(['ps', '-aq', '--filter', `label=${LABEL}`]).split('\n').filter(Boolean);
  for (let i = 0; i < containers.length; i += 50) docker(['rm', '-f', ...containers.slice(i, i + 50)]);
  const networks = docker(['network', 'ls', '-q', '--filter', `label=${LABEL}`]).split('\n').filter(Boolean);
  for (const network of networks) docker(['network', 'rm', network]);
}

/** Grows the host to `count` running bench containers (networks made first). */
export function growHost(count, networks = NETWORKS, subnet = (n) => `10.250.${n}.0/24`, { running = count } = {}) {
  const made = docker(['network', 'ls', '-q', '--filter', `label=${LABEL}`]).split('\n').filter(Boolean).length;
  for (let n = made; n < networks; n++) docker(['network', 'create', '--label', LABEL, '--subnet', subnet(n), `${PREFIX}-n${n}`]);
  const existing = docker(['ps', '-aq', '--filter', `label=${LABEL}`]).split('\n').filter(Boolean).length;
  const t0 = performance.now();
  for (let c = existing; c < count; c++) {
    // Beyond `running`, containers are created only (the tree lists them all; nothing runs).
    docker([c < running ? 'run' : 'create', ...(c < running ? ['-d'] : []), '--label', LABEL, '--name', `${PREFIX}-c${c}`, '--network', `${PREFIX}-n${c % NETWORKS}`, 'local/busybox:latest', 'sleep', '100000']);
  }
  if (count > existing) console.log(`(host grown to ${count} bench containers on ${networks} networks in ${(ms(t0) / 1000).toFixed(0)} s)`);
}

async function timeOf(run, times = 5) {
  const values = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await run();
    values.push(ms(t0));
  }
  return median(values);
}

export async function treeRefresh(client, session) {
  // The two interleaved, 11 of each (medians): both see the same engine and machine load.
  const raws = [];
  const refreshes = [];
  for (let i = 0; i < 11; i++) {
    let t0 = performance.now();
    await Promise.all([client.listNetworks(), client.listContainers()]);
    raws.push(ms(t0));
    t0 = performance.now();
    await session.refresh();
    refreshes.push(ms(t0));
  }
  const raw = median(raws);
  const refresh = median(refreshes);
  const cli = await timeOf(() => {
    const ids = docker(['network', 'ls', '-q']).split('\n').filter(Boolean);
    docker(['network', 'inspect', ...ids]);
    docker(['ps', '-a', '--no-trunc']);
  }, 3);
  const { networks, containers } = session.snapshot;
  return { networks: networks.length, containers: containers.length, refresh, raw, cli };
}

function printTreeRefresh({ networks, containers, refresh, raw, cli }) {
  console.log(`A. tree refresh at ${networks} networks x ${containers} containers: refresh ${refresh.toFixed(1)} ms, raw two API calls ${raw.toFixed(1)} ms ` +
    `(ratio ${(refresh / raw).toFixed(2)}x, target <= 1.2x), CLI approach ${cli.toFixed(0)} ms (${(cli / refresh).toFixed(1)}x slower, target >= 5x)`);
}

/** One `docker network connect` as the panel sees it: only the named container's namespace (and the host) is read again. */
export async function probeCost(session) {
  await session.refresh();
  const probe = new IncrementalProbe({ local: true });
  const first = await collectTopology(session, undefined, { probe, changedContainerIds: undefined });
  const full = probe.lastCounters;
  const target = session.inventory.containers.find((c) => c.name === `${PREFIX}-c0`);
  const network = `${PREFIX}-n${NETWORKS - 1}`;
  docker(['network', 'connect', network, target.name]);
  await session.refresh();
  await collectTopology(session, undefined, { probe, changedContainerIds: [target.id] });
  const one = probe.lastCounters;
  docker(['network', 'disconnect', network, target.name]);
  const containerNamespaces = Object.keys(first.sandboxes).length;
  return { containerNamespaces, one, full };
}

function printProbeCost({ containerNamespaces, one, full }) {
  console.log(`B. probe cost of one event with ${containerNamespaces} container namespaces: ${one.namespacesRead} read, ${one.namespacesReused} reused, ${one.elapsedMs} ms ` +
    `(the full probe before it: ${full.namespacesRead} read, ${full.elapsedMs} ms)`);
}

async function connectLatency(session, scopeName) {
  const probe = new IncrementalProbe({ local: true });
  const changed = new ChangedContainers(session);
  await collectTopology(session, undefined, { probe, changedContainerIds: changed.take() });
  const target = `${PREFIX}-c0`;
  const network = `${PREFIX}-n${NETWORKS - 1}`;
  const networkId = docker(['network', 'inspect', '-f', '{{.Id}}', network]);
  const scope = scopeName === 'network' ? { kind: 'network', networkId } : { kind: 'host' };
  const latencies = [];
  for (let i = 0; i < 10; i++) {
    let seen;
    const drawn = new Promise((resolve) => {
      const listener = session.onDidChange(async () => {
        const collected = await collectTopology(session, undefined, { probe, changedContainerIds: changed.take() });
        const container = collected?.inventory.containers.find((c) => c.name === target);
        const endpoint = container?.memberships.find((m) => m.networkName === network);
        const text = collected && endpoint ? generateMermaid(collected.topology, scope, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS).text : '';
        if (endpoint && text.includes(endpoint.ipv4 ?? '#')) {
          seen = performance.now();
          listener.dispose();
          resolve();
        }
      });
    });
    const t0 = performance.now();
    docker(['network', 'connect', network, target]);
    await Promise.race([drawn, sleep(10_000)]);
    latencies.push(seen ? seen - t0 : 10_000);
    docker(['network', 'disconnect', network, target]);
    await sleep(400);
  }
  changed.dispose();
  console.log(`C. outside docker network connect -> new endpoint's veth in the diagram text (${scopeName} scope): p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms (target p95 <= 700 ms)`);
}

/** D: one sampling pass over the whole host's drawn interfaces, without root (sysfs + /proc). */
export async function trafficPass(session) {
  await session.refresh();
  const collected = await collectTopology(session, 'sysfs');
  const sampler = createTrafficSampler({ topology: collected.topology, sandboxes: collected.sandboxes, facts: collected.facts, local: true, root: false });
  for (let i = 0; i < 3; i++) await sampler.sample(); // warm: the first passes open files the kernel has not cached
  const passes = [];
  let readings = 0;
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    readings = (await sampler.sample()).readings.length;
    passes.push(ms(t0));
    await sleep(50);
  }
  const bySource = { host: sampler.plan.reads.filter((read) => read.source === 'host').reduce((n, read) => n + read.interfaces.length, 0), procNetDev: sampler.plan.reads.filter((read) => read.source === 'procNetDev').length };
  return { containerNamespaces: Object.keys(collected.sandboxes).length, readings, bySource, p50: percentile(passes, 50), p95: percentile(passes, 95) };
}

function printTrafficPass({ containerNamespaces, readings, bySource, p50, p95 }) {
  console.log(`D. traffic sampling pass at ${containerNamespaces} container namespaces: ${readings} interfaces (${bySource.host} host interfaces in one /proc/self/net/dev read, ` +
    `${bySource.procNetDev} /proc/<pid>/net/dev reads): p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (target < 20 ms)`);
}

async function main() {
const client = new EngineClient(resolveTarget(undefined), 30_000);
const keep = process.argv.includes('--keep');
try {
  const session = new EngineSession(client, { debounceMs: 150 });
  await session.start();
  if (process.argv.includes('--traffic-only')) {
    growHost(CONTAINERS);
    printTrafficPass(await trafficPass(session));
    session.dispose();
    return;
  }
  for (const size of [...new Set([10, 100, CONTAINERS].filter((n) => n <= CONTAINERS))].sort((x, y) => x - y)) {
    growHost(size);
    printProbeCost(await probeCost(session));
  }
  await session.refresh();
  await sleep(500);
  printTreeRefresh(await treeRefresh(client, session));
  await connectLatency(session, 'whole host');
  await connectLatency(session, 'network');
  printTrafficPass(await trafficPass(session));
  session.dispose();
} finally {
  if (!keep) cleanup();
}
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
