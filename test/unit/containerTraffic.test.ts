/**
 * The trees' tooltip rates (src/views/containerTraffic.ts) on mocked timers: read only when a tooltip
 * is resolved (a first hover reads twice, half a second apart; a later one reads once against the
 * kept reading), kept for a short while, loopback left out, the Engine API's stats for engines that
 * are not local, and nothing at all for a pid that is not one.
 */
import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import type { CountersByInterface } from '../../src/model/traffic/counters';
import type { InterfaceCounters } from '../../src/model/traffic/types';
import { ContainerTraffic, RATES_KEPT_MS, SECOND_READING_MS, type ContainerTrafficTarget } from '../../src/views/containerTraffic';
import { advance, settle } from '../support/fakeTime';

function counters(rxBytes: number, rxPackets: number): InterfaceCounters {
  return { rxBytes, txBytes: rxBytes / 2, rxPackets, txPackets: rxPackets, rxDropped: 0, txDropped: 0, rxErrors: 0, txErrors: 0 };
}

describe('ContainerTraffic', () => {
  let reads: number[];
  let bytes: number;
  let traffic: ContainerTraffic;

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 5_000_000 });
    reads = [];
    bytes = 0;
    traffic = new ContainerTraffic(async (pid) => {
      reads.push(pid);
      bytes += 10_000;
      return new Map([['lo', counters(bytes, 1)], ['eth0', counters(bytes, bytes / 100)]]) as CountersByInterface;
    });
  });
  afterEach(() => mock.timers.reset());

  const target = (extra: Partial<ContainerTrafficTarget> = {}): ContainerTrafficTarget => ({
    key: 'e/c1', name: 'web', pid: 4242, local: true, stats: async () => { throw new Error('not asked'); }, ...extra,
  });

  /** Resolves a tooltip: starts it, moves the clock as the reads wait, returns its rates. */
  async function hover(t = target()) {
    const pending = traffic.ratesOf(t);
    await settle(); // the first reading, then the wait for the second is set
    await advance(SECOND_READING_MS);
    return pending;
  }

  test('a first hover reads twice, half a second apart, and gives per-second rates without loopback', async () => {
    const rates = await hover();
    assert.deepEqual(reads, [4242, 4242]);
    assert.deepEqual(rates?.map((rate) => rate.interface), ['eth0']);
    assert.equal(rates?.[0].rxBytesPerSecond, 10_000 / (SECOND_READING_MS / 1000));
    assert.equal(rates?.[0].source, 'procNetDev');
  });

  test('rates are kept a short while, then one reading against the kept one is enough', async () => {
    await hover();
    await advance(RATES_KEPT_MS - 600);
    await hover();
    assert.equal(reads.length, 2, 'read again within the short cache');
    await advance(3_000);
    const later = await traffic.ratesOf(target());
    assert.equal(reads.length, 3, 'one more reading');
    assert.ok(later && later[0].rxBytesPerSecond > 0);
  });

  test('a hover long after the last reads twice again (the old reading would average minutes in)', async () => {
    await hover();
    await advance(60_000);
    await hover();
    assert.equal(reads.length, 4);
  });

  test('an engine that is not local: the Engine API stats, marked as such', async () => {
    let calls = 0;
    const stats = async () => {
      calls++;
      return { networks: { eth0: { rx_bytes: calls * 1_000, tx_bytes: 0, rx_packets: calls, tx_packets: 0, rx_dropped: 0, tx_dropped: 0, rx_errors: 0, tx_errors: 0 } } };
    };
    const rates = await hover(target({ key: 'remote/c1', local: false, pid: undefined, stats }));
    assert.equal(calls, 2);
    assert.equal(reads.length, 0, 'no /proc read for a remote engine');
    assert.equal(rates?.[0].source, 'engineStats');
    assert.equal(rates?.[0].rxBytesPerSecond, 1_000 / (SECOND_READING_MS / 1000));
  });

  test('a pid that is not one reads nothing and gives no rates', async () => {
    for (const pid of [undefined, 0, -1, 1.5]) {
      assert.equal(await hover(target({ key: `e/${String(pid)}`, pid })), undefined);
    }
    assert.deepEqual(reads, []);
  });

  test('a container gone meanwhile gives no rates, and no error', async () => {
    traffic = new ContainerTraffic(async () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    });
    assert.equal(await hover(), undefined);
  });
});
