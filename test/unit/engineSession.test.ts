/**
 * The session's own logic on a fake engine fed from recorded fixtures, with mocked timers:
 * debounce, the refresh-again rule, backoff, generations, unreachable -> back, the inventory built
 * once per snapshot and inspections kept beside it.
 */
import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { EngineSession, SessionOptions } from '../../src/engine/engineSession';
import { FakeEngine, socketMissingError } from '../support/fakeEngine';
import { loadFixture } from '../support/fixtures';
import { advance, settle } from '../support/fakeTime';

const fixture = loadFixture();
const DEBOUNCE = 150;

describe('EngineSession on a fake engine', () => {
  let engine: FakeEngine;
  let session: EngineSession;
  const open = async (options: Partial<SessionOptions> = {}) => {
    session = new EngineSession(engine, { debounceMs: DEBOUNCE, platform: 'linux', localHostName: 'fake-host', ...options });
    await session.start();
    await settle();
  };

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout'] });
    engine = new FakeEngine(fixture);
  });
  afterEach(() => {
    session?.dispose();
    mock.timers.reset();
  });

  test('a refresh costs two list calls and builds the inventory once per snapshot', async () => {
    await open();
    assert.equal(session.state.kind, 'connected');
    assert.equal(engine.count('listNetworks'), 1);
    assert.equal(engine.count('listContainers'), 1);
    const inventory = session.inventory!;
    assert.deepEqual(
      inventory.networks.map((n) => n.name).sort(),
      fixture.networks.map((n) => n.Name).sort(),
    );
    // Inspecting a container does not rebuild the inventory; the names become known beside it.
    const es = inventory.containers.find((c) => c.name === 'es')!;
    const endpoint = inventory.networks.find((n) => n.name === 'dev')!.endpoints.find((e) => e.containerId === es.id)!;
    assert.equal(session.endpointNames(endpoint), undefined);
    await session.containerDetails(es.id);
    assert.equal(session.inventory, inventory, 'same Inventory object after an inspection');
    assert.deepEqual(session.endpointNames(endpoint)?.aliases, ['search']);
  });

  test('events arriving within the debounce window cause one refresh', async () => {
    await open();
    await advance(DEBOUNCE); // the refresh that follows the subscription
    const before = engine.count('listNetworks');
    for (let i = 0; i < 5; i++) {
      engine.emit({ Type: 'network', Action: 'connect', Actor: { ID: fixture.networks[0].Id, Attributes: {} } });
      await advance(DEBOUNCE / 3);
    }
    assert.equal(engine.count('listNetworks'), before, 'no refresh while events keep coming');
    await advance(DEBOUNCE);
    assert.equal(engine.count('listNetworks'), before + 1);
    assert.equal(engine.count('listContainers'), before + 1);
  });

  test('container events that do not change the trees (exec, health) cause no refresh', async () => {
    await open();
    await advance(DEBOUNCE);
    const before = engine.count('listNetworks');
    engine.emit({ Type: 'container', Action: 'exec_start: sh', Actor: { ID: fixture.containers[0].Id } });
    engine.emit({ Type: 'container', Action: 'health_status: healthy', Actor: { ID: fixture.containers[0].Id } });
    await advance(DEBOUNCE * 2);
    assert.equal(engine.count('listNetworks'), before);
  });

  test('refresh requests during a refresh in flight cause exactly one more', async () => {
    await open({ watch: false });
    let release!: () => void;
    engine.listGate = new Promise<void>((resolve) => (release = resolve));
    const first = session.refresh();
    const joined = [session.refresh(), session.refresh(), session.refresh()];
    assert.ok(joined.every((p) => p === first), 'callers during a run share it');
    engine.listGate = undefined;
    release();
    await first;
    await settle();
    assert.equal(engine.count('listNetworks'), 3, 'start + the held refresh + one more');
  });

  test('an event naming a container forgets its inspection', async () => {
    await open();
    const id = fixture.containers[0].Id;
    await session.containerDetails(id);
    await session.containerDetails(id);
    assert.equal(engine.count('inspectContainer'), 1, 'cached');
    engine.emit({ Type: 'network', Action: 'disconnect', Actor: { ID: fixture.networks[0].Id, Attributes: { container: id } } });
    await session.containerDetails(id);
    assert.equal(engine.count('inspectContainer'), 2);
  });

  test('unreachable: the cause is named, retries back off (0.5 s doubling to 5 s), and the engine comes back', async () => {
    await open();
    const changes: string[] = [];
    session.onDidChange(() => changes.push(session.state.kind));
    engine.stop(socketMissingError());
    await advance(100); // the stream ended: the session asks whether the engine is still there
    assert.equal(session.state.kind, 'unreachable');
    assert.equal(session.state.kind === 'unreachable' && session.state.cause, 'socketMissing');
    assert.equal(session.inventory, undefined);
    const attempts = () => engine.count('listNetworks');
    const delays = [500, 1000, 2000, 4000, 5000, 5000];
    for (const delay of delays) {
      const before = attempts();
      await advance(delay - 1);
      assert.equal(attempts(), before, `no retry before ${delay} ms`);
      await advance(1);
      assert.equal(attempts(), before + 1, `a retry after ${delay} ms`);
    }
    assert.equal(changes.filter((c) => c === 'unreachable').length, 1, 'one change for one cause, not one per retry');
    engine.start();
    await advance(5000);
    assert.equal(session.state.kind, 'connected');
    assert.ok(session.inventory);
    assert.equal(engine.openSubscriptions, 1, 'subscribed again');
  });

  test('an old subscription ending after a new one started is ignored (generations)', async () => {
    await open();
    engine.stop();
    await advance(100);
    engine.start();
    await advance(500);
    assert.equal(session.state.kind, 'connected');
    assert.equal(engine.count('subscribe'), 2);
    await advance(DEBOUNCE);
    const before = engine.count('listNetworks');
    engine.lateEnd(0);
    await advance(1000);
    assert.equal(session.state.kind, 'connected');
    assert.equal(engine.count('listNetworks'), before, 'no refresh for a stream of an older generation');
    assert.equal(engine.count('subscribe'), 2, 'no re-subscription');
    engine.lateEnd(1);
    await advance(100 + DEBOUNCE);
    assert.equal(engine.count('subscribe'), 3, 'the current stream ending does re-subscribe');
  });

  test('dispose stops every timer: no request after it', async () => {
    await open();
    engine.stop();
    await advance(100);
    assert.equal(session.state.kind, 'unreachable');
    session.dispose();
    const before = engine.apiCallCount;
    engine.start();
    await advance(60_000);
    assert.equal(engine.apiCallCount, before);
  });

  test('a one-shot session (the CLI) neither subscribes nor retries', async () => {
    engine.failure = socketMissingError();
    await open({ watch: false });
    assert.equal(session.state.kind, 'unreachable');
    await advance(60_000);
    assert.equal(engine.count('listNetworks'), 1);
    assert.equal(engine.count('subscribe'), 0);
    engine.start();
    await session.refresh();
    assert.equal(session.state.kind, 'connected');
    assert.equal(engine.count('subscribe'), 0);
  });

  test('locality: a local unix socket whose engine reports our host name is local, another host name is not', async () => {
    await open({ localHostName: 'fake-host' });
    assert.equal(session.isLocal, true);
    session.dispose();
    await open({ localHostName: 'another-host' });
    assert.equal(session.isLocal, false);
    session.dispose();
    await open({ platform: 'darwin' });
    assert.equal(session.isLocal, false);
  });
});
