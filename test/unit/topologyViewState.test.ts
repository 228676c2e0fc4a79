import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { parseWebviewMessage, type TopologyToggles } from '../../src/topologyPanel/protocol';
import { engineKey } from '../../src/model/engines';
import { migrateStoredEngine, scopeFromValue, scopeToValue, StateStore, storedEngineKey, TopologyViewState, VIEW_STATE_KEY } from '../../src/topologyPanel/viewState';

const DEFAULTS: TopologyToggles = { showIPs: true, showMACs: false, showStopped: false, showUnmanaged: true, showInferred: true };

/** A Memento in memory that records every write. */
function memoryStore(initial?: unknown): StateStore & { writes: unknown[] } {
  const values = new Map<string, unknown>(initial === undefined ? [] : [[VIEW_STATE_KEY, initial]]);
  const writes: unknown[] = [];
  return {
    writes,
    get: <T>(key: string) => values.get(key) as T | undefined,
    update: (key: string, value: unknown) => {
      values.set(key, value);
      writes.push(value);
      return Promise.resolve();
    },
  };
}

describe('topology view state (owned by the host)', () => {
  test('scope values round-trip', () => {
    for (const value of ['host', 'network:abc', 'container:def'] as const) {
      assert.equal(scopeToValue(scopeFromValue(value)), value);
    }
    assert.deepEqual(scopeFromValue(undefined), { kind: 'host' });
  });

  test('starts from the defaults, then from what it stored', () => {
    const store = memoryStore();
    const first = new TopologyViewState(store, DEFAULTS);
    assert.deepEqual(first.scope, { kind: 'host' });
    assert.deepEqual(first.toggles, DEFAULTS);
    assert.equal(first.setScope({ kind: 'network', networkId: 'abc' }), true);
    assert.equal(first.changeToggles({ showMACs: true }), true);
    const second = new TopologyViewState(store, DEFAULTS);
    assert.equal(second.scopeValue, 'network:abc');
    assert.deepEqual(second.toggles, { ...DEFAULTS, showMACs: true });
  });

  test('the panel size: a first measure, or a side changed by more than 8%, lays the overview out again; it is stored for the next panel', () => {
    const store = memoryStore();
    const state = new TopologyViewState(store, DEFAULTS);
    assert.equal(state.panel, undefined);
    assert.equal(state.setPanel({ width: 1042, height: 694 }), true, 'first measure');
    assert.equal(state.setPanel({ width: 1060, height: 700 }), false, 'a few pixels (a scroll bar, a wrapped toolbar line)');
    assert.equal(state.setPanel({ width: 521, height: 694 }), true, 'split: half as wide');
    assert.equal(state.setPanel({ width: 521, height: 617 }), true, 'the toolbar wrapped: 11% less high');
    assert.equal(state.setPanel({ width: 0, height: 0 }), false, 'hidden: no size to lay out for');
    assert.equal(state.setPanel({ width: Number.NaN, height: 617 }), false);
    assert.deepEqual(state.panel, { width: 521, height: 617 });
    assert.deepEqual(new TopologyViewState(store, DEFAULTS).panel, { width: 521, height: 617 }, 'a new panel starts from the last size');
    assert.equal(new TopologyViewState(memoryStore({ panel: { width: 'wide', height: 3 } }), DEFAULTS).panel, undefined, 'a stored size of the wrong shape is ignored');
  });

  test('the engine drawn (several engines) is stored with the rest and read back for the restored panel', () => {
    const store = memoryStore();
    const first = new TopologyViewState(store, DEFAULTS);
    assert.equal(first.engineKey, undefined);
    const key = engineKey('tcp://10.0.0.2:2376');
    first.setEngine(key);
    first.setScope({ kind: 'network', networkId: 'abc' });
    assert.equal(store.writes.length, 2);
    assert.equal(storedEngineKey(store), key);
    const restored = new TopologyViewState(store, DEFAULTS);
    assert.equal(restored.engineKey, key);
    assert.equal(restored.scopeValue, 'network:abc');
    restored.setEngine(key);
    assert.equal(store.writes.length, 2, 'the same engine again is not written');
    // A stored engine of the wrong type is not trusted.
    assert.equal(storedEngineKey(memoryStore({ scope: 'host', engine: 42 })), undefined);
    assert.equal(storedEngineKey(memoryStore('garbage')), undefined);
  });

  test('a view state stored by 0.1.0 (the entry itself, password included) is rewritten with the key, the rest kept', () => {
    const entry = 'tcp://admin:s3cr3t@10.0.0.2:2376?token=abc123';
    const store = memoryStore({ scope: 'network:abc', toggles: DEFAULTS, engine: entry });
    assert.equal(storedEngineKey(store), engineKey(entry), 'read back as the key of that entry');
    migrateStoredEngine(store);
    assert.deepEqual(store.writes, [{ scope: 'network:abc', toggles: DEFAULTS, engine: engineKey(entry) }]);
    const stored = JSON.stringify(store.get(VIEW_STATE_KEY));
    assert.ok(!stored.includes('s3cr3t') && !stored.includes('abc123') && !stored.includes('10.0.0.2'), stored);
    migrateStoredEngine(store);
    assert.equal(store.writes.length, 1, 'a key is not rewritten');
    migrateStoredEngine(memoryStore({ scope: 'host' }));
  });

  test('a change that changes nothing is not written', () => {
    const store = memoryStore();
    const state = new TopologyViewState(store, DEFAULTS);
    assert.equal(state.setScope({ kind: 'host' }), false);
    assert.equal(state.changeToggles({ showIPs: true }), false);
    assert.deepEqual(store.writes, []);
  });

  test('a stored state of the wrong shape is not trusted', () => {
    for (const stored of ['junk', 42, null, { scope: 42, toggles: 'abc' }, { scope: 'volume:x', toggles: { showIPs: false } }]) {
      const state = new TopologyViewState(memoryStore(stored), DEFAULTS);
      assert.deepEqual(state.scope, { kind: 'host' }, JSON.stringify(stored));
      assert.deepEqual(state.toggles, DEFAULTS, JSON.stringify(stored));
    }
  });

  test('malformed webview messages never reach the store (they are refused before)', () => {
    const store = memoryStore();
    const state = new TopologyViewState(store, DEFAULTS);
    for (const value of [null, { type: 'setScope', scope: 42 }, { type: 'setToggles', toggles: 'abc' }, { type: 'setToggles', toggles: { showIPs: 'no' } }]) {
      const message = parseWebviewMessage(value);
      if (message?.type === 'setToggles') state.changeToggles(message.toggles);
      if (message?.type === 'setScope') state.setScope(scopeFromValue(message.scope));
    }
    assert.deepEqual(store.writes, []);
  });

  test('toggles handed out are copies: only changeToggles changes the state', () => {
    const state = new TopologyViewState(memoryStore(), DEFAULTS);
    state.toggles.showIPs = false;
    assert.equal(state.toggles.showIPs, true);
  });
});
