/**
 * Consent to run helper containers, kept per engine under a hash of its address: the same engine
 * reached with other credentials, user names or certificate files has the same key; another engine
 * another; no part of the address (let alone a credential) appears in the stored key; Always and
 * Never are kept, Allow once and a dismissed question are not.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { parseDockerHost } from '../../src/model/connectionResolution';
import type { EngineTarget } from '../../src/model/connectionResolution';
import { engineAddressForConsent, helperConsent, helperConsentKey, resetHelperConsents } from '../../src/engine/helperConsent';
import type { HelperConsentAnswer } from '../../src/engine/helperConsent';

const target = (host: string, extra: Partial<EngineTarget> = {}): EngineTarget => ({ source: 'setting', contextName: 'default', ...parseDockerHost(host), ...extra });

function memoryStore() {
  const values = new Map<string, unknown>();
  return {
    values,
    get: (key: string) => values.get(key),
    update: (key: string, value: unknown) => {
      if (value === undefined) {
        values.delete(key);
      } else {
        values.set(key, value);
      }
      return Promise.resolve();
    },
    keys: () => [...values.keys()],
  };
}

describe('helper consent key', () => {
  test('the same engine whatever the user name or certificate files; another host, port or socket differs', () => {
    const alice = helperConsentKey(target('ssh://alice@build.example.org'));
    assert.equal(helperConsentKey(target('ssh://bob@build.example.org:22')), alice);
    assert.notEqual(helperConsentKey(target('ssh://alice@build.example.org:2222')), alice);
    assert.notEqual(helperConsentKey(target('ssh://alice@other.example.org')), alice);
    const tls = helperConsentKey(target('tcp://10.0.0.5:2376', { tls: { ca: '/home/a/ca.pem', cert: '/home/a/cert.pem', key: '/home/a/key.pem', verify: true } as EngineTarget['tls'] }));
    assert.equal(helperConsentKey(target('tcp://10.0.0.5:2376')), tls);
    assert.notEqual(helperConsentKey(target('unix:///var/run/docker.sock')), helperConsentKey(target('unix:///run/podman/podman.sock')));
  });

  test('the key is a hash: neither the address nor a user name nor a password is in it', () => {
    const key = helperConsentKey(target('ssh://alice:s3cret@build.example.org'));
    assert.match(key, /^dne\.helperConsent\.[0-9a-f]{64}$/);
    for (const part of ['alice', 's3cret', 'build', 'example']) {
      assert.ok(!key.includes(part), part);
    }
    assert.equal(engineAddressForConsent(target('ssh://alice:s3cret@build.example.org')), 'ssh:build.example.org:22');
  });
});

describe('helper consent answers', () => {
  const ask = (answer: HelperConsentAnswer | undefined) => {
    const asked: number[] = [];
    return { asked, ask: () => (asked.push(1), Promise.resolve(answer)) };
  };

  test('Allow once runs now and asks again next time; a dismissed question is a no', async () => {
    const store = memoryStore();
    const engine = target('tcp://10.0.0.5:2376');
    assert.deepEqual(await helperConsent(store, engine, ask('once').ask), { allowed: true, asked: true, refusedBefore: false });
    assert.equal(store.values.size, 0);
    assert.deepEqual(await helperConsent(store, engine, ask(undefined).ask), { allowed: false, asked: true, refusedBefore: false });
  });

  test('Always and Never are kept per engine and not asked again; reset forgets them', async () => {
    const store = memoryStore();
    const first = target('ssh://alice@one.example.org');
    const second = target('ssh://alice@two.example.org');
    await helperConsent(store, first, ask('always').ask);
    await helperConsent(store, second, ask('never').ask);
    const again = ask('once');
    assert.deepEqual(await helperConsent(store, first, again.ask), { allowed: true, asked: false, refusedBefore: false });
    assert.deepEqual(await helperConsent(store, second, again.ask), { allowed: false, asked: false, refusedBefore: true });
    assert.equal(again.asked.length, 0);
    assert.equal(await resetHelperConsents(store), 2);
    assert.equal((await helperConsent(store, first, again.ask)).asked, true);
  });

  test('an Always to capture does not allow observing (a privileged helper): each purpose has its own answer, reset forgets both', async () => {
    const store = memoryStore();
    const engine = target('ssh://alice@one.example.org');
    await helperConsent(store, engine, ask('always').ask, 'capture');
    const observe = ask('never');
    assert.deepEqual(await helperConsent(store, engine, observe.ask, 'observe'), { allowed: false, asked: true, refusedBefore: false });
    assert.equal(observe.asked.length, 1);
    assert.match(helperConsentKey(engine, 'observe'), /^dne\.helperConsent\.observe\.[0-9a-f]{64}$/);
    assert.notEqual(helperConsentKey(engine, 'observe'), helperConsentKey(engine, 'capture'));
    assert.deepEqual(await helperConsent(store, engine, ask('once').ask, 'capture'), { allowed: true, asked: false, refusedBefore: false });
    assert.deepEqual(await helperConsent(store, engine, ask('once').ask, 'observe'), { allowed: false, asked: false, refusedBefore: true });
    assert.equal(await resetHelperConsents(store), 2);
  });
});
