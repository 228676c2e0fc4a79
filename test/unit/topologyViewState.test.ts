import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { parseWebviewMessage, type TopologyToggles } from '../../src/protocol';
import { scopeFromValue, scopeToValue, StateStore, TopologyViewState, VIEW_STATE_KEY } from '../../src/topology/viewState';

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
