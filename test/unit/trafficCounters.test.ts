/**
 * The traffic parsers and rates on counters recorded from the real engine and host
 * (scripts/recordTrafficFixtures.ts: 2 MB sent from A to B with busybox nc, read before and after
 * through /proc/<pid>/net/dev, `ip -s -j link`, /sys/class/net/<veth>/statistics and the Engine
 * API's one-shot stats), on Docker 20.10 (API 1.41) and Docker 28 (API 1.51).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { countersFromEngineStats, countersFromSysfs, parseIpStatsJson, parseProcNetDev, type ContainerStatsJson } from '../../src/model/traffic/counters';
import { activityByInterfaceId, busiest, isIdle, ratesBetween, trafficReport } from '../../src/model/traffic/rates';
import type { CounterReading, CounterSnapshot, InterfaceCounters } from '../../src/model/traffic/types';
import { FIXTURES_FOLDER } from '../support/fixtures';

type Side = 'a' | 'b' | 'c';
interface Phase {
  procNetDev: Record<Side, string>;
  ipStatsInA: string;
  ipStatsHost: Record<Side, string>;
  sysfs: Record<Side, string[]>;
  stats: Record<Side, ContainerStatsJson>;
  atMs: number;
}
interface TrafficFixture {
  recordedWith: { engine: string; apiVersion: string };
  sentBytes: number;
  hostVeths: Record<Side, string>;
  before: Phase;
  after: Phase;
}

const load = (api: string) => JSON.parse(readFileSync(path.join(FIXTURES_FOLDER, `engine-${api}`, 'traffic.json'), 'utf8')) as TrafficFixture;
/** ARP, IPv6 MLD and neighbour discovery a new container sends by itself: well under this. */
const NOISE = 4096;

const eth0 = (counters: Map<string, InterfaceCounters>) => {
  const found = counters.get('eth0');
  assert.ok(found, `no eth0 among ${[...counters.keys()].join(', ')}`);
  return found;
};
const sub = (after: InterfaceCounters, before: InterfaceCounters) => ({ rx: after.rxBytes - before.rxBytes, tx: after.txBytes - before.txBytes });
const hostSide = (phase: Phase, side: Side, veth: string) => {
  const counters = parseIpStatsJson(phase.ipStatsHost[side]).get(veth);
  assert.ok(counters, `ip -s -j link has no ${veth}`);
  return counters;
};

for (const api of ['1.41', '1.51']) {
  const fixture = load(api);
  const { before, after, sentBytes: N, hostVeths } = fixture;

  describe(`traffic counters recorded from Docker ${fixture.recordedWith.engine} (API ${api})`, () => {
    test('/proc/<pid>/net/dev: A sent at least N bytes, B received them, C stayed idle; lo is listed', () => {
      const a = sub(eth0(parseProcNetDev(after.procNetDev.a)), eth0(parseProcNetDev(before.procNetDev.a)));
      const b = sub(eth0(parseProcNetDev(after.procNetDev.b)), eth0(parseProcNetDev(before.procNetDev.b)));
      const c = sub(eth0(parseProcNetDev(after.procNetDev.c)), eth0(parseProcNetDev(before.procNetDev.c)));
      assert.ok(a.tx >= N && a.tx < N * 1.2, `A tx ${a.tx}`);
      assert.ok(b.rx >= N && b.rx < N * 1.2, `B rx ${b.rx}`);
      assert.ok(c.rx < NOISE && c.tx < NOISE, `C moved ${JSON.stringify(c)}`);
      assert.deepEqual([...parseProcNetDev(after.procNetDev.a).keys()].sort(), ['eth0', 'lo']);
      // The packet counters move with the bytes (at most one MTU per segment).
      const packets = eth0(parseProcNetDev(after.procNetDev.a)).txPackets - eth0(parseProcNetDev(before.procNetDev.a)).txPackets;
      assert.ok(packets >= N / 65536 && packets <= N / 500, `A tx packets ${packets}`);
    });

    test('ip -s -j link inside A agrees with /proc/<pid>/net/dev', () => {
      const viaIp = eth0(parseIpStatsJson(after.ipStatsInA));
      const viaProc = eth0(parseProcNetDev(after.procNetDev.a));
      assert.ok(Math.abs(viaIp.txBytes - viaProc.txBytes) < NOISE, `ip ${viaIp.txBytes} vs proc ${viaProc.txBytes}`);
      assert.ok(Math.abs(viaIp.rxBytes - viaProc.rxBytes) < NOISE);
      assert.ok(parseIpStatsJson(after.ipStatsInA).has('lo'));
    });

    test('the host side mirrors the container side: A\'s veth received what A sent, B\'s veth sent what B received', () => {
      const vethA = sub(hostSide(after, 'a', hostVeths.a), hostSide(before, 'a', hostVeths.a));
      const vethB = sub(hostSide(after, 'b', hostVeths.b), hostSide(before, 'b', hostVeths.b));
      const vethC = sub(hostSide(after, 'c', hostVeths.c), hostSide(before, 'c', hostVeths.c));
      assert.ok(vethA.rx >= N, `A's veth rx ${vethA.rx}`);
      assert.ok(vethB.tx >= N, `B's veth tx ${vethB.tx}`);
      assert.ok(vethC.rx < NOISE && vethC.tx < NOISE, `C's veth moved ${JSON.stringify(vethC)}`);
    });

    test('sysfs statistics give the same counters as ip -s -j link for the host veths', () => {
      for (const side of ['a', 'b', 'c'] as Side[]) {
        const sysfs = countersFromSysfs(after.sysfs[side]);
        assert.ok(sysfs, `sysfs of ${side} unreadable`);
        const ip = hostSide(after, side, hostVeths[side]);
        assert.ok(Math.abs(sysfs.rxBytes - ip.rxBytes) < NOISE && Math.abs(sysfs.txBytes - ip.txBytes) < NOISE, `${side}: sysfs ${JSON.stringify(sysfs)} ip ${JSON.stringify(ip)}`);
      }
      assert.equal(countersFromSysfs(['1', '2', '3']), undefined);
      assert.equal(countersFromSysfs(['x', '0', '0', '0', '0', '0', '0', '0']), undefined);
    });

    test('the engine\'s one-shot stats name the container\'s interfaces and agree with /proc within the noise', () => {
      const viaStats = sub(eth0(countersFromEngineStats(after.stats.a)), eth0(countersFromEngineStats(before.stats.a)));
      assert.ok(viaStats.tx >= N, `stats: A tx ${viaStats.tx}`);
      const proc = eth0(parseProcNetDev(after.procNetDev.a));
      assert.ok(Math.abs(eth0(countersFromEngineStats(after.stats.a)).txBytes - proc.txBytes) < NOISE);
      assert.equal(countersFromEngineStats({ networks: null }).size, 0);
    });

    test('rates over the recorded interval: A\'s eth0 is the busiest, C\'s idle or nearly', () => {
      const snapshot = (phase: Phase): CounterSnapshot => ({
        atMs: phase.atMs,
        readings: (['a', 'b', 'c'] as Side[]).map((side): CounterReading => ({ interfaceId: `ns:${side}/if:eth0`, namespace: side, interface: 'eth0', source: 'procNetDev', counters: eth0(parseProcNetDev(phase.procNetDev[side])) })),
      });
      const report = trafficReport(snapshot(before), snapshot(after));
      const seconds = (after.atMs - before.atMs) / 1000;
      assert.equal(report.intervalSeconds, seconds);
      const a = report.interfaces.find((rate) => rate.namespace === 'a')!;
      assert.ok(a.txBytesPerSecond >= N / seconds, `A tx ${a.txBytesPerSecond} B/s`);
      // A sent and B received the same bytes: those two are the busiest, in either order; C is not among them.
      assert.deepEqual(busiest(report.interfaces, 2).map((rate) => rate.namespace).sort(), ['a', 'b']);
      assert.equal(activityByInterfaceId(report.interfaces).get(busiest(report.interfaces)[0].interfaceId!), 'busiest');
    });
  });
}

describe('rates between two snapshots', () => {
  const counters = (bytes: number, packets = bytes / 100): InterfaceCounters => ({ rxBytes: bytes, txBytes: bytes * 2, rxPackets: packets, txPackets: packets, rxDropped: 0, txDropped: 0, rxErrors: 0, txErrors: 0 });
  const reading = (namespace: string, name: string, c: InterfaceCounters): CounterReading => ({ interfaceId: `${namespace}/if:${name}`, namespace, interface: name, source: 'sysfs', counters: c });

  test('per second, from the counters\' difference over the interval', () => {
    const rates = ratesBetween({ atMs: 1000, readings: [reading('host', 'br0', counters(1000))] }, { atMs: 3000, readings: [reading('host', 'br0', counters(5000))] });
    assert.equal(rates.length, 1);
    assert.equal(rates[0].rxBytesPerSecond, 2000);
    assert.equal(rates[0].txBytesPerSecond, 4000);
    assert.equal(rates[0].rxPacketsPerSecond, 20);
  });

  test('a counter that went backwards (a reset) or a new interface gives no rate, never a negative one', () => {
    const rates = ratesBetween(
      { atMs: 0, readings: [reading('ctr', 'eth0', counters(9000)), reading('host', 'br0', counters(10))] },
      { atMs: 1000, readings: [reading('ctr', 'eth0', counters(100)), reading('host', 'br0', counters(10)), reading('host', 'veth1', counters(50))] },
    );
    assert.deepEqual(rates.map((rate) => rate.interface), ['br0']);
    assert.ok(isIdle(rates[0]));
    assert.equal(activityByInterfaceId(rates).get('host/if:br0'), 'idle');
  });

  test('drops and errors are the counts of the interval, both ways', () => {
    const before = counters(0);
    const after = { ...counters(0), rxDropped: 3, txDropped: 2, rxErrors: 1, txErrors: 0 };
    const [rate] = ratesBetween({ atMs: 0, readings: [reading('h', 'x', before)] }, { atMs: 500, readings: [reading('h', 'x', after)] });
    assert.equal(rate.drops, 5);
    assert.equal(rate.errors, 1);
  });

  test('no interval, no rates', () => {
    assert.deepEqual(ratesBetween({ atMs: 5, readings: [reading('h', 'x', counters(1))] }, { atMs: 5, readings: [reading('h', 'x', counters(2))] }), []);
  });
});
