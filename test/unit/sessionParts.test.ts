/**
 * The parts EngineSession is made of (src/engine/session/), each on its own, on the fake engine
 * fed from recorded fixtures: what the session's tests (engineSession, sessionFaults, swarm) do
 * not pin down through the facade. The inspections a new snapshot drops, the inspection answered
 * after the engine went away, the replay rules of SeenEvents, a subscription that never answers,
 * the swarm poll giving way to a refresh, and Peers read again once their placement changed.
 */
import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import type { EngineApi } from '../../src/engine/engineApi';
import { EventFeed, EventFeedHooks } from '../../src/engine/session/eventFeed';
import { SeenEvents } from '../../src/engine/session/seenEvents';
import { SnapshotStore } from '../../src/engine/session/snapshotStore';
import { SwarmTracker } from '../../src/engine/session/swarmTracker';
import type { EngineEventJson } from '../../src/model/dockerTypes';
import { FakeEngine } from '../support/fakeEngine';
import { advance, settle } from '../support/fakeTime';
import { loadFixture, snapshotOf } from '../support/fixtures';

const fixture = loadFixture();
const manager = loadFixture('engine-1.41', 'swarm-manager.json');

describe('SnapshotStore', () => {
  test('a new snapshot drops the inspections of the containers it no longer lists, and keeps the others', async () => {
    const engine = new FakeEngine(fixture);
    const store = new SnapshotStore(engine);
    store.replace(snapshotOf(fixture));
    const [gone, kept] = fixture.containers.map((container) => container.Id);
    await store.containerDetails(gone);
    await store.containerDetails(kept);
    const inventory = store.inventory;
    store.replace({ ...snapshotOf(fixture), containers: fixture.containers.filter((container) => container.Id !== gone) });
    assert.notEqual(store.inventory, inventory, 'a new snapshot, a new Inventory');
    await store.containerDetails(kept);
    assert.equal(engine.count('inspectContainer'), 2, 'the kept one is not read again');
    await store.containerDetails(gone);
    assert.equal(engine.count('inspectContainer'), 3, 'the dropped one is');
  });

  test('concurrent askers share one request; a failed inspection is not kept', async () => {
    const engine = new FakeEngine(fixture);
    const store = new SnapshotStore(engine);
    store.replace(snapshotOf(fixture));
    const id = fixture.containers[0].Id;
    const first = store.containerDetails(id);
    assert.equal(store.containerDetails(id), first);
    await first;
    assert.equal(engine.count('inspectContainer'), 1);
    assert.equal(await store.containerDetails('0'.repeat(64)), undefined, 'unknown to the engine');
    assert.equal(await store.containerDetails('0'.repeat(64)), undefined);
    assert.equal(engine.count('inspectContainer'), 3, 'asked again');
  });

  test('an inspection answered after the engine went away (clear) is given but not kept', async () => {
    const engine = new FakeEngine(fixture);
    const store = new SnapshotStore(engine);
    store.replace(snapshotOf(fixture));
    const id = fixture.containers[0].Id;
    const pending = store.containerDetails(id);
    store.clear();
    assert.equal(store.inventory, undefined);
    assert.equal((await pending)?.Id, id);
    store.replace(snapshotOf(fixture));
    await store.containerDetails(id);
    assert.equal(engine.count('inspectContainer'), 2);
  });
});

describe('SeenEvents', () => {
  const network = fixture.networks[0].Id;
  const event = (time: number | undefined, nano?: number, Action = 'connect'): EngineEventJson => ({ Type: 'network', Action, Actor: { ID: network, Attributes: {} }, time, timeNano: nano });

  test('an event without a time is never taken for a replay', () => {
    const seen = new SeenEvents();
    assert.equal(seen.alreadySeen(event(undefined)), false);
    assert.equal(seen.alreadySeen(event(undefined)), false);
    assert.equal(seen.lastSecond, undefined);
  });

  test('in the newest second: the same event again is seen, a later one is new, an earlier one predates the subscription', () => {
    const seen = new SeenEvents();
    const second = 1_700_000_000;
    assert.equal(seen.alreadySeen(event(second, second * 1e9 + 500)), false);
    assert.equal(seen.alreadySeen(event(second, second * 1e9 + 500)), true, 'replayed');
    assert.equal(seen.alreadySeen(event(second, second * 1e9 + 900, 'disconnect')), false, 'later in that second');
    assert.equal(seen.alreadySeen(event(second, second * 1e9 + 100, 'destroy')), true, 'earlier than the latest handled');
    assert.equal(seen.lastSecond, second);
    assert.equal(seen.alreadySeen(event(second + 1, (second + 1) * 1e9)), false, 'a new second');
    assert.equal(seen.lastSecond, second + 1);
    assert.equal(seen.alreadySeen(event(second, second * 1e9 + 500)), false, 'a replay starts at the newest second: older ones are not tracked');
  });
});

describe('EventFeed', () => {
  let engine: FakeEngine;
  let feed: EventFeed;
  let said: string[];
  let connected: boolean;
  const hooks: EventFeedHooks = {
    isConnected: () => connected,
    onEvent: (event) => said.push(`event ${event.Action}`),
    onNewStream: () => said.push('new stream'),
    onStalled: () => said.push('stalled'),
    onStreamEnd: () => said.push('end'),
    onSubscribeFailed: (error) => said.push(`failed ${(error as { code?: string }).code}`),
    refresh: () => said.push('refresh'),
  };

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout'] });
    engine = new FakeEngine(fixture);
    said = [];
    connected = true;
  });
  afterEach(() => {
    feed?.dispose();
    mock.timers.reset();
  });

  test('a subscription that never answers counts as a failure after subscribeTimeoutMs; the late stream is closed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: Pick<EngineApi, 'subscribe'> = { subscribe: (...args) => gate.then(() => engine.subscribe(...args)) };
    feed = new EventFeed(slow, { debounceMs: 10, subscribeTimeoutMs: 5000 }, hooks);
    feed.start();
    await advance(4999);
    assert.deepEqual(said, []);
    await advance(1);
    assert.deepEqual(said, ['failed ETIMEDOUT']);
    release();
    await settle();
    assert.equal(engine.count('subscribe'), 1);
    assert.equal(engine.openSubscriptions, 0, 'the stream that came late is closed');
  });

  test('a new stream asks for one refresh; events of a burst share one; no silence check while not connected', async () => {
    feed = new EventFeed(engine, { debounceMs: 10, eventCheckMs: 1000 }, hooks);
    feed.start();
    await settle();
    await advance(10);
    assert.deepEqual(said, ['new stream', 'refresh']);
    said = [];
    engine.emit({ Type: 'network', Action: 'connect', Actor: { ID: fixture.networks[0].Id, Attributes: {} } });
    engine.emit({ Type: 'container', Action: 'exec_start: sh', Actor: { ID: fixture.containers[0].Id } });
    engine.emit({ Type: 'container', Action: 'stop', Actor: { ID: fixture.containers[0].Id } });
    await advance(10);
    assert.deepEqual(said, ['event connect', 'event stop', 'refresh'], 'exec is not an event the trees care about');
    connected = false;
    await advance(5000);
    assert.equal(engine.count('subscribe'), 1, 'not connected: no check');
    feed.stop();
    assert.equal(engine.openSubscriptions, 0);
  });
});

describe('SwarmTracker', () => {
  const POLL = 2000;
  let engine: FakeEngine;
  let store: SnapshotStore;
  let tracker: SwarmTracker;
  let canPoll: boolean;
  let refreshes: number;

  beforeEach(() => {
    mock.timers.enable({ apis: ['setInterval'] });
    engine = new FakeEngine(manager);
    store = new SnapshotStore(engine);
    store.replace(snapshotOf(manager));
    canPoll = true;
    refreshes = 0;
    tracker = new SwarmTracker(engine, store, { canPoll: () => canPoll, refresh: () => void refreshes++ }, POLL);
    tracker.learn(manager.info);
  });
  afterEach(() => {
    tracker.dispose();
    mock.timers.reset();
  });

  const swarmCalls = () => engine.count('listSwarmNodes') + engine.count('listTasks') + engine.count('listServices');

  test('the poll reads nothing while it may not (a refresh in flight), and gives way to a refresh that read meanwhile', async () => {
    tracker.startPolling();
    canPoll = false;
    await advance(POLL);
    assert.equal(swarmCalls(), 0);
    canPoll = true;
    let release!: () => void;
    engine.listGate = new Promise<void>((resolve) => (release = resolve));
    engine.tasks = engine.tasks.slice(1); // a change the poll would see
    await advance(POLL);
    const read = tracker.forRefresh(); // a refresh reads the lists while the poll waits for its own
    engine.listGate = undefined;
    release();
    await read;
    await settle();
    assert.equal(swarmCalls(), 6, 'the poll read, and so did the refresh');
    assert.equal(refreshes, 0, 'the refresh has lists at least as new: the poll asks none');
  });

  test('Peers are kept while the placement holds and read again once it changed', async () => {
    const network = [...store.inventory!.swarm!.networkById.values()].find((candidate) => candidate.spans.some((span) => span.tasks.length > 0))!;
    await tracker.readPeers(network.id);
    await tracker.readPeers(network.id);
    assert.equal(engine.count('inspectNetwork'), 1);
    const moved = network.spans.flatMap((span) => span.tasks)[0].id;
    const snapshot = snapshotOf(manager);
    store.replace({ ...snapshot, swarm: { ...snapshot.swarm!, tasks: snapshot.swarm!.tasks.filter((task) => task.ID !== moved) } });
    assert.equal(tracker.peersLookup(network.id), undefined, 'the placement changed: not current');
    await tracker.readPeers(network.id);
    assert.equal(engine.count('inspectNetwork'), 2);
  });
});
