/**
 * The sampler for an engine that is not local, on recorded data: the seed labs' topology at the API
 * level (nothing of the host observed) and one-shot stats recorded from the real engine
 * (traffic.json), answered by the fake engine. One stats call per running container and pass; a
 * container with one network gets its stats' one interface on the diagram's (inferred) endpoint.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { createTrafficSampler } from '../../src/engine/traffic/sampler';
import { buildTopology } from '../../src/model/topology/build';
import type { ContainerStatsJson } from '../../src/model/traffic/counters';
import { FakeEngine } from '../support/fakeEngine';
import { FIXTURES_FOLDER, loadFixture } from '../support/fixtures';
import { fixtureInput, loadTopologyFixture } from './topologySupport';

const recorded = JSON.parse(readFileSync(path.join(FIXTURES_FOLDER, 'engine-1.41', 'traffic.json'), 'utf8')) as { after: { stats: Record<'a' | 'b' | 'c', ContainerStatsJson> } };

describe('traffic sampler for an engine that is not local', () => {
  const input = fixtureInput(loadTopologyFixture(), 'api');
  const topology = buildTopology(input);
  const engine = new FakeEngine(loadFixture());
  const reads = () => createTrafficSampler({ topology, sandboxes: input.sandboxes, local: false, engine }).plan.reads;
  // Every running container answers with the recorded stats of A (one interface, eth0).
  for (const read of reads()) {
    if (read.source === 'engineStats') {
      engine.stats[read.containerId] = recorded.after.stats.a;
    }
  }

  test('one stats call per running container and pass; readings marked engineStats', async () => {
    const sampler = createTrafficSampler({ topology, sandboxes: input.sandboxes, local: false, engine });
    const before = engine.count('containerStats');
    const snapshot = await sampler.sample();
    assert.equal(engine.count('containerStats') - before, sampler.plan.reads.length);
    assert.ok(snapshot.readings.length > 0);
    assert.ok(snapshot.readings.every((reading) => reading.source === 'engineStats' && reading.interface === 'eth0'));
    assert.equal(snapshot.warnings, undefined);
  });

  test('a namespace drawn with one inferred endpoint gets the stats\' only interface, on that endpoint', async () => {
    const sampler = createTrafficSampler({ topology, sandboxes: input.sandboxes, local: false, engine });
    const snapshot = await sampler.sample();
    const single = topology.namespaces.filter((ns) => ns.kind === 'container' && !ns.stopped && ns.interfaces.length === 1 && ns.interfaces[0].name === undefined);
    assert.ok(single.length > 0, 'the seed has containers on one network');
    for (const ns of single) {
      const reading = snapshot.readings.find((candidate) => candidate.interfaceId === ns.interfaces[0].id);
      assert.ok(reading, `${ns.id}: no reading on ${ns.interfaces[0].id}`);
      assert.equal(reading.counters.txBytes, recorded.after.stats.a.networks!.eth0.tx_bytes);
    }
    // On several networks, which ethN is which is the container's business: no diagram id is guessed.
    const several = topology.namespaces.filter((ns) => ns.kind === 'container' && !ns.stopped && ns.interfaces.length > 1).flatMap((ns) => ns.interfaces.map((iface) => iface.id));
    assert.ok(!snapshot.readings.some((reading) => reading.interfaceId && several.includes(reading.interfaceId)));
  });

  test('a container that went away is a warning, not a failure of the pass', async () => {
    const sampler = createTrafficSampler({ topology, sandboxes: input.sandboxes, local: false, engine });
    const gone = sampler.plan.reads.find((read) => read.source === 'engineStats');
    assert.ok(gone && gone.source === 'engineStats');
    const saved = engine.stats[gone.containerId];
    delete engine.stats[gone.containerId];
    try {
      const snapshot = await sampler.sample();
      assert.equal(snapshot.warnings?.length, 1);
      assert.match(snapshot.warnings![0], /no such container/);
    } finally {
      engine.stats[gone.containerId] = saved;
    }
  });
});
