/**
 * dockerd killed (SIGKILL) in the middle of a multi-step action, on an engine of its own (a second
 * dockerd in its own network namespace, test/support/dockerdNode.ts: the shared engine is never
 * touched). The kill happens just before the Nth request of the action reaches the engine (an
 * EngineApi wrapper, so the timing is deterministic); the daemon is then started again on the same
 * roots. Checked each time: the outcome says item by item what was done and what was not, the
 * engine's state afterwards is exactly that, and a retry finishes the job (what was already done
 * is recognised, not reported as an error). This engine is quiet (no other test uses it), so it
 * also shows that the silence check of a healthy event stream costs one request and no refresh.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { ActionTexts, summaryMessages } from '../../src/commands/actionSummary';
import type { EngineApi } from '../../src/engine/engineApi';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import { connectContainers, createNetwork, readInventory, removeNetworks } from '../../src/engine/runNetworkActions';
import { parseDockerHost } from '../../src/model/connectionResolution';
import { emptySpec } from '../../src/model/createNetworkSpec';
import { removalPlans, StepOutcome } from '../../src/model/networkActions';
import { TEST_IMAGE } from '../support/dockerCli';
import { DockerdNode, nodeDocker, removeHub, startDockerdNode } from '../support/dockerdNode';
import { sleep, waitFor } from '../support/waitFor';

/** This file's hub and address group (dockerdNode.ts: group 0 is the swarm test's, 1 the swarm e2e's, 3 the several-engines tests'). */
const HUB = 'dneflt';
const GROUP = 2;
const PREFIX = 'dnefc-';
const CONTAINERS = ['c1', 'c2', 'c3'].map((name) => `${PREFIX}${name}`);

/** The client, except that the engine is killed just before the `nth` call of `method` is sent. */
function killingBefore(client: EngineApi, method: 'connect' | 'disconnect', nth: number, kill: () => void): EngineApi {
  let calls = 0;
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') {
        return value;
      }
      return (...args: unknown[]) => {
        if (property === method && ++calls === nth) {
          kill();
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** The summary the user would read, with the command's English sentences and a short reason per item. */
function summary<T>(outcomes: StepOutcome<T>[], label: (item: T) => string): string {
  const texts: ActionTexts = {
    allDone: (names) => `Done: ${names}.`,
    someFailed: (done, failed) => `${done} done, ${failed} not done.`,
    partlyDone: (item, steps) => `${item} was not removed, but these containers were already disconnected from it: ${steps}.`,
    alreadyDone: (item) => `${item} (already connected)`,
  };
  const reason = (outcome: StepOutcome<T>) => (outcome.notSent ? 'not sent' : (outcome.error?.kind ?? outcome.issues?.map((found) => found.code).join(',') ?? ''));
  return summaryMessages(outcomes, label, texts, reason)
    .map((message) => [message.text, message.modal?.detail].filter(Boolean).join('\n'))
    .join('\n');
}

describe('dockerd killed during a multi-step action', () => {
  let node: DockerdNode;
  let client: EngineClient;
  const networksOf = (container: string): string[] =>
    Object.keys(JSON.parse(nodeDocker(node, ['inspect', '--format', '{{json .NetworkSettings.Networks}}', container])) as object).filter((name) => name.startsWith(PREFIX)).sort();
  const networkExists = (name: string) => nodeDocker(node, ['network', 'ls', '--filter', `name=^${name}$`, '--format', '{{.Name}}']) === name;

  /** Restarts the killed daemon and waits until the containers (restart policy always) run again. */
  async function restartEngine(): Promise<void> {
    await node.restart();
    await waitFor('the containers to run again', () => {
      const running = nodeDocker(node, ['ps', '--filter', `name=${PREFIX}`, '--format', '{{.Names}}'], { allowFailure: true }).split('\n').filter(Boolean);
      return CONTAINERS.every((name) => running.includes(name));
    }, { timeoutMs: 30_000, intervalMs: 200 });
  }

  before(async () => {
    node = await startDockerdNode({ hub: HUB, group: GROUP, index: 1 });
    for (const name of CONTAINERS) {
      nodeDocker(node, ['run', '-d', '--restart', 'always', '--name', name, TEST_IMAGE, 'sleep', '100000']);
    }
    client = new EngineClient({ source: 'setting', contextName: 'default', ...parseDockerHost(node.host) });
  });

  after(async () => {
    client?.dispose();
    await node?.stop();
    removeHub(HUB);
  });

  test('create, then connect three containers: killed after the first connect; the summary, the engine and a retry agree', async () => {
    const network = `${PREFIX}net`;
    const context = { swarmManager: false };
    const created = await createNetwork(client, emptySpec(network), await readInventory(client), context);
    assert.equal(created.ok, true);
    const inventory = await readInventory(client);
    const pairs = CONTAINERS.map((name) => ({ containerId: inventory.containers.find((c) => c.name === name)!.id, networkId: created.item.id! }));
    const label = (item: { containerName: string; networkName: string }) => `${item.containerName} → ${item.networkName}`;

    let outcomes: Awaited<ReturnType<typeof connectContainers>>;
    try {
      outcomes = await connectContainers(killingBefore(client, 'connect', 2, () => node.kill()), inventory, pairs, { aliases: [] });
    } finally {
      await restartEngine(); // also when the action threw: the next test needs the engine
    }
    assert.deepEqual(outcomes.map((o) => [o.item.containerName, o.ok, o.error?.kind, o.notSent ?? false]), [
      [CONTAINERS[0], true, undefined, false],
      [CONTAINERS[1], false, 'unreachable', false],
      [CONTAINERS[2], false, 'unreachable', true],
    ]);
    const said = summary(outcomes, label);
    console.log(`# summary after the kill:\n${said}`);
    assert.equal(said, [`1 done, 2 not done.`, `✓ ${CONTAINERS[0]} → ${network}`, `✗ ${CONTAINERS[1]} → ${network}: unreachable`, `✗ ${CONTAINERS[2]} → ${network}: not sent`].join('\n'));

    assert.deepEqual(CONTAINERS.map(networksOf), [[network], [], []], 'the engine is as the summary says');

    const retried = await connectContainers(client, await readInventory(client), pairs, { aliases: [] });
    assert.deepEqual(retried.map((o) => [o.ok, o.already ?? false]), [[true, true], [true, false], [true, false]]);
    assert.equal(summary(retried, label), `Done: ${CONTAINERS[0]} → ${network} (already connected), ${CONTAINERS[1]} → ${network}, ${CONTAINERS[2]} → ${network}.`);
    assert.deepEqual(CONTAINERS.map(networksOf), [[network], [network], [network]], 'the retry finished the job');

    // Creating it again is refused before anything is sent, with the name and the id of the one that exists.
    const again = await createNetwork(client, emptySpec(network), await readInventory(client), context);
    assert.equal(again.ok, false);
    assert.deepEqual(again.issues?.map((found) => [found.code, found.params.name, found.params.id]), [['nameTaken', network, created.item.id!.slice(0, 12)]]);
    assert.equal(nodeDocker(node, ['network', 'ls', '--filter', `name=^${network}$`, '-q']).split('\n').filter(Boolean).length, 1);
  });

  test('remove two networks, disconnecting first: killed after the first disconnect; the summary, the engine and a retry agree', async () => {
    const [busy, empty] = [`${PREFIX}rm-busy`, `${PREFIX}rm-empty`];
    nodeDocker(node, ['network', 'create', busy]);
    nodeDocker(node, ['network', 'create', empty]);
    for (const container of CONTAINERS) {
      nodeDocker(node, ['network', 'connect', busy, container]);
    }
    const inventory = await readInventory(client);
    const ids = [busy, empty].map((name) => inventory.networks.find((n) => n.name === name)!.id);
    const plans = removalPlans(inventory, ids);
    const first = plans[0].endpoints[0].containerName;

    let outcomes: Awaited<ReturnType<typeof removeNetworks>>;
    try {
      outcomes = await removeNetworks(killingBefore(client, 'disconnect', 2, () => node.kill()), plans, { disconnectEndpoints: true });
    } finally {
      await restartEngine();
    }
    assert.deepEqual(outcomes.map((o) => [o.item.networkName, o.ok, o.error?.kind, o.partial ?? [], o.notSent ?? false]), [
      [busy, false, 'unreachable', [first], false],
      [empty, false, 'unreachable', [], true],
    ]);
    const said = summary(outcomes, (item) => item.networkName);
    console.log(`# summary after the kill:\n${said}`);
    assert.ok(said.includes(`${busy} was not removed, but these containers were already disconnected from it: ${first}.`), said);
    assert.ok(said.includes(`✗ ${empty}: not sent`), said);

    assert.equal(networkExists(busy), true);
    assert.equal(networkExists(empty), true);
    assert.deepEqual(CONTAINERS.map((name) => networksOf(name).includes(busy)), CONTAINERS.map((name) => name !== first), 'only the first endpoint was disconnected');

    const fresh = await readInventory(client);
    const retried = await removeNetworks(client, removalPlans(fresh, ids), { disconnectEndpoints: true });
    assert.deepEqual(retried.map((o) => [o.ok, [...(o.partial ?? [])].sort()]), [[true, CONTAINERS.filter((name) => name !== first)], [true, []]], 'the two left are disconnected, both removed');
    assert.equal(networkExists(busy), false);
    assert.equal(networkExists(empty), false);
    assert.ok(CONTAINERS.every((name) => !networksOf(name).includes(busy)));
  });

  test('a quiet engine: each silence check costs one subscription and no refresh; replayed events are recognised; events still flow', async () => {
    const CHECK_MS = 1000;
    const watched = new EngineClient({ source: 'setting', contextName: 'default', ...parseDockerHost(node.host) });
    const counts = { lists: 0, subscriptions: 0 };
    const list = watched.listNetworks.bind(watched);
    watched.listNetworks = () => (counts.lists++, list());
    const subscribe = watched.subscribe.bind(watched);
    const seen: string[] = [];
    watched.subscribe = (onEvent, onEnd, since) => (counts.subscriptions++, seen.push(`subscribe since ${since}`), subscribe((event) => (seen.push(`${event.Type} ${event.Action} ${event.time} ${event.timeNano}`), onEvent(event)), onEnd, since));
    const session = new EngineSession(watched, { debounceMs: 50, eventCheckMs: CHECK_MS });
    try {
      await session.start();
      await waitFor('subscribed', () => counts.subscriptions === 1 && counts.lists >= 2, { timeoutMs: 5000, intervalMs: 10 });
      // One event, so each check replays its second (since = that second): it must be recognised.
      nodeDocker(node, ['network', 'create', `${PREFIX}quiet`]);
      await waitFor('the new network', () => session.inventory?.networks.some((n) => n.name === `${PREFIX}quiet`), { timeoutMs: 5000, intervalMs: 20 });
      await sleep(300);
      const before = { ...counts };
      await sleep(CHECK_MS * 4 + 200);
      const checks = counts.subscriptions - before.subscriptions;
      console.log(`# quiet engine, ${CHECK_MS * 4 + 200} ms: ${checks} silence checks, ${counts.lists - before.lists} refreshes`);
      assert.ok(checks >= 3 && checks <= 5, `one check per silent period: ${checks}`);
      assert.equal(counts.lists - before.lists, 0, `a healthy silent stream costs no refresh: ${seen.join('; ')}`);
      nodeDocker(node, ['network', 'rm', `${PREFIX}quiet`]);
      await waitFor('the network gone', () => !session.inventory?.networks.some((n) => n.name === `${PREFIX}quiet`), { timeoutMs: 3000, intervalMs: 20 });
    } finally {
      session.dispose();
      watched.dispose();
    }
  });
});
