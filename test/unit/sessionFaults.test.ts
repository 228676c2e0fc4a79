/**
 * Faults of the event stream, on the fake engine with mocked timers (the engine tier,
 * test/engine/faults.test.ts, does the same against the real dockerd): a stream that stalls
 * without closing is found by the silence check and the missed change shows; a healthy silent
 * stream costs one request per silent period and no refresh; a stream that keeps breaking (a line
 * over the cap) is logged once and backed off. Plus the line splitter's cap, and EngineClient
 * dropping a stream without newlines from a local HTTP server.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession, SessionOptions } from '../../src/engine/engineSession';
import { EventLineSplitter, EventLineTooLong, MAX_EVENT_LINE } from '../../src/engine/eventLines';
import { parseDockerHost } from '../../src/model/connectionResolution';
import { FakeEngine } from '../support/fakeEngine';
import { loadFixture } from '../support/fixtures';
import { advance, settle } from '../support/fakeTime';

const fixture = loadFixture();
const DEBOUNCE = 150;
const CHECK = 30_000;

describe('event stream faults on a fake engine', () => {
  let engine: FakeEngine;
  let session: EngineSession;
  let log: string[];
  const open = async (options: Partial<SessionOptions> = {}) => {
    log = [];
    session = new EngineSession(engine, { debounceMs: DEBOUNCE, platform: 'linux', localHostName: 'fake-host', log: (line) => log.push(line), ...options });
    await session.start();
    await settle();
    await advance(DEBOUNCE); // the refresh that follows the subscription
  };

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout'] });
    engine = new FakeEngine(fixture);
  });
  afterEach(() => {
    session?.dispose();
    mock.timers.reset();
  });

  test('a healthy but silent stream is checked once per silent period: one subscription, no refresh, no duplicate', async () => {
    await open();
    const network = fixture.networks[0];
    engine.emit({ Type: 'network', Action: 'connect', Actor: { ID: network.Id, Attributes: {} }, time: engine.now, timeNano: engine.now * 1e9 + 5 });
    await advance(DEBOUNCE);
    const refreshes = engine.count('listNetworks');
    const subscriptions = engine.count('subscribe');
    for (let period = 1; period <= 3; period++) {
      // The first period counts from the event (one debounce ago), the next ones from each check.
      await advance(CHECK - (period === 1 ? DEBOUNCE : 0) - 1);
      assert.equal(engine.count('subscribe'), subscriptions + period - 1, 'nothing before the period is over');
      await advance(1);
      assert.equal(engine.count('subscribe'), subscriptions + period, `one check after silent period ${period}`);
    }
    await advance(DEBOUNCE);
    // Each check replayed the last event (its second): recognised, so no refresh.
    assert.deepEqual(engine.subscribeSince.slice(-3), [engine.now, engine.now, engine.now]);
    assert.equal(engine.count('listNetworks'), refreshes, 'a healthy silent stream costs no refresh');
    assert.equal(engine.openSubscriptions, 1, 'the old streams are closed');
    assert.equal(engine.apiCallCount - engine.calls.lastIndexOf('listContainers') - 1, 3, 'only the three subscriptions since the last refresh');
  });

  test('a replay that repeats an event from before the subscription (same second, earlier) costs no refresh', async () => {
    // Seen in CI on the real engine: another test's `network destroy` in the same second as this
    // session's first event, before it subscribed, came back in every silence check's replay.
    engine.emit({ Type: 'network', Action: 'destroy', Actor: { ID: 'f'.repeat(64), Attributes: {} }, time: engine.now, timeNano: engine.now * 1e9 + 26_000_000 });
    await open();
    const network = fixture.networks[0];
    engine.emit({ Type: 'network', Action: 'connect', Actor: { ID: network.Id, Attributes: {} }, time: engine.now, timeNano: engine.now * 1e9 + 670_000_000 });
    await advance(DEBOUNCE);
    const refreshes = engine.count('listNetworks');
    const subscriptions = engine.count('subscribe');
    await advance(CHECK);
    await advance(DEBOUNCE);
    assert.equal(engine.count('subscribe'), subscriptions + 1, 'one silence check');
    assert.equal(engine.count('listNetworks'), refreshes, 'the earlier event predates the snapshot: no refresh');
    assert.ok(!log.some((line) => /stalled/.test(line)), `no stall reported: ${log.join(' | ')}`);
  });

  test('a stream that stalls without closing: the change made during the stall shows within one check period', async () => {
    await open();
    const gone = engine.networks.find((n) => n.Name === 'dev')!;
    engine.freeze();
    engine.networks = engine.networks.filter((n) => n !== gone);
    engine.now += 3;
    engine.emit({ Type: 'network', Action: 'destroy', Actor: { ID: gone.Id, Attributes: {} }, time: engine.now, timeNano: engine.now * 1e9 });
    await advance(CHECK - DEBOUNCE - 1);
    assert.ok(session.inventory!.networkById.has(gone.Id), 'the stalled stream delivered nothing: still shown');
    engine.now += 30;
    await advance(DEBOUNCE + 1); // the silence check (30 s after the last event) resubscribes with since
    await advance(DEBOUNCE); // the replayed event's debounced refresh
    assert.equal(session.inventory!.networkById.has(gone.Id), false, 'shown gone after the check');
    assert.equal(engine.subscribeSince.at(-1), 1_700_000_000, 'replay from the old stream start (no event seen before)');
    assert.ok(log.some((line) => line.includes('stalled')), log.join('\n'));
    assert.equal(engine.openSubscriptions, 1);
  });

  test('without the check (eventCheckMs 0) the stalled stream hides the change: the check is what finds it', async () => {
    await open({ eventCheckMs: 0 });
    const gone = engine.networks.find((n) => n.Name === 'dev')!;
    engine.freeze();
    engine.networks = engine.networks.filter((n) => n !== gone);
    engine.emit({ Type: 'network', Action: 'destroy', Actor: { ID: gone.Id, Attributes: {} }, time: engine.now });
    await advance(CHECK * 4);
    assert.ok(session.inventory!.networkById.has(gone.Id));
  });

  test('a stream that keeps breaking (a line over the cap) is logged once, backed off, and resubscribed with a refresh', async () => {
    await open();
    const refreshesAt: number[] = [];
    const before = engine.count('listNetworks');
    for (let round = 0; round < 4; round++) {
      engine.endStreams(new EventLineTooLong(MAX_EVENT_LINE));
      const expected = 100 * 2 ** round;
      await advance(expected - 1);
      refreshesAt.push(engine.count('listNetworks') - before);
      await advance(1);
      refreshesAt.push(engine.count('listNetworks') - before);
      await advance(DEBOUNCE); // resubscribed, and the refresh that follows a new stream
    }
    assert.deepEqual(refreshesAt, [0, 1, 2, 3, 4, 5, 6, 7], 'a refresh 100, 200, 400, 800 ms after each end, not before');
    assert.equal(log.filter((line) => line.includes('without a newline')).length, 1, log.join('\n'));
    assert.equal(session.state.kind, 'connected');
    assert.equal(engine.openSubscriptions, 1);
  });
});

describe('event line splitter', () => {
  test('lines split across chunks and a character split across chunks come out whole', () => {
    const lines: string[] = [];
    const splitter = new EventLineSplitter((line) => lines.push(line));
    const text = Buffer.from('{"a":"é"}\n\n{"b":2}\n{"c"');
    for (let i = 0; i < text.length; i++) {
      assert.equal(splitter.push(text.subarray(i, i + 1)), undefined);
    }
    assert.equal(splitter.push(Buffer.from(':3}\n')), undefined);
    assert.deepEqual(lines, ['{"a":"é"}', '{"b":2}', '{"c":3}']);
  });

  test('bytes without a newline stop at the cap: nothing more is buffered nor delivered', () => {
    const lines: string[] = [];
    const splitter = new EventLineSplitter((line) => lines.push(line), 1000);
    assert.equal(splitter.push(Buffer.alloc(600, 'x')), undefined);
    assert.ok(splitter.push(Buffer.alloc(600, 'x')) instanceof EventLineTooLong);
    assert.ok(splitter.push(Buffer.from('\n{"a":1}\n')) instanceof EventLineTooLong);
    assert.deepEqual(lines, []);
    const whole = new EventLineSplitter(() => assert.fail('no line'), 1000);
    assert.ok(whole.push(Buffer.from(`${'y'.repeat(2000)}\n`)) instanceof EventLineTooLong, 'one huge line in one chunk too');
  });

  test('EngineClient drops an event stream that sends 2 MiB without a newline, and closes it', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'dne-events-'));
    const socketPath = path.join(folder, 'engine.sock');
    let closedByClient!: () => void;
    const closed = new Promise<void>((resolve) => (closedByClient = resolve));
    const server = http.createServer((request, response) => {
      assert.match(request.url ?? '', /^\/events/);
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write('{"Type":"network","Action":"create","Actor":{"ID":"n1"},"time":1}\n');
      const chunk = 'z'.repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 2 * 1024 * 1024 && response.write(chunk)) {
          sent += chunk.length;
        }
        if (sent < 2 * 1024 * 1024) {
          response.once('drain', pump);
        }
      };
      pump();
      response.on('close', () => closedByClient());
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const client = new EngineClient({ source: 'setting', contextName: 'default', ...parseDockerHost(`unix://${socketPath}`) });
      const events: string[] = [];
      const ended = new Promise<unknown>((resolve) => {
        void client.subscribe((event) => events.push(event.Action ?? ''), resolve);
      });
      const error = await Promise.race([ended, new Promise((resolve) => setTimeout(() => resolve('the stream never ended'), 10_000).unref())]);
      assert.ok(error instanceof EventLineTooLong, String(error));
      assert.deepEqual(events, ['create'], 'the good line before it was delivered');
      await closed;
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('refreshes during an outside burst', () => {
  let engine: FakeEngine;
  let session: EngineSession;
  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    engine = new FakeEngine(fixture);
  });
  afterEach(() => {
    session?.dispose();
    mock.timers.reset();
  });

  test('a burst that never pauses still refreshes once a second (not never), and once more after its last event', async () => {
    session = new EngineSession(engine, { debounceMs: DEBOUNCE, platform: 'linux', localHostName: 'fake-host' });
    await session.start();
    await settle();
    await advance(DEBOUNCE);
    const before = engine.count('listNetworks');
    // An event every 100 ms for 2.5 s: each one postpones the debounce (150 ms) before it runs out.
    for (let tick = 0; tick < 25; tick++) {
      engine.emit({ Type: 'network', Action: 'connect', Actor: { ID: fixture.networks[0].Id, Attributes: {} } });
      await advance(100);
    }
    assert.equal(engine.count('listNetworks') - before, 2, 'one refresh per second of the burst (at 1 s and 2 s)');
    await advance(DEBOUNCE);
    assert.equal(engine.count('listNetworks') - before, 3, 'and the trailing one after the last event');
  });
});
