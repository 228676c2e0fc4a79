/**
 * Traffic counters against the real engine and host: three containers on a network this test makes,
 * N bytes sent from A to B with busybox nc. The sampler's readings for A's and B's interfaces and for
 * their host-side veths (found independently with `ip` inside each namespace and /sys/class/net) grow
 * by at least N in the right direction; C's stay idle. The built command line's `traffic --format
 * json` over an interval with traffic shows the rates on those interfaces. The engine's one-shot
 * stats agree with /proc. Run on Docker 20.10 and, through scripts/engine28.sh, on Docker 28.
 */
import { strict as assert } from 'node:assert';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import { TopologySource } from '../../src/engine/topologySource';
import { createTrafficSampler, trafficSamplerFor, type TrafficSampler } from '../../src/engine/traffic/sampler';
import type { Collected } from '../../src/engine/collectTopology';
import { focusTopology } from '../../src/model/topology/scope';
import type { CounterReading, CounterSnapshot, TrafficReport } from '../../src/model/traffic/types';
import { parseProcNetDev } from '../../src/model/traffic/counters';
import { readProcNetDev } from '../../src/probe/trafficCounters';
import { buildTrafficSituation, hostVethOf, removeTrafficSituation, repeatedSenderArgv, sendBytes, stopSending, type TrafficSituation } from '../support/trafficSituation';
import { sleep, waitFor } from '../support/waitFor';

const root = path.join(__dirname, '..', '..', '..');
const PREFIX = `dne-traffic-${process.pid}`;
const N = 2_000_000;
/** ARP, IPv6 MLD and neighbour discovery a container sends by itself during a test: well under this. */
const NOISE = 4096;

type Side = 'a' | 'b' | 'c';
const SIDES: Side[] = ['a', 'b', 'c'];

function find(snapshot: CounterSnapshot, namespace: string, name: string): CounterReading {
  const found = snapshot.readings.find((reading) => reading.namespace === namespace && reading.interface === name);
  assert.ok(found, `no reading of ${namespace}:${name} among ${snapshot.readings.map((r) => `${r.namespace}:${r.interface}`).join(', ')}`);
  return found;
}

function delta(before: CounterSnapshot, after: CounterSnapshot, namespace: string, name: string) {
  const [x, y] = [find(before, namespace, name).counters, find(after, namespace, name).counters];
  return { rx: y.rxBytes - x.rxBytes, tx: y.txBytes - x.txBytes };
}

/** The built command line, run as a user runs it, without blocking this process (the sender runs beside it). */
function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: '' } }, (error, out, err) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out, err }),
    );
  });
}

function dockerAsync(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile('docker', args, { timeout: 60_000 }, (error) => (error ? reject(error) : resolve())));
}

describe('traffic counters on the real engine', () => {
  let situation: TrafficSituation;
  let client: EngineClient;
  let session: EngineSession;
  let source: TopologySource;
  let collected: Collected;
  const veths = {} as Record<Side, string>;

  before(async () => {
    removeTrafficSituation(PREFIX);
    situation = buildTrafficSituation(PREFIX);
    for (const side of SIDES) {
      veths[side] = hostVethOf(situation[side].pid);
    }
    client = new EngineClient(resolveTarget(undefined), 10_000);
    session = new EngineSession(client, { debounceMs: 0, watch: false });
    source = new TopologySource(session);
    await session.start();
    collected = (await source.collect())!;
    assert.ok(collected, 'the engine answered');
  });
  after(() => {
    source?.dispose();
    session?.dispose();
    client?.dispose();
    removeTrafficSituation(PREFIX);
  });

  function networkSampler(): TrafficSampler {
    const network = collected.inventory.networks.find((candidate) => candidate.name === situation.network)!;
    return trafficSamplerFor(collected, { isLocal: true }, focusTopology(collected.topology, { kind: 'network', networkId: network.id }));
  }

  test('the plan reads each container through /proc/<pid>/net/dev and its host veth with the host, the veth named as ip names it', () => {
    const sampler = networkSampler();
    for (const side of SIDES) {
      const name = situation[side].name;
      const inside = sampler.plan.reads.find((read) => read.source === 'procNetDev' && read.interfaces.some((planned) => planned.namespace === name));
      assert.ok(inside && inside.source === 'procNetDev' && inside.pid === situation[side].pid, `${name} read through its pid`);
      const eth0 = inside.interfaces.find((planned) => planned.interface === 'eth0')!;
      assert.equal(eth0.peer, `host:${veths[side]}`, `${name}'s eth0 peer`);
      const hostEnd = sampler.plan.reads.find((read) => read.source === 'host')!.interfaces.find((planned) => planned.interface === veths[side]);
      assert.ok(hostEnd, `${veths[side]} is read on the host`);
      assert.equal(hostEnd.peer, `${name}:eth0`);
      assert.match(hostEnd.interfaceId ?? '', /^ns:host\/if:/);
    }
  });

  test('N bytes from A to B: A tx, A\'s veth rx, B\'s veth tx and B rx grow by at least N; C and its veth stay idle', async () => {
    const sampler = networkSampler();
    const first = await sampler.sample();
    sendBytes(situation, N);
    await sleep(300);
    const second = await sampler.sample();
    assert.equal(second.warnings, undefined);
    const [a, b, c] = [situation.a.name, situation.b.name, situation.c.name];
    assert.ok(delta(first, second, a, 'eth0').tx >= N, `A eth0 tx ${delta(first, second, a, 'eth0').tx}`);
    assert.ok(delta(first, second, 'host', veths.a).rx >= N, `A's veth rx ${delta(first, second, 'host', veths.a).rx}`);
    assert.ok(delta(first, second, 'host', veths.b).tx >= N, `B's veth tx ${delta(first, second, 'host', veths.b).tx}`);
    assert.ok(delta(first, second, b, 'eth0').rx >= N, `B eth0 rx ${delta(first, second, b, 'eth0').rx}`);
    // The other way is only acknowledgements: far less than N.
    assert.ok(delta(first, second, a, 'eth0').rx < N / 10);
    for (const [namespace, name] of [[c, 'eth0'], ['host', veths.c]]) {
      const moved = delta(first, second, namespace, name);
      assert.ok(moved.rx < NOISE && moved.tx < NOISE, `${namespace}:${name} moved ${JSON.stringify(moved)}`);
    }
    // The host's whole /proc/self/net/dev was read (procfs hands it out a page at a time): no drawn host
    // interface needed the sysfs fallback.
    assert.deepEqual(second.readings.filter((r) => r.namespace === 'host' && r.source !== 'procNetDev').map((r) => r.interface), []);
    // The host's counters are the kernel's, as /sys/class/net/<veth>/statistics shows them.
    for (const side of SIDES) {
      const sysfs = Number(readFileSync(`/sys/class/net/${veths[side]}/statistics/rx_bytes`, 'utf8'));
      const reading = find(second, 'host', veths[side]);
      assert.ok(Math.abs(sysfs - reading.counters.rxBytes) < NOISE, `${veths[side]}: sysfs ${sysfs}, sampler ${reading.counters.rxBytes}`);
      assert.equal(reading.source, 'procNetDev');
    }
    assert.equal(find(second, a, 'eth0').source, 'procNetDev');
    assert.equal(find(second, a, 'eth0').container, a);
  });

  test('traffic --network --format json over an interval with traffic shows the rates on A, B and their veths, none on C', async () => {
    // N bytes again and again, 0.3 s apart, from before the CLI starts until it has answered: its
    // two-second interval holds at least one whole transfer, however long its start takes.
    const sending = dockerAsync(repeatedSenderArgv(situation, N, 0.3));
    await sleep(300);
    const { code, out, err } = await cli(['traffic', '--network', situation.network, '--interval', '2', '--format', 'json']).finally(() => stopSending(situation));
    await sending;
    assert.equal(code, 0, err);
    const report = JSON.parse(out) as TrafficReport;
    assert.ok(report.intervalSeconds >= 2 && report.intervalSeconds < 4, `interval ${report.intervalSeconds}`);
    const rate = (namespace: string, name: string) => {
      const found = report.interfaces.find((entry) => entry.namespace === namespace && entry.interface === name);
      assert.ok(found, `${namespace}:${name} in the report`);
      return found;
    };
    const [a, b, c] = [situation.a.name, situation.b.name, situation.c.name];
    // At least one whole transfer fell inside the interval (a transfer takes well under 0.3 s here).
    const least = N / report.intervalSeconds;
    assert.ok(rate(a, 'eth0').txBytesPerSecond >= least, `A tx ${rate(a, 'eth0').txBytesPerSecond} B/s`);
    assert.ok(rate('host', veths.a).rxBytesPerSecond >= least);
    assert.ok(rate('host', veths.b).txBytesPerSecond >= least);
    assert.ok(rate(b, 'eth0').rxBytesPerSecond >= least);
    assert.ok(rate(a, 'eth0').txPacketsPerSecond > 0);
    assert.equal(rate(a, 'eth0').container, a);
    assert.equal(rate(a, 'eth0').peer, `host:${veths.a}`);
    for (const [namespace, name] of [[c, 'eth0'], ['host', veths.c]]) {
      const idle = rate(namespace, name);
      assert.ok(idle.rxBytesPerSecond * report.intervalSeconds < NOISE && idle.txBytesPerSecond * report.intervalSeconds < NOISE, `${namespace}:${name} ${JSON.stringify(idle)}`);
    }
    // The issue's contract: these keys, in this order, then the source and the diagram's id.
    assert.deepEqual(Object.keys(rate(a, 'eth0')), ['container', 'namespace', 'interface', 'peer', 'rxBytesPerSecond', 'txBytesPerSecond', 'rxPacketsPerSecond', 'txPacketsPerSecond', 'drops', 'errors', 'source', 'interfaceId']);
  });

  test('traffic --container as text: a table of that container\'s interfaces with its veth on the host', async () => {
    const { code, out, err } = await cli(['traffic', '--container', situation.a.name, '--interval', '0.2']);
    assert.equal(code, 0, err);
    const lines = out.split('\n');
    assert.match(lines[0], /^NAMESPACE\s+INTERFACE\s+PEER\s+RX B\/s\s+TX B\/s\s+RX pkt\/s\s+TX pkt\/s\s+DROPS\s+ERRORS\s+SOURCE$/);
    assert.ok(lines.some((line) => new RegExp(`^${situation.a.name}\\s+eth0\\s+host:${veths.a}\\s+\\d+\\s+\\d+\\s+[\\d.]+\\s+[\\d.]+\\s+\\d+\\s+\\d+\\s+procfs$`).test(line)), out);
    assert.ok(lines.some((line) => new RegExp(`^host\\s+${veths.a}\\s+${situation.a.name}:eth0\\s+.*procfs$`).test(line)), out);
    assert.ok(!out.includes(situation.c.name), 'C is not in A\'s scope');
    assert.match(out, /Rates over 0\.\d s, \d+ interfaces\./);
  });

  test('usage errors and an engine that does not answer exit 2 with a sentence', async () => {
    const missing = await cli(['traffic', '--network', `${PREFIX}-missing`]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /there is no network/);
    const bad = await cli(['traffic', '--interval', '0']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--interval takes a number of seconds from 0\.1 to 3600, not "0"/);
    const down = await cli(['traffic', '--host', `unix:///tmp/${PREFIX}-no-engine.sock`]);
    assert.equal(down.code, 2);
    assert.match(down.err, /socket was not found/);
  });

  test('the engine\'s one-shot stats path: the same growth as /proc, within the noise', async () => {
    const network = collected.inventory.networks.find((candidate) => candidate.name === situation.network)!;
    const topology = focusTopology(collected.topology, { kind: 'network', networkId: network.id });
    const viaStats = createTrafficSampler({ topology, sandboxes: collected.sandboxes, facts: collected.facts, local: false, engine: client });
    const viaProc = networkSampler();
    assert.ok(viaStats.plan.reads.every((read) => read.source === 'engineStats'));
    const calls = client.apiCallCount;
    const [statsBefore, procBefore] = await Promise.all([viaStats.sample(), viaProc.sample()]);
    assert.equal(client.apiCallCount - calls, 3, 'one stats call per running container');
    sendBytes(situation, N);
    await sleep(300);
    const [statsAfter, procAfter] = await Promise.all([viaStats.sample(), viaProc.sample()]);
    const a = situation.a.name;
    const fromStats = delta(statsBefore, statsAfter, a, 'eth0');
    const fromProc = delta(procBefore, procAfter, a, 'eth0');
    assert.ok(fromStats.tx >= N, `stats: A tx ${fromStats.tx}`);
    assert.ok(Math.abs(fromStats.tx - fromProc.tx) < NOISE, `stats ${fromStats.tx} vs /proc ${fromProc.tx}`);
    assert.ok(Math.abs(fromStats.rx - fromProc.rx) < NOISE);
    const reading = find(statsAfter, a, 'eth0');
    assert.equal(reading.source, 'engineStats');
    assert.equal(reading.interfaceId, find(procAfter, a, 'eth0').interfaceId, 'mapped to the same diagram node');
    assert.ok(Math.abs(reading.counters.txBytes - find(procAfter, a, 'eth0').counters.txBytes) < NOISE);
  });

  test('a namespace whose /proc/<pid>/net/dev spans several pages is read whole', async () => {
    // A namespace of this test's own (unshare --net, gone with its process) with 40 veth pairs (this
    // kernel has no dummy links): its net/dev is about 10 KB, which procfs hands out a page at a time.
    const script = 'i=0; while [ $i -lt 40 ]; do ip link add dnea$i type veth peer name dneb$i || exit 1; i=$((i+1)); done; exec sleep 60';
    const child = spawn('unshare', ['--net', '--', 'sh', '-c', script], { stdio: 'ignore' });
    try {
      const pid = child.pid!;
      const text = await waitFor('80 links', () => {
        let current = '';
        try {
          current = readFileSync(`/proc/${pid}/net/dev`, 'latin1');
        } catch {
          assert.equal(child.exitCode, null, 'the namespace\'s process ended early');
        }
        return parseProcNetDev(current).size === 81 ? current : undefined;
      });
      assert.ok(text.length > 8192, `net/dev is ${text.length} bytes`);
      const read = await readProcNetDev(pid);
      assert.deepEqual([...read.keys()], [...parseProcNetDev(text).keys()]);
    } finally {
      child.kill();
    }
  });

  test('as root, a namespace without a process is read with ip -s -j link through nsenter, as ip itself reads it', { skip: process.getuid?.() === 0 ? false : 'needs root' }, async () => {
    // A namespace of `ip netns add` (this test's own) with a veth pair inside, IPv6 off (no chatter of
    // its own): a ping to an address nobody has sends ARP requests out of dnex0 that dnex1 receives,
    // and nothing comes back, so the two directions differ.
    const ns = `${PREFIX}-ns`.slice(0, 40);
    const ip = (args: string[]) => execFileSync('ip', args, { encoding: 'utf8' });
    const inside = (argv: string[]) => execFileSync('nsenter', [`--net=/var/run/netns/${ns}`, '--', ...argv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      ip(['netns', 'add', ns]);
      inside(['sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
      ip(['-n', ns, 'link', 'add', 'dnex0', 'type', 'veth', 'peer', 'name', 'dnex1']);
      // One ARP request per resolution (the kernel's default repeats it 3 times, 1 s apart: the
      // counters would still grow while they are compared with ip's). A new namespace has the
      // per-device knobs only.
      inside(['sysctl', '-qw', 'net.ipv4.neigh.dnex0.mcast_solicit=1', 'net.ipv4.neigh.dnex0.ucast_solicit=1']);
      ip(['-n', ns, 'addr', 'add', '10.254.77.1/24', 'dev', 'dnex0']);
      ip(['-n', ns, 'link', 'set', 'dnex0', 'up']);
      ip(['-n', ns, 'link', 'set', 'dnex1', 'up']);
      try {
        inside(['busybox', 'ping', '-c', '1', '-W', '1', '10.254.77.2']);
      } catch {
        // no answer, as meant
      }
      // The resolution has given up (no request left to send): the counters stand still from here.
      await waitFor('the ARP resolution to fail', () => !/INCOMPLETE|PROBE/.test(ip(['-n', ns, 'neigh', 'show', '10.254.77.2'])), { timeoutMs: 10_000 });
      await session.refresh();
      const fresh = (await source.collect())!;
      const sampler = trafficSamplerFor(fresh, { isLocal: true });
      const read = sampler.plan.reads.find((candidate) => candidate.source === 'netns' && candidate.nsPath.endsWith(`/${ns}`));
      assert.ok(read, `${ns} is read through nsenter (${sampler.plan.reads.map((r) => r.source).join(', ')})`);
      const snapshot = await sampler.sample();
      const readings = snapshot.readings.filter((reading) => reading.namespace === ns);
      assert.ok(readings.length >= 2, `readings of ${ns}: ${readings.map((r) => r.interface).join(', ')}`);
      const truth = JSON.parse(ip(['-n', ns, '-s', '-j', 'link', 'show'])) as Array<{ ifname: string; stats64: { rx: { bytes: number; packets: number }; tx: { bytes: number; packets: number } } }>;
      for (const reading of readings) {
        const link = truth.find((candidate) => candidate.ifname === reading.interface)!;
        assert.equal(reading.source, 'netns');
        assert.deepEqual([reading.counters.rxPackets, reading.counters.txPackets, reading.counters.rxBytes, reading.counters.txBytes], [link.stats64.rx.packets, link.stats64.tx.packets, link.stats64.rx.bytes, link.stats64.tx.bytes], reading.interface);
      }
      const sender = readings.find((reading) => reading.interface === 'dnex0')!;
      assert.ok(sender.counters.txPackets > 0 && sender.counters.rxPackets === 0, `dnex0: ${JSON.stringify(sender.counters)}`);
      assert.equal(sender.peer, `${ns}:dnex1`);
    } finally {
      execFileSync('ip', ['netns', 'delete', ns], { stdio: 'ignore' });
    }
  });
});
