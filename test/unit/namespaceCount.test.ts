/**
 * Issue 22, item 5: the log counted a container that is not running as a namespace ("303
 * namespaces" on a host with 3 and 300 created containers). The recorded topology fixture
 * (scripts/recordTopologyFixtures.ts, read as root on a real host) holds a stopped container: the
 * namespaces its probe read there are the real count, and the topology panel's log line must say
 * that number, with the containers not running named apart.
 */
import { fake, resetVscodeFake } from '../support/vscodeFake';
import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Collected } from '../../src/engine/collectTopology';
import type { TopologySource } from '../../src/engine/topologySource';
import { buildTopology } from '../../src/model/topology/build';
import { countNamespaces } from '../../src/model/topology/namespaceCount';
import { TopologyDiagram } from '../../src/topologyPanel/topologyDiagram';
import { TopologyViewState } from '../../src/topologyPanel/viewState';
import { fakeServices, type ServicesHarness } from '../support/fakeServices';
import { FakeMemento } from '../support/vscodeFake';
import { fixtureInput, loadTopologyFixture } from './topologySupport';

const fixture = loadTopologyFixture();
/** What the recorder's probe found on the real host: every namespace it read there. */
const readOnHost = fixture.facts.netns.namespaces.length;
const notRunning = fixture.containers.filter((container) => container.State !== 'running').length;

/** The collect the panel would get on the recorded host, as root. */
function recordedCollect(): Collected {
  const input = fixtureInput(fixture, 'netns');
  return { inventory: input.inventory, topology: buildTopology(input), facts: input.facts, sandboxes: input.sandboxes };
}

describe('the namespaces the log counts (recorded host)', () => {
  let harness: ServicesHarness;
  beforeEach(async () => {
    resetVscodeFake();
    harness = await fakeServices();
  });
  afterEach(() => harness.dispose());

  test('the fixture holds a container that is not running, drawn as a namespace of its own', () => {
    const { topology } = recordedCollect();
    assert.ok(notRunning > 0, 'the recorded seed has a stopped container');
    assert.ok(topology.namespaces.some((ns) => ns.stopped), 'the topology draws it from the API alone');
  });

  test('counts the namespaces the probe read on the host, not the containers that have none', () => {
    const { topology, inventory } = recordedCollect();
    assert.deepEqual(countNamespaces(topology, inventory), { onHost: readOnHost, containersNotRunning: notRunning });
  });

  test('the topology panel logs that count, and the containers not running apart', async () => {
    const collected = recordedCollect();
    // The panel's topology source answers what the recorder read on the host.
    const topologySource = { collectFor: () => Promise.resolve(collected) } as unknown as TopologySource;
    const viewState = new TopologyViewState(new FakeMemento(), { showIPs: true, showMACs: false, showStopped: false, showUnmanaged: true, showInferred: true });
    const diagram = new TopologyDiagram({ ...harness.services, topologySource }, viewState);
    assert.equal(await diagram.render(() => undefined, 1), true);
    const line = harness.log.find((entry) => entry.startsWith('info topology: probe #1'));
    assert.ok(line, `the panel logged its probe: ${harness.log.join('\n')}`);
    const containers = notRunning === 1 ? 'container' : 'containers';
    assert.match(line, new RegExp(`, ${readOnHost} namespaces \\(${notRunning} ${containers} not running: no namespace\\), `));
    assert.equal(fake.messages.length, 0, 'nothing shown to the user');
  });
});
