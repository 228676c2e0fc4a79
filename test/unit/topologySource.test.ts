/**
 * One topology source per engine session (src/engine/topologySource.ts): the panel, the command
 * line and the doctor read the same collect; it follows the session's container events while it
 * lives and lets go of them when disposed. A session of a remote engine (API level) keeps the host
 * out of it.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { collectTopology, type TopologySession } from '../../src/engine/collectTopology';
import { TopologySource, type SourceSession } from '../../src/engine/topologySource';
import { DEFAULT_DIAGRAM_OPTIONS } from '../../src/model/topology/types';
import { fixtureInput, loadTopologyFixture } from './topologySupport';

function fakeSession(): SourceSession & { listeners: Set<(id: string | undefined) => void> } {
  const { inventory, endpointNames } = fixtureInput(loadTopologyFixture(), 'api');
  const listeners = new Set<(id: string | undefined) => void>();
  return {
    inventory,
    endpointNames,
    isLocal: false,
    containerDetails: () => Promise.resolve(undefined),
    listeners,
    onDidSeeContainerEvent(listener) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
  };
}

describe('the topology source of a session', () => {
  test('collects what collectTopology collects, for a diagram request too', async () => {
    const session = fakeSession();
    const source = new TopologySource(session);
    try {
      const direct = await collectTopology(session as TopologySession);
      const shared = await source.collect();
      assert.ok(direct && shared);
      assert.deepEqual(shared.topology, direct.topology);
      assert.equal(shared.facts.level, 'api', 'a remote engine is drawn from the API');
      const planned = await source.collectFor({ scope: { kind: 'host' }, options: DEFAULT_DIAGRAM_OPTIONS });
      assert.deepEqual(planned?.topology, direct.topology, 'a lab-sized host is read in full');
      source.readEverythingNextTime();
      assert.deepEqual((await source.collect())?.topology, direct.topology);
    } finally {
      source.dispose();
    }
  });

  test('follows the session\'s container events while it lives, and lets go of them when disposed', () => {
    const session = fakeSession();
    const source = new TopologySource(session);
    assert.equal(session.listeners.size, 1);
    const watching = source.onDidChangeHost(() => assert.fail('a remote engine has no host interfaces to watch'));
    watching.dispose();
    source.dispose();
    assert.equal(session.listeners.size, 0);
    // A listener after dispose gets nothing and costs nothing.
    source.onDidChangeHost(() => assert.fail('disposed')).dispose();
  });
});
