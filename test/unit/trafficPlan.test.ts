/**
 * Which counters the sampler reads for a drawn topology (model/traffic/plan.ts), on the seed labs
 * recorded from the real engine and host (topology-seed.json): the host's interfaces in one read,
 * each running container's namespace through /proc/<pid>/net/dev, the overlay, ingress and
 * load-balancer namespaces through nsenter only as root, engine stats for an engine that is not local.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { buildTopology } from '../../src/model/topology/build';
import { planTrafficReads } from '../../src/model/traffic/plan';
import { fixtureInput, loadTopologyFixture } from './topologySupport';

for (const api of ['1.41', '1.51'] as const) {
  const fixture = loadTopologyFixture(api);
  const level = (name: 'netns' | 'sysfs' | 'api') => {
    const input = fixtureInput(fixture, name);
    return { topology: buildTopology(input), sandboxes: input.sandboxes, facts: input.facts };
  };

  describe(`traffic read plan on the recorded seed labs (API ${api})`, () => {
    test('root, netns level: the host in one read, containers by /proc/<pid>/net/dev, process-less namespaces by nsenter', () => {
      const { topology, sandboxes, facts } = level('netns');
      const plan = planTrafficReads(topology, sandboxes, facts, { local: true, root: true });
      const host = topology.namespaces.find((ns) => ns.kind === 'host')!;
      const hostReads = plan.reads.filter((read) => read.source === 'host');
      assert.equal(hostReads.length, 1);
      assert.deepEqual(hostReads[0].interfaces.map((planned) => planned.interfaceId).sort(), host.interfaces.filter((iface) => iface.source === 'observed' && iface.kind !== 'userMode').map((iface) => iface.id).sort());
      // Every running container's namespace is read once, through its process (its pid recorded by inspect).
      const pids = new Set(Object.values(sandboxes).map((sandbox) => sandbox.pid));
      const proc = plan.reads.filter((read) => read.source === 'procNetDev');
      assert.ok(proc.length > 0);
      for (const read of proc) {
        assert.ok(pids.has(read.pid), `pid ${read.pid} is no sandbox's`);
        assert.ok(read.interfaces.every((planned) => planned.container && planned.namespace === planned.container));
      }
      const containerNamespaces = topology.namespaces.filter((ns) => ns.kind === 'container' && !ns.stopped && ns.interfaces.some((iface) => iface.source === 'observed'));
      assert.equal(proc.length, containerNamespaces.length);
      // Overlay 1-<id>, ingress_sbox, lb_<id>, and `ip netns add`'s: through their files.
      const entered = plan.reads.filter((read) => read.source === 'netns').map((read) => read.nsPath);
      const kinds = new Set(topology.namespaces.filter((ns) => ['overlay', 'ingress', 'loadBalancer'].includes(ns.kind) && ns.source === 'observed').map((ns) => ns.name));
      for (const name of kinds) {
        assert.ok(entered.some((file) => file.endsWith(`/${name}`)), `${name} is not read (${entered.join(', ')})`);
      }
      assert.deepEqual(plan.unread.filter((entry) => entry.reason === 'needsRoot'), []);
    });

    test('the peer of each veth end is named as namespace:interface, both ways', () => {
      const { topology, sandboxes, facts } = level('netns');
      const plan = planTrafficReads(topology, sandboxes, facts, { local: true, root: true });
      const all = plan.reads.flatMap((read) => read.interfaces);
      const byKey = new Map(all.map((planned) => [`${planned.namespace}:${planned.interface}`, planned]));
      const containerEnds = all.filter((planned) => planned.container && planned.peer);
      assert.ok(containerEnds.length > 3);
      for (const end of containerEnds) {
        const peer = byKey.get(end.peer!);
        if (peer) {
          assert.equal(peer.peer, `${end.namespace}:${end.interface}`);
        }
      }
    });

    test('without root the same topology reads no namespace through nsenter, and says which need root', () => {
      const { topology, sandboxes, facts } = level('netns');
      const plan = planTrafficReads(topology, sandboxes, facts, { local: true, root: false });
      assert.equal(plan.reads.filter((read) => read.source === 'netns').length, 0);
      assert.ok(plan.unread.some((entry) => entry.reason === 'needsRoot' && entry.namespace === 'ingress_sbox'));
    });

    test('an engine that is not local: one stats read per running container, nothing from this host', () => {
      const { topology, sandboxes, facts } = level('api');
      const plan = planTrafficReads(topology, sandboxes, facts, { local: false, root: true });
      assert.ok(plan.reads.length > 0);
      assert.ok(plan.reads.every((read) => read.source === 'engineStats'));
      const running = new Set(fixture.containers.filter((container) => container.State === 'running').map((container) => container.Id));
      for (const read of plan.reads) {
        assert.ok(read.source === 'engineStats' && running.has(read.containerId));
      }
    });

    test('a pid or an interface name an engine could forge never reaches a path', () => {
      const { topology, sandboxes, facts } = level('sysfs');
      const forged = structuredClone(topology);
      const hostNs = forged.namespaces.find((ns) => ns.kind === 'host')!;
      hostNs.interfaces.push({ ...hostNs.interfaces[0], id: 'ns:host/if:evil', name: '../../etc' });
      const badSandboxes = Object.fromEntries(Object.entries(sandboxes).map(([id, sandbox]) => [id, { ...sandbox, pid: 1 }]));
      const plan = planTrafficReads(forged, badSandboxes, facts, { local: true, root: false });
      assert.ok(!plan.reads.some((read) => read.interfaces.some((planned) => planned.interface.includes('/'))));
      assert.equal(plan.reads.filter((read) => read.source === 'procNetDev').length, 0);
    });
  });
}
