/**
 * The Traffic overlay's clock (src/topologyPanel/trafficFeed.ts) on mocked timers: it samples about
 * once a second only while the panel is visible AND the toggle is on, never two samples at once,
 * publishes rates from the second sample, and stops (no timer, no read) when hidden, off or disposed.
 */
import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { ratesBetween } from '../../src/model/traffic/rates';
import type { CounterSnapshot, InterfaceRate } from '../../src/model/traffic/types';
import { TrafficFeed } from '../../src/topologyPanel/trafficFeed';
import { advance, settle } from '../support/fakeTime';

/** A sampler whose counters grow by 1,000 bytes per call; `delayMs` makes a slow host. */
function fakeSampler(delayMs = 0) {
  const state = { calls: 0, inFlight: 0, most: 0, fail: false };
  const sampler = {
    async sample(): Promise<CounterSnapshot> {
      state.calls++;
      state.inFlight++;
      state.most = Math.max(state.most, state.inFlight);
      try {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (state.fail) throw new Error('gone');
        const bytes = state.calls * 1_000;
        return {
          atMs: Date.now(),
          readings: [{ interfaceId: 'ns:host/if:veth1', namespace: 'host', interface: 'veth1', source: 'sysfs', counters: { rxBytes: bytes, txBytes: 0, rxPackets: state.calls, txPackets: 0, rxDropped: 0, txDropped: 0, rxErrors: 0, txErrors: 0 } }],
        };
      } finally {
        state.inFlight--;
      }
    },
  };
  return { state, sampler };
}

describe('TrafficFeed', () => {
  let published: InterfaceRate[][];
  let errors: unknown[];

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    published = [];
    errors = [];
  });
  afterEach(() => mock.timers.reset());

  function feed(sampler: { sample(): Promise<CounterSnapshot> } | undefined) {
    return new TrafficFeed({ intervalMs: 1_000, sampler: () => sampler, rates: ratesBetween, publish: (rates) => published.push(rates), onError: (error) => errors.push(error) });
  }

  test('no sample while the panel is hidden, or while the toggle is off', async () => {
    const { state, sampler } = fakeSampler();
    const traffic = feed(sampler);
    traffic.setEnabled(true);
    await advance(5_000);
    assert.equal(state.calls, 0, 'hidden: nothing read');
    traffic.setEnabled(false);
    traffic.setVisible(true);
    await advance(5_000);
    assert.equal(state.calls, 0, 'off: nothing read');
    assert.equal(traffic.running, false);
  });

  test('visible and on: a sample about once a second, rates from the second one', async () => {
    const { state, sampler } = fakeSampler();
    const traffic = feed(sampler);
    traffic.setVisible(true);
    traffic.setEnabled(true);
    await advance(0);
    assert.equal(state.calls, 1);
    assert.equal(published.length, 0, 'one reading gives no rate');
    await advance(1_000);
    await advance(1_000);
    assert.equal(state.calls, 3);
    assert.equal(published.length, 2);
    assert.equal(published[1][0].rxBytesPerSecond, 1_000);
    assert.equal(traffic.samplesTaken, 3);
  });

  test('hidden, off or disposed: sampling stops at once', async () => {
    const { state, sampler } = fakeSampler();
    const traffic = feed(sampler);
    traffic.setVisible(true);
    traffic.setEnabled(true);
    await advance(2_000);
    const before = state.calls;
    traffic.setVisible(false);
    await advance(10_000);
    assert.equal(state.calls, before, 'hidden');
    traffic.setVisible(true);
    await advance(0);
    assert.equal(state.calls, before + 1, 'shown again: sampling resumes');
    const published0 = published.length;
    traffic.setEnabled(false);
    await advance(10_000);
    assert.equal(state.calls, before + 1, 'off');
    traffic.setEnabled(true);
    await advance(0);
    assert.equal(published.length, published0, 'the first sample after a pause gives no rate over the pause');
    traffic.dispose();
    await advance(10_000);
    assert.equal(state.calls, before + 2, 'disposed');
  });

  test('a slow host: samples never overlap, and one still reading when the toggle goes off is not published', async () => {
    const { state, sampler } = fakeSampler(3_000);
    const traffic = feed(sampler);
    traffic.setVisible(true);
    traffic.setEnabled(true);
    await advance(0);
    for (let i = 0; i < 12; i++) await advance(500);
    assert.equal(state.most, 1);
    assert.ok(state.calls >= 2 && state.calls <= 3, `calls: ${state.calls}`);
    const count = published.length;
    traffic.setEnabled(false);
    await advance(3_000);
    await settle();
    assert.equal(published.length, count);
  });

  test('failures are reported once per run of them, and sampling goes on', async () => {
    const { state, sampler } = fakeSampler();
    const traffic = feed(sampler);
    traffic.setVisible(true);
    traffic.setEnabled(true);
    state.fail = true;
    await advance(0);
    await advance(1_000);
    await advance(1_000);
    assert.equal(errors.length, 1);
    state.fail = false;
    await advance(1_000);
    state.fail = true;
    await advance(1_000);
    assert.equal(errors.length, 2);
    assert.equal(state.calls, 5);
  });

  test('nothing drawn yet: no read, and the feed waits for a diagram', async () => {
    const traffic = feed(undefined);
    traffic.setVisible(true);
    traffic.setEnabled(true);
    await advance(3_000);
    assert.equal(published.length, 0);
    assert.equal(traffic.samplesTaken, 0);
  });
});
