/**
 * Rootless Podman's topology on facts recorded from a real rootless Podman 4.3 (a test user's
 * `podman system service`, scripts/recordRootlessFixtures.ts): a slirp4netns container and two on a
 * network of the user's, probed as that user (sysfs level) and as root (netns level), checked
 * against the recorded truth (`ip` inside each namespace, the slirp4netns command lines). Also what
 * the Engine API alone gives (inferred), the diagram's words in English and French, and the
 * slirp4netns command line parser on the recorded command lines.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { diagramLabels, ENGLISH_LABELS } from '../../src/messages/diagramLabels';
import { bundleTranslator } from '../../src/messages/translator';
import { buildInventory } from '../../src/model/inventory';
import { buildTopology } from '../../src/model/topology/build';
import { emptyFacts, type HostFacts, type SandboxInfo } from '../../src/model/topology/facts';
import { generateMermaid } from '../../src/model/topology/mermaid';
import { DEFAULT_DIAGRAM_OPTIONS, type Topology, type TopoInterface } from '../../src/model/topology/types';
import { parseSlirp4netnsArgs } from '../../src/probe/rootless';
import { loadFixture, snapshotOf } from '../support/fixtures';
import type { IpLink } from '../support/rootlessTruth';

interface RootlessFixture {
  info: { Rootless?: boolean };
  sandboxes: SandboxInfo[];
  facts: { user: HostFacts; root: HostFacts };
  truth: {
    network: { name: string; bridge: string };
    ipInContainers: Record<string, IpLink[]>;
    rootlessNetns: { file: string; ip: IpLink[] };
    slirp4netns: { pid: number; argv: string[] }[];
  };
}

const fixture = loadFixture('podman-4.3', 'rootless.json') as ReturnType<typeof loadFixture> & RootlessFixture;
const inventory = buildInventory(snapshotOf(fixture));
const sandboxes = Object.fromEntries(fixture.sandboxes.map((sandbox) => [sandbox.containerId, sandbox]));
const { truth } = fixture;
const network = inventory.networks.find((candidate) => candidate.name === truth.network.name)!;
const slirpContainer = inventory.containers.find((container) => container.name.includes('-fx-slirp-'))!;
const onNetwork = inventory.containers.filter((container) => container.memberships.some((endpoint) => endpoint.networkId === network.id));
const addresses = (link: IpLink) => (link.addr_info ?? []).filter((address) => address.scope !== 'link').map((address) => `${address.local}/${address.prefixlen}`);

function build(facts: HostFacts): Topology {
  return buildTopology({ inventory, sandboxes, facts, rootless: fixture.info.Rootless === true });
}

function helpers(topology: Topology) {
  const iface = (id: string) => topology.namespaces.flatMap((ns) => ns.interfaces).find((candidate) => candidate.id === id);
  const linked = (ifaceId: string, kind: string): TopoInterface[] =>
    topology.edges.filter((edge) => edge.kind === kind && (edge.from === ifaceId || edge.to === ifaceId)).map((edge) => iface(edge.from === ifaceId ? edge.to : edge.from)!);
  return { linked, namespace: (id: string) => topology.namespaces.find((ns) => ns.id === id)! };
}

test('the recording is of a rootless engine, with a slirp4netns container and two on a network of the user’s', () => {
  assert.equal(fixture.info.Rootless, true);
  assert.ok(slirpContainer && slirpContainer.memberships.length === 0);
  assert.equal(onNetwork.length, 2);
  assert.equal(network.bridgeName, truth.network.bridge);
});

for (const level of ['user', 'root'] as const) {
  describe(`rootless Podman probed as ${level === 'user' ? 'its user (no root)' : 'root'}`, () => {
    const topology = build(fixture.facts[level]);
    const { linked, namespace } = helpers(topology);

    test('the slirp4netns container: its TAP device as ip shows it, joined to the slirp4netns process serving it; no veth, nothing not managed', () => {
      const tapTruth = truth.ipInContainers[slirpContainer.id].find((link) => link.linkinfo?.info_data?.type === 'tap')!;
      const ns = namespace(`ns:ctr:${slirpContainer.id}`);
      const tap = ns.interfaces.find((candidate) => candidate.name === tapTruth.ifname)!;
      assert.equal(tap.kind, 'tap');
      assert.equal(tap.source, 'observed');
      assert.deepEqual(tap.addresses, addresses(tapTruth));
      assert.deepEqual(linked(tap.id, 'veth'), []);
      const process = truth.slirp4netns.find((candidate) => candidate.argv.includes(sandboxes[slirpContainer.id].sandboxKey!))!;
      const [drawn] = linked(tap.id, 'userMode');
      assert.equal(drawn.namespaceId, 'ns:host');
      assert.deepEqual(drawn.userMode, { program: 'slirp4netns', pid: process.pid, cidr: '10.0.2.0/24', gateway: '10.0.2.2', dns: '10.0.2.3' });
      assert.ok(ns.interfaces.every((candidate) => candidate.managed));
    });

    test("the user's network: its bridge in the rootless network namespace, each container's eth0 paired with the veth ip names there; nothing on the host serves the engine's networks", () => {
      const rootless = namespace('ns:rootless');
      assert.equal(rootless.kind, 'rootless');
      assert.equal(rootless.name, path.basename(truth.rootlessNetns.file));
      assert.equal(rootless.source, 'observed');
      const bridgeTruth = truth.rootlessNetns.ip.find((link) => link.ifname === truth.network.bridge)!;
      const bridge = rootless.interfaces.find((candidate) => candidate.name === truth.network.bridge)!;
      assert.deepEqual(bridge.addresses, addresses(bridgeTruth));
      assert.deepEqual(topology.networks.find((candidate) => candidate.id === network.id)!.anchorInterfaceIds, [bridge.id]);
      const host = namespace('ns:host');
      const engineNetworks = new Set(inventory.networks.map((candidate) => candidate.id));
      assert.deepEqual(host.interfaces.filter((candidate) => candidate.networkIds.some((id) => engineNetworks.has(id))).map((candidate) => candidate.name), []);
      for (const container of onNetwork) {
        const eth0Truth = truth.ipInContainers[container.id].find((link) => link.ifname === 'eth0')!;
        const eth0 = namespace(`ns:ctr:${container.id}`).interfaces.find((candidate) => candidate.name === 'eth0')!;
        const [peer] = linked(eth0.id, 'veth');
        const peerTruth = truth.rootlessNetns.ip.find((link) => link.ifindex === eth0Truth.link_index)!;
        assert.equal(peer?.namespaceId, 'ns:rootless', container.name);
        assert.equal(peer.name, peerTruth.ifname);
        assert.equal(peerTruth.master, truth.network.bridge);
        assert.deepEqual(linked(peer.id, 'bridgePort').map((port) => port.id), [bridge.id]);
      }
    });

    test("the rootless network namespace's uplink: its TAP device and its own slirp4netns process", () => {
      const tapTruth = truth.rootlessNetns.ip.find((link) => link.linkinfo?.info_data?.type === 'tap')!;
      const tap = namespace('ns:rootless').interfaces.find((candidate) => candidate.name === tapTruth.ifname)!;
      assert.equal(tap.kind, 'tap');
      assert.deepEqual(tap.addresses, addresses(tapTruth));
      const process = truth.slirp4netns.find((candidate) => candidate.argv.includes(truth.rootlessNetns.file))!;
      assert.equal(linked(tap.id, 'userMode')[0]?.userMode?.pid, process.pid);
    });
  });
}

test('from the Engine API alone (a remote rootless engine): the bridge and veth ends in an inferred rootless network namespace, TAP devices and slirp4netns inferred, nothing on the host', () => {
  const topology = build(emptyFacts('remoteEngine'));
  const { linked, namespace } = helpers(topology);
  const rootless = namespace('ns:rootless');
  assert.equal(rootless.source, 'inferred');
  const bridge = rootless.interfaces.find((candidate) => candidate.name === truth.network.bridge)!;
  assert.ok(bridge, 'the bridge, by the name Podman gives it, in the rootless namespace');
  assert.ok(!namespace('ns:host').interfaces.some((candidate) => candidate.kind === 'bridge' || candidate.kind === 'veth'));
  const tap = namespace(`ns:ctr:${slirpContainer.id}`).interfaces.find((candidate) => candidate.kind === 'tap')!;
  assert.deepEqual(tap.addresses, ['10.0.2.100/24']);
  assert.equal(linked(tap.id, 'userMode')[0]?.source, 'inferred');
  assert.ok(rootless.interfaces.some((candidate) => candidate.kind === 'tap' && linked(candidate.id, 'userMode').length === 1));
});

test('the diagram says slirp4netns and rootless network namespace, in English and in French', () => {
  const topology = build(fixture.facts.user);
  const english = generateMermaid(topology, { kind: 'host' }, { ...DEFAULT_DIAGRAM_OPTIONS, showLegend: false }, ENGLISH_LABELS).text;
  const process = truth.slirp4netns.find((candidate) => candidate.argv.includes(truth.rootlessNetns.file))!;
  assert.ok(english.includes(`rootless network namespace ${path.basename(truth.rootlessNetns.file)}`), english);
  assert.ok(english.includes(`slirp4netns #40;pid ${process.pid}#41;<br/>user-mode network<br/>10.0.2.0/24<br/>gateway 10.0.2.2, DNS 10.0.2.3`), english);
  assert.ok(!english.includes('not managed by Docker'), english);
  const french = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'l10n', 'fr', 'topology.json'), 'utf8')) as Record<string, string>;
  const text = generateMermaid(topology, { kind: 'host' }, { ...DEFAULT_DIAGRAM_OPTIONS, showLegend: false }, diagramLabels(bundleTranslator(french))).text;
  assert.ok(text.includes('espace de noms réseau rootless'.replace(/é/g, '#233;')), text);
  assert.ok(text.includes('réseau en mode utilisateur'.replace(/é/g, '#233;')), text);
  assert.ok(text.includes('passerelle 10.0.2.2, DNS 10.0.2.3'), text);
});

test('the slirp4netns command line, as Podman starts it (recorded), gives the namespace it serves, its TAP device and its network', () => {
  for (const process of truth.slirp4netns) {
    const parsed = parseSlirp4netnsArgs(process.argv)!;
    assert.ok(parsed, process.argv.join(' '));
    assert.equal(parsed.netnsPath, process.argv[process.argv.length - 2]);
    assert.equal(parsed.tap, process.argv[process.argv.length - 1]);
    assert.equal(parsed.cidr, '10.0.2.0/24');
    assert.equal(parsed.hostLoopback, !process.argv.includes('--disable-host-loopback'));
  }
  assert.equal(parseSlirp4netnsArgs(['/usr/bin/slirp4netns', '--configure', '1234', 'tap0']), undefined, 'a pid target names no namespace file');
  assert.equal(parseSlirp4netnsArgs(['/usr/bin/slirp4netns', '--netns-type=path', 'relative/netns', 'tap0']), undefined);
  assert.equal(parseSlirp4netnsArgs(['/usr/bin/slirp4netns', '--netns-type=path', '/run/user/1/netns/../x', 'tap0']), undefined);
  assert.equal(parseSlirp4netnsArgs(['/usr/bin/slirp4netns', '--netns-type=path', '--cidr=10.5.0.0/24', '/run/user/1/netns/n', 'tap0'])?.cidr, '10.5.0.0/24');
});
