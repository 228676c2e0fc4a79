/**
 * Engine tier for the topology (root, real dockerd): the seed labs' plumbing (probeSeed.ts) read by
 * the probe through the same code as the panel and the CLI, compared with what `ip -j -d link`
 * shows on the host and, through nsenter, inside each namespace. The sysfs level, read as the
 * unprivileged user nobody (runuser), is compared with the root level item by item: what it
 * cannot see must be there inferred (dashed), never dropped. The API-only level must give the
 * inferred equivalents. Everything is labelled dne.test=1 and removed in `after`.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import { buildTopology } from '../../src/model/topology/build';
import { mermaidId, generateMermaid } from '../../src/model/topology/mermaid';
import { DEFAULT_DIAGRAM_OPTIONS, Topology, TopoInterface, TopoNamespace } from '../../src/model/topology/types';
import { probeHost } from '../../src/probe/hostProbe';
import { collectTopology, Collected } from '../../src/engine/collectTopology';
import { ENGLISH_LABELS } from '../../src/messages/diagramLabels';
import { docker } from '../support/dockerCli';
import { buildSeed, Seed, sh, teardownSeed } from './probeSeed';
import { probeAsUnprivilegedUser, UNPRIVILEGED_USER } from './unprivilegedProbe';
import { runCli } from '../../src/cli';

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
  const levels: Partial<Record<'netns' | 'sysfs' | 'api' | 'unprivileged', Collected>> = {};
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
    // The same inventory and sandboxes, the facts read by a user without root.
    const root = levels.netns;
    const facts = probeAsUnprivilegedUser(Object.values(root.sandboxes));
    levels.unprivileged = { ...root, facts, topology: buildTopology({ inventory: root.inventory, sandboxes: root.sandboxes, facts, endpointNames: session.endpointNames }) };
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

  test('a file left under /var/run/docker/netns whose namespace is unmounted is skipped, without a warning', async () => {
    const file = '/var/run/docker/netns/dne-left-behind';
    writeFileSync(file, '');
    try {
      assert.equal(sh('stat', ['-f', '-c', '%T', file]) === 'nsfs', false, 'a plain file, as Docker leaves one behind');
      const facts = await probeHost({ local: true, sandboxes: [] });
      assert.equal(facts.level, 'netns');
      assert.equal(facts.namespaces.some((ns) => ns.name === 'dne-left-behind'), false);
      assert.deepEqual(facts.warnings.filter((w) => w.includes('dne-left-behind')), []);
      // The mounted ones are still read: every overlay / ingress namespace of the seed is there.
      assert.ok(facts.namespaces.some((ns) => ns.name === 'ingress_sbox'));
    } finally {
      rmSync(file, { force: true });
    }
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

  // ---- the level without root, compared with the root level item by item ----

  const namespaceOf = (topology: Topology, id: string): TopoNamespace | undefined => topology.namespaces.find((ns) => ns.id === id);
  const seedOrSwarm = (topology: Topology) => {
    const networks = new Set(levels.netns!.inventory.networks.filter((n) => n.name.startsWith(PREFIX) || n.ingress).map((n) => n.id));
    return topology.namespaces.filter((ns) => seedNamespaces(topology).includes(ns) || (ns.networkId !== undefined && networks.has(ns.networkId)) || ns.kind === 'ingress' || ns.name === seed!.netns);
  };

  test(`without root (${UNPRIVILEGED_USER}): level sysfs, reason notRoot`, () => {
    assert.equal(levels.unprivileged!.facts.level, 'sysfs');
    assert.equal(levels.unprivileged!.facts.reason, 'notRoot');
  });

  test('without root: every namespace of the root level is there, observed or inferred (overlay 1-<id>, ingress_sbox, lb_, ip netns)', () => {
    const root = levels.netns!.topology;
    const user = levels.unprivileged!.topology;
    const kinds = new Set(seedOrSwarm(root).map((ns) => ns.kind));
    for (const kind of ['container', 'overlay', 'ingress', 'loadBalancer', 'named'] as const) {
      assert.ok(kinds.has(kind), `the seed has a ${kind} namespace at the root level`);
    }
    for (const ns of seedOrSwarm(root)) {
      const twin = namespaceOf(user, ns.id);
      assert.ok(twin, `without root ${ns.id} (${ns.name}) is missing`);
      assert.equal(twin!.kind, ns.kind, ns.id);
      const unreadable = ns.kind === 'overlay' || ns.kind === 'ingress' || ns.kind === 'loadBalancer' || ns.kind === 'named';
      assert.equal(twin!.source, unreadable ? 'inferred' : 'observed', ns.id);
    }
  });

  test('without root: bridges (also one without carrier) and the uplink have the same names and addresses', () => {
    const host = (topology: Topology) => topology.namespaces.find((ns) => ns.kind === 'host')!;
    const summary = (topology: Topology) =>
      host(topology)
        .interfaces.filter((i) => i.kind === 'bridge' || i.uplinkGateways)
        .map((i) => `${i.name} ${[...i.addresses].sort().join(',')} ${i.uplinkGateways?.join(',') ?? ''}`)
        .sort();
    assert.deepEqual(summary(levels.unprivileged!.topology), summary(levels.netns!.topology));
    const emptyBridge = `br-${docker(['network', 'inspect', '-f', '{{.Id}}', `${PREFIX}empty`]).slice(0, 12)}`;
    const root = host(levels.netns!.topology).interfaces.find((i) => i.name === emptyBridge)!;
    assert.ok(root.addresses.length > 0, 'the unused network\'s bridge has its gateway address');
    assert.equal(root.state, 'DOWN', 'the unused network\'s bridge has no carrier');
    // The uplink is the interface of the host's default route, as `ip route` says.
    const routes = JSON.parse(sh('ip', ['-j', 'route', 'show', 'default'])) as { dev: string; gateway?: string }[];
    const uplink = host(levels.netns!.topology).interfaces.find((i) => i.name === routes[0].dev)!;
    assert.ok(uplink && uplink.uplinkGateways, `uplink ${routes[0].dev} drawn`);
    if (routes[0].gateway) assert.ok(uplink.uplinkGateways!.includes(routes[0].gateway));
  });

  test('without root: each seed container interface has the same name, addresses and MAC (hand-made ones: no MAC to read)', () => {
    const root = levels.netns!.topology;
    const gateway = levels.netns!.inventory.networks.find((n) => n.bridgeName === 'docker_gwbridge')?.id ?? '';
    const user = levels.unprivileged!.topology;
    for (const ns of seedNamespaces(root)) {
      const twin = namespaceOf(user, ns.id)!;
      // MACs of the endpoints Docker lists (swarm's docker_gwbridge endpoints are not listed, hand-made links are nobody's).
      const listed = (i: TopoInterface) => i.managed && !i.networkIds.includes(gateway);
      const describe = (i: TopoInterface) => `${i.name} ${[...i.addresses].sort().join(',')} ${listed(i) ? i.mac : ''} managed=${i.managed}`;
      assert.deepEqual(twin.interfaces.map(describe).sort(), ns.interfaces.map(describe).sort(), ns.containers[0].name);
    }
    // `--network none`: loopback alone, with the addresses the root level reads (Docker 28 keeps ::1, 20.10 had none).
    const isolatedOf = (topology: Topology) => seedNamespaces(topology).find((ns) => ns.containers.some((c) => c.name === `${PREFIX}isolated`))!;
    const loopback = (ns: TopoNamespace) => ns.interfaces.map((i) => `${i.name} ${[...i.addresses].sort().join(',')}`);
    assert.deepEqual(loopback(isolatedOf(user)), loopback(isolatedOf(root)));
    assert.deepEqual(isolatedOf(user).interfaces.map((i) => i.name), ['lo']);
    assert.ok(isolatedOf(user).interfaces[0].addresses.includes('127.0.0.1/8'));
  });

  test('without root: every veth and parent link of the root level is there, observed or inferred, between the same namespaces', () => {
    const root = levels.netns!.topology;
    const user = levels.unprivileged!.topology;
    const kept = new Set(seedOrSwarm(root).map((ns) => ns.id));
    const nsOf = (id: string) => id.slice(0, id.lastIndexOf('/'));
    // An edge between an observed interface (by id) and the far namespace: inferred far ends have other ids.
    const ends = (topology: Topology, observedIds: Set<string>) =>
      topology.edges
        .filter((e) => (e.kind === 'veth' || e.kind === 'parent') && (kept.has(nsOf(e.from)) || kept.has(nsOf(e.to))))
        .flatMap((e) => [[e.from, e.to], [e.to, e.from]])
        .filter(([from]) => observedIds.has(from))
        .map(([from, to]) => `${from} -> ${nsOf(to)}`);
    const observedAtUser = new Set(user.namespaces.flatMap((ns) => ns.interfaces).filter((i) => i.source === 'observed').map((i) => i.id));
    const fromRoot = new Set(ends(root, observedAtUser));
    const fromUser = new Set(ends(user, observedAtUser));
    const missing = [...fromRoot].filter((end) => !fromUser.has(end));
    assert.deepEqual(missing, [], 'links seen as root that the unprivileged topology lacks');
    // ingress_sbox's leg on docker_gwbridge: Docker's, joined to the same host veth as root sees.
    const gwEnd = (topology: Topology) => vethPeer(topology, 'ns:netns:ingress_sbox/if:eth1');
    assert.equal(gwEnd(user), gwEnd(root));
    assert.equal(ifaceById(user).get(gwEnd(user)!)!.managed, true);
  });

  test('without root: what could not be read is drawn dashed (class inferred), not dropped', () => {
    const user = levels.unprivileged!.topology;
    const text = generateMermaid(user, { kind: 'host' }, { ...DEFAULT_DIAGRAM_OPTIONS, collapse: false }, ENGLISH_LABELS).text;
    const inferredClass = new Set(text.split('\n').filter((line) => /^\s*class .* inferred$/.test(line)).flatMap((line) => line.trim().split(' ')[1].split(',')));
    const inferred = seedOrSwarm(user).flatMap((ns) => ns.interfaces).filter((i) => i.source === 'inferred');
    assert.ok(inferred.length >= 6, `${inferred.length} inferred interfaces`);
    for (const iface of inferred) {
      assert.ok(inferredClass.has(mermaidId('if', iface.id)), `${iface.id} is drawn dashed`);
    }
    assert.match(text, /^%% probe level: sysfs \(notRoot\)$/m);
  });

  test('ip netns add: the namespace, its veth and the host end (not managed by Docker) at the root level', () => {
    const topology = levels.netns!.topology;
    const ns = namespaceOf(topology, `ns:netns:${seed!.netns}`)!;
    assert.deepEqual(ns.interfaces.map((i) => `${i.name} ${i.addresses.join(',')}`), ['dnetopo-vn0 10.213.9.2/24']);
    const hostEnd = ifaceById(topology).get(vethPeer(topology, ns.interfaces[0].id)!)!;
    assert.equal(hostEnd.name, seed!.netnsVeth);
    assert.deepEqual(hostEnd.addresses, ['10.213.9.1/24']);
    assert.equal(hostEnd.managed, false);
  });

  test('macvlan: the parent is named with the network, and its veth peer is drawn', () => {
    const topology = levels.netns!.topology;
    const parent = ifaceById(topology).get(`ns:host/if:${seed!.dummy}`)!;
    const mvnet = levels.netns!.inventory.networks.find((n) => n.name === `${PREFIX}mvnet`)!;
    assert.ok(parent.networkIds.includes(mvnet.id));
    if (parent.kind === 'veth') {
      const peer = vethPeer(topology, parent.id);
      assert.ok(peer && ifaceById(topology).get(peer)!.namespaceId === 'ns:host', 'the dummy stand-in veth is drawn with its peer');
    }
    const text = generateMermaid(topology, { kind: 'network', networkId: mvnet.id }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS).text;
    assert.match(text, new RegExp(`network ${PREFIX}mvnet #40;macvlan bridge#41;`));
    assert.match(text, new RegExp(`parent of ${PREFIX}mvnet #40;macvlan bridge#41;`));
  });

  test('command line: --network none draws the none containers with lo, --network host the host stack without the bridges; the level is said', async () => {
    const cli = async (args: string[]) => {
      let out = '';
      let err = '';
      const code = await runCli(args, { out: (text) => (out += text), err: (text) => (err += text) });
      assert.equal(code, 0, err);
      return out;
    };
    const none = await cli(['diagram', '--network', 'none']);
    assert.match(none, /^%% probe level: netns \(full\)$/m);
    assert.ok(none.includes(`${PREFIX}isolated`) && none.includes('127.0.0.1/8'), none);
    assert.ok(!none.includes('docker0') && !none.includes('host mode'), 'the none scope draws neither bridges nor host-mode containers');
    for (const args of [['--network', 'host'], ['--container', `${PREFIX}hostbox`]]) {
      const host = await cli(['diagram', ...args]);
      assert.ok(host.includes(`host mode: ${PREFIX}hostbox`), host);
      assert.ok(!host.includes('docker0') && !host.includes('br-') && !host.includes(`${PREFIX}c1`), `${args.join(' ')} draws the host stack only`);
    }
    const bnet = await cli(['diagram', '--network', `${PREFIX}bnet`]);
    assert.ok(!bnet.includes('host mode'), 'a bridge network scope does not name the host-mode containers');
  });
});

