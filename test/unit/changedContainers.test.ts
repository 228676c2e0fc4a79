/**
 * Which containers the incremental probe must re-read (issue #9): the session names the container
 * of each engine event it acts on, and ChangedContainers gathers them between two collections.
 * A fake engine fed from recorded fixtures delivers the events.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { EngineSession } from '../../src/engine/engineSession';
import { ChangedContainers } from '../../src/engine/collectTopology';
import { FakeEngine } from '../support/fakeEngine';
import { loadFixture } from '../support/fixtures';
import { settle } from '../support/fakeTime';

const fixture = loadFixture();

describe('containers named by engine events, for the incremental probe', () => {
  test('everything at first; then the containers of the events since the last take; everything again after a Refresh or a lost stream', async () => {
    const engine = new FakeEngine(fixture);
    const session = new EngineSession(engine, { debounceMs: 10_000, platform: 'linux', localHostName: 'fake-host' });
    await session.start();
    await settle();
    const changed = new ChangedContainers(session);
    try {
      assert.equal(changed.take(), undefined, 'the first collection reads every namespace');
      assert.deepEqual(changed.take(), [], 'nothing happened since');
      const [a, b] = fixture.containers.map((c) => c.Id);
      engine.emit({ Type: 'network', Action: 'connect', Actor: { ID: fixture.networks[0].Id, Attributes: { container: a } } });
      engine.emit({ Type: 'container', Action: 'start', Actor: { ID: b } });
      engine.emit({ Type: 'container', Action: 'exec_start: sh', Actor: { ID: a } });
      engine.emit({ Type: 'container', Action: 'die', Actor: { ID: a } });
      assert.deepEqual(changed.take()?.sort(), [a, b].sort());
      assert.deepEqual(changed.take(), []);
      changed.markAll();
      assert.equal(changed.take(), undefined, 'a Refresh reads everything');
      engine.stop();
      await settle();
      assert.equal(changed.take(), undefined, 'events may have been missed while the stream was down');
    } finally {
      changed.dispose();
      session.dispose();
    }
  });
});
