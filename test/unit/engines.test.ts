/** Several engines at once: the setting's entries, the root labels, and which engine a clicked node acts on. */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { displayHost } from '../../src/model/displayHost';
import { engineKey, engineLabel, engineOfArguments, engineRootNode, isEngineKey, onEngine, parseEngineEntries, selectionOnEngine } from '../../src/model/engines';
import { buildInventory } from '../../src/model/inventory';
import { childrenOf, networkRoots } from '../../src/model/treeModel';
import { loadFixture, snapshotOf } from '../support/fixtures';

const inventory = buildInventory(snapshotOf(loadFixture()));

describe('dockerNetworks.engines entries', () => {
  test('host URLs and context names, trimmed, each once, in order; other values ignored', () => {
    const specs = parseEngineEntries([' default ', 'unix:///run/other.sock', 'tcp://127.0.0.1:2375', '', 'default', 42, 'ssh://me@box', 'lab-ctx']);
    assert.deepEqual(
      specs.map((spec) => [spec.kind, spec.value]),
      [
        ['context', 'default'],
        ['host', 'unix:///run/other.sock'],
        ['host', 'tcp://127.0.0.1:2375'],
        ['host', 'ssh://me@box'],
        ['context', 'lab-ctx'],
      ],
    );
    assert.deepEqual(parseEngineEntries('default'), []);
    assert.deepEqual(parseEngineEntries(undefined), []);
  });

  test('the root label: the context name, or the host without unix:// and without a password', () => {
    const [context, socket, withSecret] = parseEngineEntries(['lab-ctx', 'unix:///run/other.sock', 'tcp://admin:s3cret@10.0.0.2:2376']);
    assert.equal(engineLabel(context), 'lab-ctx');
    assert.equal(engineLabel(socket), '/run/other.sock');
    assert.equal(engineLabel(withSecret), 'tcp://admin:***@10.0.0.2:2376');
    assert.equal(displayHost('ssh://me@box:22'), 'ssh://me@box:22');
  });

  test('one masker: the root label hides a password with an "@" in it and a token in the query', () => {
    const [atSign, token, accessToken] = parseEngineEntries(['tcp://u:p@ss@host:2376', 'tcp://host:2376/?token=abc123', 'https://host:2376?access_token=xyz789']);
    assert.equal(engineLabel(atSign), 'tcp://u:***@host:2376');
    assert.equal(engineLabel(token), 'tcp://host:2376/?token=***');
    assert.equal(engineLabel(accessToken), 'https://host:2376?access_token=***');
  });

  test('the key that names an engine in node ids, workspaceState and inspect URIs holds no part of the entry', () => {
    const entries = ['tcp://admin:s3cr3t@10.0.0.2:2376', 'tcp://u:p@ss@host:2376', 'tcp://host:2376/?token=abc123', 'lab-ctx'];
    const specs = parseEngineEntries(entries);
    for (const spec of specs) {
      assert.ok(isEngineKey(spec.key), spec.key);
      assert.equal(spec.key, engineKey(spec.value), 'stable: the same entry, the same key');
      const root = engineRootNode(spec.key);
      for (const secret of ['s3cr3t', 'p@ss', 'abc123', 'admin', 'host', 'tcp:']) {
        assert.ok(!spec.key.includes(secret) && !root.id.includes(secret) && !JSON.stringify(root).includes(secret), `${spec.key} ${root.id}`);
      }
    }
    assert.equal(new Set(specs.map((spec) => spec.key)).size, entries.length, 'different entries, different keys');
  });
});

describe('the engine of a clicked node', () => {
  const network = networkRoots(inventory)[0];
  const onSecond = onEngine(network, 'tcp://127.0.0.1:2375');
  const endpoint = onEngine(childrenOf(inventory, network, { showStoppedContainers: true })[0], 'tcp://127.0.0.1:2375');
  const onFirst = onEngine(networkRoots(inventory)[1], 'default');

  test('a node under an engine root keeps its identity and gains the engine', () => {
    assert.equal(onSecond.id, network.id);
    assert.equal(onSecond.kind, 'network');
    assert.equal(onSecond.engine, 'tcp://127.0.0.1:2375');
  });

  test('the clicked node names the engine; else the selection; the palette names none', () => {
    assert.equal(engineOfArguments(endpoint, [endpoint]), 'tcp://127.0.0.1:2375');
    assert.equal(engineOfArguments(engineRootNode('default'), undefined), 'default');
    assert.equal(engineOfArguments(undefined, [onFirst]), 'default');
    assert.equal(engineOfArguments(undefined, undefined), undefined);
    assert.equal(engineOfArguments(network, [network]), undefined);
  });

  test('a selection spanning two engines is kept to the clicked engine', () => {
    assert.deepEqual(selectionOnEngine([onSecond, onFirst, endpoint], 'tcp://127.0.0.1:2375'), [onSecond, endpoint]);
    assert.equal(selectionOnEngine(undefined, 'default'), undefined);
  });
});
