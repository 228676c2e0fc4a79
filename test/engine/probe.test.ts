/**
 * Engine tier for the topology (root, real dockerd): the seed labs' plumbing (probeSeed.ts) read by
 * the probe through the same code as the panel and the CLI, compared with what `ip -j -d link`
 * shows on the host and, through nsenter, inside each namespace. The API-only level must give
 * the inferred equivalents. Everything is labelled dne.test=1 and removed in `after`.
 */
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import type { Topology, TopoInterface } from '../../src/model/topology/types';
import { collectTopology, Collected } from '../../src/topology/collect';
import { docker } from '../support/dockerCli';
import { buildSeed, Seed, sh, teardownSeed } from './probeSeed';

const PREFIX = 'dnetopo-';
const isRoot = process.getuid?.() === 0;

interface IpLink {
  ifindex: number;
  ifname: string;
  link_index?: number;
  master?: string;
  linkinfo?: { info_kind?: string };
}

const ipLinks = (nsPath?: string): IpLink[] =>
  JSON.parse(nsPath ? sh('nsenter', [`--net=${nsPath}`, '--', 'ip', '-j', '-d', 'link', 'show']) : sh('ip', ['-j', '-d', 'link', 'show'])) as IpLink[];

describe('host probe on the real engine (root)', { skip: isRoot ? false : 'needs root (ip link, nsenter)' }, () => {
  let seed: Seed | undefined;
  let session: EngineSession;
  const levels: Partial<Record<'netns' | 'sysfs' | 'api', Collected>> = {};
  let bridgeNames: Set<string>;

  /** Through the same pipeline as the panel and the CLI: the session's inventory, then collect. */
  const collect = async (maxLevel?: 'sysfs' | 'api'): Promise<Collected> => {
    await session.refresh();
    assert.equal(session.isLocal, true, 'the engine on this machine is local');
    const collected = await collectTopology(session, maxLevel);
    assert.ok(collected, 'the engine answered');
    return collected;
  };
  const seedNamespaces = (topology: Topology) =>
    topology.namespaces.filter((ns) => ns.kind === 'container' && !ns.stopped && ns.containers.some((c) => c.name.startsWith(PREFIX)));
  const ifaceById = (topology: Topology) => new Map(topology.namespaces.flatMap((ns) => ns.interfaces).map((i) => [i.id, i] as [string, TopoInterface]));
  const vethPeer = (topology: Topology, id: string) =>
    topology.edges.filter((e) => e.kind === 'veth' && (e.from === id || e.to === id)).map((e) => (e.from === id ? e.to : e.from))[0];

  before(async () => {
    await teardownSeed(undefined);
    seed = await buildSeed({ prefix: PREFIX });
    session = new EngineSession(new EngineClient(resolveTarget(undefined), 10_000), { debounceMs: 0, watch: false });
    levels.netns = await collect();
    levels.sysfs = await collect('sysfs');
    levels.api = await collect('api');
    bridgeNames = new Set(levels.netns.inventory.networks.map((n) => n.bridgeName).filter((n): n is string => Boolean(n)));
  });

  after(async () => {
    session?.dispose();
    await teardownSeed(seed);
  });

  test('levels: netns as root, sysfs when limited, api when asked', () => {
    assert.equal(levels.netns!.facts.level, 'netns');
    assert.equal(levels.sysfs!.facts.level, 'sysfs');
    assert.equal(levels.api!.facts.level, 'api');
    for (const level of ['netns', 'sysfs', 'api'] as const) {
      const elapsed = levels[level]!.facts.elapsedMs;
      assert.ok(typeof elapsed === 'number' && Number.isFinite(elapsed) && elapsed >= 0, `${level}: elapsedMs is a duration (${elapsed})`);
    }
  });

  test("bridges equal the host's bridges that belong to Docker networks (ip -j -d link)", () => {
    const fromIp = ipLinks().filter((l) => l.linkinfo?.info_kind === 'bridge' && bridgeNames.has(l.ifname)).map((l) => l.ifname).sort();
    const host = levels.netns!.topology.namespaces.find((ns) => ns.kind === 'host')!;
    const fromProbe = host.interfaces.filter((i) => i.kind === 'bridge').map((i) => i.name!).sort();
    assert.deepEqual(fromProbe, fromIp);
    assert.ok(fromProbe.includes('docker0'));
  });

  test('veth pairs: every port of a Docker bridge and its peer inside the namespace, as ip link shows them', () => {
    const topology = levels.netns!.topology;
    const byId = ifaceById(topology);
    const ports = ipLinks().filter((l) => l.linkinfo?.info_kind === 'veth' && l.master && bridgeNames.has(l.master));
    assert.ok(ports.length >= 8, `${ports.length} ports`);
    let checked = 0;
    for (const port of ports) {
      const hostEnd = byId.get(`ns:host/if:${port.ifname}`);
      assert.ok(hostEnd, `probe lacks host veth ${port.ifname}`);
      assert.equal(hostEnd!.linkIndex, port.link_index, port.ifname);
      assert.equal(hostEnd!.ifindex, port.ifindex, port.ifname);
      const peerId = vethPeer(topology, hostEnd!.id);
      if (!peerId) {
        continue; // the peer is in a namespace of a container outside this engine's list (vanished meanwhile)
      }
      const peer = byId.get(peerId)!;
      const ns = topology.namespaces.find((candidate) => candidate.id === peer.namespaceId)!;
      const owner = ns.containers.find((c) => c.via === 'own') ?? ns.containers[0];
      if (!owner || !owner.name.startsWith(PREFIX)) {
        continue; // other tests' containers may come and go while this runs
      }
      const sandbox = levels.netns!.sandboxes[owner.id];
      const inside = ipLinks(sandbox.sandboxKey).find((l) => l.ifindex === port.link_index);
      assert.ok(inside, `no ifindex ${port.link_index} inside ${owner.name}`);
      assert.equal(peer.name, inside!.ifname);
      assert.equal(inside!.link_index, port.ifindex);
      checked++;
    }
    assert.ok(checked >= 6, `checked ${checked} seed pairs`);
  });

  test("each seed namespace's interfaces equal ip link inside it (nsenter)", () => {
    const topology = levels.netns!.topology;
    for (const ns of seedNamespaces(topology)) {
      const owner = ns.containers.find((c) => c.via === 'own')!;
      const sandbox = levels.netns!.sandboxes[owner.id];
      const links = ipLinks(sandbox.sandboxKey);
      const expected = links.filter((l) => l.ifname !== 'lo' || links.length === 1).map((l) => l.ifname).sort();
      assert.deepEqual(ns.interfaces.map((i) => i.name).sort(), expected, owner.name);
    }
  });

  test('namespaces: the seed sandboxes and the swarm ones under /var/run/docker/netns', () => {
    const topology = levels.netns!.topology;
    const files = new Set(readdirSync('/var/run/docker/netns'));
    for (const ns of seedNamespaces(topology)) {
      assert.ok(ns.name && files.has(ns.name), `${ns.name} is not under /var/run/docker/netns`);
    }
    const ovnetId = docker(['network', 'inspect', '-f', '{{.Id}}', `${PREFIX}ovnet`]);
    assert.ok(files.has(`1-${ovnetId.slice(0, 10)}`));
    const overlay = topology.namespaces.find((ns) => ns.id === `ns:overlay:${ovnetId}`)!;
    const inOverlay = ipLinks(`/var/run/docker/netns/1-${ovnetId.slice(0, 10)}`).filter((l) => l.ifname !== 'lo').map((l) => l.ifname).sort();
    assert.deepEqual(overlay.interfaces.map((i) => i.name).sort(), inOverlay);
    assert.ok(inOverlay.includes('br0') && inOverlay.includes('vxlan0'));
    assert.ok(topology.namespaces.some((ns) => ns.name === 'ingress_sbox'));
    // sharing, host mode, none
    const c1 = topology.namespaces.find((ns) => ns.containers.some((c) => c.name === `${PREFIX}c1`))!;
    assert.ok(c1.containers.some((c) => c.name === `${PREFIX}sidecar`));
    assert.ok(topology.namespaces.find((ns) => ns.kind === 'host')!.containers.some((c) => c.name === `${PREFIX}hostbox`));
    const isolated = topology.namespaces.find((ns) => ns.containers.some((c) => c.name === `${PREFIX}isolated`))!;
    assert.deepEqual(isolated.interfaces.map((i) => i.name), ['lo']);
  });

  test('the hand-made veth int_hote <-> eth1 (AppProd) is there and marked not managed by Docker', () => {
    const topology = levels.netns!.topology;
    const byId = ifaceById(topology);
    const intHote = byId.get('ns:host/if:int_hote')!;
    assert.ok(intHote && !intHote.managed);
    const peer = byId.get(vethPeer(topology, intHote.id))!;
    assert.equal(peer.name, 'eth1');
    assert.equal(peer.managed, false);
    const ns = topology.namespaces.find((n) => n.id === peer.namespaceId)!;
    assert.ok(ns.containers.some((c) => c.name === `${PREFIX}AppProd`));
  });

  test('macvlan on the dummy parent', () => {
    const topology = levels.netns!.topology;
    const mv = topology.namespaces.find((ns) => ns.containers.some((c) => c.name === `${PREFIX}mv1`))!;
    const eth0 = mv.interfaces.find((i) => i.name === 'eth0')!;
    assert.equal(eth0.kind, 'macvlan');
    const parent = topology.edges.find((e) => e.kind === 'parent' && e.from === eth0.id);
    assert.equal(parent?.to, `ns:host/if:${seed!.dummy}`);
  });

  test('sysfs level (no root needed) finds the same veth pairs into the seed namespaces', () => {
    const pairs = (topology: Topology) => {
      const seedNs = new Set(seedNamespaces(topology).map((ns) => ns.id));
      return topology.edges
        .filter((e) => e.kind === 'veth' && [e.from, e.to].some((end) => seedNs.has(end.slice(0, end.lastIndexOf('/')))))
        .map((e) => [e.from, e.to].sort().join(' <-> '))
        .filter((pair) => pair.includes('ns:host/'))
        .sort();
    };
    assert.deepEqual(pairs(levels.sysfs!.topology), pairs(levels.netns!.topology));
  });

  test('API-only level draws inferred equivalents: same namespaces, one inferred veth per bridge endpoint', () => {
    const observed = levels.netns!.topology;
    const inferred = levels.api!.topology;
    for (const ns of seedNamespaces(observed)) {
      const twin = inferred.namespaces.find((candidate) => candidate.id === ns.id);
      assert.ok(twin, `API level lacks ${ns.id}`);
      assert.equal(twin!.source, 'inferred');
      const bridgeEndpoints = ns.interfaces.filter((i) => i.managed && i.kind === 'veth' && i.networkIds.some((id) => levels.netns!.inventory.networkById.get(id)?.driver === 'bridge'));
      const inferredVeths = twin!.interfaces.filter((i) => i.kind === 'veth');
      assert.ok(inferredVeths.length >= bridgeEndpoints.length, `${ns.id}: ${inferredVeths.length} inferred < ${bridgeEndpoints.length} observed`);
      assert.ok(twin!.interfaces.every((i) => i.source === 'inferred'));
    }
    assert.ok(inferred.edges.every((e) => e.source === 'inferred'));
  });
});
