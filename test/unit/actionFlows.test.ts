/**
 * The network actions' flows (src/engine/runNetworkActions.ts) on the in-memory engine fed from the
 * recorded fixtures: what is validated before anything is sent, what is sent and in which order,
 * how a refusal of one step is reported without stopping the others. What the engine itself
 * answers is tested against the real one in test/engine/actions.test.ts.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { connectContainers, disconnectEndpoints, pruneNetworks, removeNetworks } from '../../src/engine/runNetworkActions';
import { buildInventory } from '../../src/model/inventory';
import { disconnectTargets, prunePreview, removalPlans } from '../../src/model/networkActions';
import { FakeEngine } from '../support/fakeEngine';
import { loadFixture, snapshotOf } from '../support/fixtures';

const fixture = loadFixture();
const inventory = buildInventory(snapshotOf(fixture));
const network = (name: string) => inventory.networks.find((n) => n.name === name)!;
const container = (name: string) => inventory.containers.find((c) => c.name === name)!;
/** An engine refusal shaped as dockerode reports it (status code and the engine's sentence). */
const refusal = (statusCode: number, message: string) => Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message}`), { statusCode, json: { message } });

describe('action flows on a fake engine', () => {
  test('connect: a pair the model refuses sends nothing, the valid one is sent, both are reported', async () => {
    const engine = new FakeEngine(fixture);
    const pairs = [
      { containerId: container('hostbox').id, networkId: network('dev').id },
      { containerId: container('c1').id, networkId: network('dev').id },
    ];
    const outcomes = await connectContainers(engine, inventory, pairs, { aliases: ['api'] });
    assert.deepEqual(engine.mutations, [`connect ${network('dev').id} ${container('c1').id} aliases=api`]);
    assert.equal(outcomes.length, 2);
    assert.equal(outcomes[0].ok, false);
    assert.deepEqual(!outcomes[0].ok && 'issues' in outcomes[0] ? outcomes[0].issues?.map((i) => i.code) : [], ['containerNotConnectable']);
    assert.equal(outcomes[1].ok, true);
  });

  test('disconnect: a refusal of one endpoint does not stop the next, and is classified', async () => {
    const engine = new FakeEngine(fixture);
    const bnet = network('bnet');
    engine.refuse = (mutation) => (mutation.includes(container('c1').id) ? refusal(403, `container ${container('c1').id} is not connected to network ${bnet.name}`) : undefined);
    const targets = disconnectTargets(inventory, [
      { networkId: bnet.id, containerId: container('c1').id },
      { networkId: bnet.id, containerId: container('c2').id },
    ]);
    const outcomes = await disconnectEndpoints(engine, targets, false);
    assert.equal(engine.mutations.length, 2);
    assert.deepEqual(outcomes.map((o) => o.ok), [false, true]);
    assert.equal(!outcomes[0].ok && outcomes[0].error?.kind, 'notConnected');
  });

  test('remove with "disconnect first": endpoints are force-disconnected, then the network removed; a predefined network is never sent', async () => {
    const engine = new FakeEngine(fixture);
    const plans = removalPlans(inventory, [network('bnet').id, network('bridge').id]);
    const outcomes = await removeNetworks(engine, plans, { disconnectEndpoints: true });
    const bnet = network('bnet');
    const own = bnet.endpoints.filter((e) => !e.viaContainer);
    assert.deepEqual(engine.mutations, [...own.map((e) => `disconnect ${bnet.id} ${e.containerId} force`), `remove ${bnet.id}`]);
    assert.equal(outcomes.find((o) => o.item.networkName === 'bridge')?.ok, false);
    assert.ok(!engine.mutations.some((m) => m.includes(network('bridge').id)), 'nothing sent for the default bridge');
  });

  test('remove: a failed disconnect stops that network\'s removal and reports what was already disconnected', async () => {
    const engine = new FakeEngine(fixture);
    const bnet = network('bnet');
    const own = bnet.endpoints.filter((e) => !e.viaContainer);
    assert.ok(own.length >= 2, 'the fixture has two endpoints on bnet');
    engine.refuse = (mutation) => (mutation.includes(own[1].containerId) ? refusal(500, 'driver failed programming external connectivity') : undefined);
    const [outcome] = await removeNetworks(engine, removalPlans(inventory, [bnet.id]), { disconnectEndpoints: true });
    assert.equal(outcome.ok, false);
    assert.deepEqual(outcome.partial, [own[0].containerName]);
    assert.ok(!engine.mutations.includes(`remove ${bnet.id}`), 'the network is not removed');
  });

  test('connect retried after a failure half-way: the pair already connected is done without a request, the others are sent', async () => {
    const engine = new FakeEngine(fixture);
    // c2 is on dev already (the first try connected it); c1 is not.
    const pairs = [
      { containerId: container('c2').id, networkId: network('dev').id },
      { containerId: container('c1').id, networkId: network('dev').id },
    ];
    const outcomes = await connectContainers(engine, inventory, pairs, { aliases: [] });
    assert.deepEqual(engine.mutations, [`connect ${network('dev').id} ${container('c1').id}`]);
    assert.deepEqual(outcomes.map((o) => [o.ok, o.already ?? false]), [[true, true], [true, false]]);
    const mismatch = await connectContainers(new FakeEngine(fixture), inventory, pairs.slice(0, 1), { aliases: [], ipv4Address: '10.99.99.99' });
    assert.equal(mismatch[0].ok, false, 'already connected with another address than asked: not done');
    // Aliases are not in the list: the container is inspected (es is on dev with the alias "search").
    const es = { containerId: container('es').id, networkId: network('dev').id };
    const withAlias = new FakeEngine(fixture);
    const same = await connectContainers(withAlias, inventory, [es], { aliases: ['search'] });
    assert.deepEqual([same[0].ok, same[0].already, withAlias.count('inspectContainer'), withAlias.mutations.length], [true, true, 1, 0]);
    const other = await connectContainers(new FakeEngine(fixture), inventory, [es], { aliases: ['other'] });
    assert.deepEqual(other[0].issues?.map((found) => found.code), ['alreadyConnected']);
  });

  test('the engine stops answering half-way: the remaining items are not sent, and say so (connect, disconnect, remove, prune)', async () => {
    const unreachable = () => Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' });
    const dyingAfter = (n: number) => {
      const engine = new FakeEngine(fixture);
      let sent = 0;
      engine.refuse = () => (++sent > n ? unreachable() : undefined);
      return engine;
    };
    const containers = ['c1', 'es', 'web1'].map((name) => container(name).id);
    let engine = dyingAfter(1);
    const connected = await connectContainers(engine, inventory, containers.map((id) => ({ containerId: id, networkId: network('prod').id })), { aliases: [] });
    assert.equal(engine.mutations.length, 2, 'the first done, the second found the engine gone, the third never sent');
    assert.deepEqual(connected.map((o) => [o.ok, o.error?.kind, o.notSent ?? false]), [[true, undefined, false], [false, 'unreachable', false], [false, 'unreachable', true]]);

    engine = dyingAfter(0);
    const bnet = network('bnet');
    const targets = disconnectTargets(inventory, bnet.endpoints.filter((e) => !e.viaContainer).map((e) => ({ networkId: bnet.id, containerId: e.containerId })));
    const disconnected = await disconnectEndpoints(engine, targets, false);
    assert.equal(engine.mutations.length, 1);
    assert.deepEqual(disconnected.map((o) => o.notSent ?? false), [false, ...targets.slice(1).map(() => true)]);

    engine = dyingAfter(1);
    const removed = await removeNetworks(engine, removalPlans(inventory, [bnet.id, network('dev').id]), { disconnectEndpoints: true });
    assert.equal(engine.mutations.length, 2, 'one disconnect done, the second failed, dev never touched');
    assert.deepEqual(removed.map((o) => [o.ok, o.partial?.length ?? 0, o.notSent ?? false]), [[false, 1, false], [false, 0, true]]);

    engine = dyingAfter(0);
    const candidates = prunePreview(inventory);
    const pruned = await pruneNetworks(engine, candidates);
    assert.equal(engine.mutations.length, 1);
    assert.equal(pruned.filter((o) => o.notSent).length, candidates.length - 1);
  });

  test('prune removes exactly the previewed networks, one by one, in order', async () => {
    const engine = new FakeEngine(fixture);
    const candidates = prunePreview(inventory);
    assert.ok(candidates.length > 0);
    const steps: string[] = [];
    const outcomes = await pruneNetworks(engine, candidates, (item) => steps.push(item.networkName));
    assert.deepEqual(engine.mutations, candidates.map((c) => `remove ${c.network.id}`));
    assert.deepEqual(steps, candidates.map((c) => c.network.name));
    assert.ok(outcomes.every((o) => o.ok));
    assert.ok(!candidates.some((c) => c.network.predefined), 'no predefined network is a candidate');
  });
});
