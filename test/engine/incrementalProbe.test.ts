/**
 * Engine tier for issue #9 (root, real dockerd): the incremental host probe against a full probe
 * on a host with tens of namespaces, through a sequence of engine changes (docker run, network
 * connect and disconnect, docker rm) and a veth made by hand with one end moved into a container,
 * compared item by item (namespaces, interfaces, addresses, veth pairs) after each step, and the
 * host-interface watcher seeing that veth within a second. The probe's cost for one event is
 * printed at about 10 and at 20+ of this test's namespaces: it grows with the namespaces changed,
 * not with the host. Everything carries the label dne.test.wtp and is removed after, veth included.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import type { HostFacts, LinkFact, NamespaceFact, SandboxInfo } from '../../src/model/topology/facts';
import { buildTopology } from '../../src/model/topology/build';
import { HostInterfaceChange, HostInterfaceWatcher } from '../../src/probe/hostInterfaceWatcher';
import { probeHost } from '../../src/probe/hostProbe';
import { IncrementalProbe } from '../../src/probe/incrementalProbe';
import { sandboxesOf } from '../../src/engine/collectTopology';
import { createNetwork, docker, removeLabelled, runContainer } from '../support/dockerCli';
import { processAlive } from '../support/processes';
import { sleep, waitFor } from '../support/waitFor';
import { sh } from './probeSeed';

const LABEL = 'dne.test.wtp';
const PREFIX = 'dneincr-';
const NETWORKS = ['n1', 'n2', 'n3'].map((n) => `${PREFIX}${n}`);
const VETH_HOST = 'dneincrA';
const VETH_MOVED = 'dneincrB';
const isRoot = process.getuid?.() === 0;

function cleanup(): void {
  sh('ip', ['link', 'del', VETH_HOST], true);
  removeLabelled(LABEL);
}

/** A link as a user compares it with `ip -d addr` (ifindex, name, kind, peer, bridge, addresses). */
const linkItem = (l: LinkFact) => ({ ifindex: l.ifindex, name: l.name, kind: l.kind, linkIndex: l.linkIndex, linkInOtherNamespace: l.linkInOtherNamespace, master: l.master, mac: l.mac, mtu: l.mtu, state: l.state, addresses: l.addresses });

describe('incremental host probe on the real engine (root)', { skip: isRoot ? false : 'needs root (nsenter, ip link)' }, () => {
  let session: EngineSession;
  const incremental = new IncrementalProbe({ local: true });
  const ids = new Map<string, string>();
  let bridges: Set<string>;

  before(() => {
    cleanup();
    NETWORKS.forEach((name) => createNetwork(name, [], LABEL));
    session = new EngineSession(new EngineClient(resolveTarget(undefined), 10_000), { debounceMs: 0, watch: false });
  });

  after(() => {
    session?.dispose();
    cleanup();
  });

  const run = (index: number) => {
    const name = `${PREFIX}c${index}`;
    ids.set(name, runContainer(name, ['--network', NETWORKS[index % NETWORKS.length]], LABEL));
    return ids.get(name)!;
  };
  const mine = (ns: NamespaceFact) => ns.containerIds.some((id) => [...ids.values()].includes(id));
  const myHostLink = (l: LinkFact) => bridges.has(l.name) || (l.master !== undefined && bridges.has(l.master)) || l.name === VETH_HOST;

  /** The incremental probe after an event naming `changed`, then a full probe of the same host; compared item by item. */
  async function step(what: string, changed: string[] | undefined): Promise<{ facts: HostFacts; sandboxes: SandboxInfo[] }> {
    await session.refresh();
    const inventory = session.inventory!;
    bridges = new Set(inventory.networks.filter((n) => NETWORKS.includes(n.name)).map((n) => n.bridgeName).filter((b): b is string => Boolean(b)));
    const sandboxes = Object.values(await sandboxesOf(inventory, (id) => session.containerDetails(id)));
    const facts = await incremental.probe({ sandboxes, changedContainerIds: changed });
    const full = await probeHost({ local: true, sandboxes });
    const counters = incremental.lastCounters!;
    const ours = (f: HostFacts) => f.namespaces.filter(mine).sort((a, b) => a.name.localeCompare(b.name));
    console.log(`${what}: ${counters.namespacesRead} of ${counters.namespacesRead + counters.namespacesReused} namespaces read (${ours(full).length} of this test), ${counters.elapsedMs} ms; full probe ${full.elapsedMs} ms`);
    assert.equal(facts.level, 'netns');
    assert.deepEqual(ours(facts).map((ns) => [ns.name, ns.kind, ns.path, ns.containerIds]), ours(full).map((ns) => [ns.name, ns.kind, ns.path, ns.containerIds]), `${what}: namespaces`);
    for (const ns of ours(full)) {
      const got = facts.namespaces.find((candidate) => candidate.name === ns.name)!;
      assert.deepEqual(got.links.map(linkItem), ns.links.map(linkItem), `${what}: interfaces and addresses of ${ns.name}`);
    }
    const hostOf = (f: HostFacts) => f.namespaces[0].links.filter(myHostLink).map(linkItem);
    assert.deepEqual(hostOf(facts), hostOf(full), `${what}: the host's bridges and veths of this test`);
    const vethPairs = (f: HostFacts) => {
      const topology = buildTopology({ inventory, sandboxes: Object.fromEntries(sandboxes.map((s) => [s.containerId, s])), facts: f, endpointNames: session.endpointNames });
      const myIfaces = new Set(topology.namespaces.filter((ns) => ns.containers.some((c) => c.name.startsWith(PREFIX))).flatMap((ns) => ns.interfaces.map((i) => i.id)));
      return topology.edges.filter((e) => e.kind === 'veth' && (myIfaces.has(e.from) || myIfaces.has(e.to))).map((e) => `${e.from} <-> ${e.to}`).sort();
    };
    assert.deepEqual(vethPairs(facts), vethPairs(full), `${what}: veth pairs`);
    return { facts, sandboxes };
  }

  /** Paths of this test's namespaces that the last probe read, and why. */
  const readOfMine = (facts: HostFacts) => {
    const reasons = incremental.lastCounters!.reasons;
    return Object.fromEntries(facts.namespaces.filter(mine).filter((ns) => reasons[ns.path!]).map((ns) => [ns.name, reasons[ns.path!]]));
  };
  const nsOf = (facts: HostFacts, id: string) => facts.namespaces.find((ns) => ns.containerIds.includes(id))!;

  test('run, connect, disconnect, run more, connect, rm and a hand-made veth: always what a full probe reads', async () => {
    for (let i = 1; i <= 10; i++) {
      run(i);
    }
    await step('first probe, 10 containers', undefined);
    const c1 = ids.get(`${PREFIX}c1`)!;
    docker(['network', 'connect', NETWORKS[2], c1]);
    let { facts } = await step('one event (connect) at 10 namespaces', [c1]);
    assert.deepEqual(readOfMine(facts), { [nsOf(facts, c1).name]: 'containerChanged' });
    assert.equal(nsOf(facts, c1).links.filter((l) => l.kind === 'veth').length, 2, 'the connect is seen');

    const c2 = ids.get(`${PREFIX}c2`)!;
    docker(['network', 'disconnect', NETWORKS[2], c2]);
    ({ facts } = await step('disconnect', [c2]));
    assert.equal(nsOf(facts, c2).links.filter((l) => l.kind === 'veth').length, 0, 'the disconnect is seen');

    const added = Array.from({ length: 12 }, (_, i) => run(11 + i));
    ({ facts } = await step('docker run of 12 more', added));
    assert.equal(Object.keys(readOfMine(facts)).length, 12, 'only the new ones are read');

    const c3 = ids.get(`${PREFIX}c3`)!;
    docker(['network', 'connect', NETWORKS[1], c3]);
    ({ facts } = await step('one event (connect) at 22 namespaces', [c3]));
    assert.deepEqual(readOfMine(facts), { [nsOf(facts, c3).name]: 'containerChanged' });

    const c4 = ids.get(`${PREFIX}c4`)!;
    const gone = nsOf(facts, c4).name;
    docker(['rm', '-f', c4]);
    ids.delete(`${PREFIX}c4`);
    // The engine unmounts the namespace at once; its file lingers until libnetwork's garbage collection (a minute).
    ({ facts } = await step('docker rm', [c4]));
    assert.equal(facts.namespaces.some((ns) => ns.name === gone), false, 'the removed container namespace is gone');
  });

  test('a veth made by hand: the watcher fires within a second; the probe after it reads the host and the namespace that got the peer', async () => {
    const watcher = new HostInterfaceWatcher({ local: true });
    const changes: { at: number; change: HostInterfaceChange }[] = [];
    watcher.onDidChange((change) => changes.push({ at: Date.now(), change }));
    const pid = watcher.pid;
    assert.ok(pid, 'ip monitor runs');
    try {
      await sleep(300);
      const c5 = ids.get(`${PREFIX}c5`)!;
      const c5Pid = (await session.containerDetails(c5))!.State!.Pid!;
      const started = Date.now();
      sh('ip', ['link', 'add', VETH_HOST, 'type', 'veth', 'peer', 'name', VETH_MOVED]);
      const seen = await waitFor('a change naming the hand-made veth', () => changes.find((c) => c.change.names.includes(VETH_HOST)), { timeoutMs: 3000 });
      console.log(`watcher: the hand-made veth reported after ${seen.at - started} ms`);
      assert.ok(seen.at - started < 1000, `reported after ${seen.at - started} ms`);
      sh('ip', ['link', 'set', VETH_MOVED, 'netns', String(c5Pid)]);
      const { facts } = await step('host changed (hand-made veth, one end moved into a container)', []);
      assert.ok(facts.namespaces[0].links.some((l) => l.name === VETH_HOST), 'the host end is there');
      assert.ok(nsOf(facts, c5).links.some((l) => l.name === VETH_MOVED), 'the moved end is in the container namespace');
      assert.deepEqual(readOfMine(facts), { [nsOf(facts, c5).name]: 'contentChanged' });
    } finally {
      watcher.dispose();
    }
    await waitFor('ip monitor to end', () => !processAlive(pid!), { timeoutMs: 3000 });
    assert.equal(sh('ps', ['-o', 'pid=', '-p', String(pid)], true), '', 'no ip monitor process left');
  });
});
