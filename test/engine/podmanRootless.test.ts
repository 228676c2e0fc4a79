/**
 * Engine tier on a real rootless Podman (Debian 12's 4.3, CNI, slirp4netns): a test user runs its
 * own `podman system service` on $XDG_RUNTIME_DIR/podman/podman.sock (test/support/rootlessPodman.ts),
 * and the extension's command line runs as that user, as the extension would: its topology (JSON)
 * and its diagram (Mermaid) are checked against `ip` inside each namespace (nsenter, as root),
 * `podman inspect` and the slirp4netns processes. A container on the default network (slirp4netns:
 * a TAP device, no veth) and two on a network of the user's (its bridge inside the rootless network
 * namespace). Everything it makes is named `pdm-…`, labelled dne.test.podman=1, and removed.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Topology, TopoInterface } from '../../src/model/topology/types';
import { runScriptAsUser } from '../support/asUser';
import { RootlessPodman, rootlessUnavailable, startRootlessPodman } from '../support/rootlessPodman';
import { addressesOf, ipInProcess, ipInRootlessNetns, rootlessNetnsFile, slirp4netnsProcesses } from '../support/rootlessTruth';
import { waitFor } from '../support/waitFor';

const cli = path.join(__dirname, '..', '..', '..', 'dist', 'cli.js');
// Under CI a machine that cannot run rootless Podman is a failure (the tier installs what it needs), never a skip.
const unavailable = process.env.CI === 'true' ? undefined : rootlessUnavailable();

interface Inspected {
  Id: string;
  State: { Pid: number };
  NetworkSettings: { SandboxKey: string; Networks: Record<string, { IPAddress?: string; IPPrefixLen?: number; MacAddress?: string }> };
}

describe('rootless Podman as its user sees it (real rootless podman system service)', { skip: unavailable ?? false }, () => {
  let podman: RootlessPodman;
  let netName: string;
  let slirpName: string;
  let onNet: string[];
  let topology: Topology;
  let mermaid: string;

  const inspect = (name: string) => (JSON.parse(podman.podman(['inspect', name])) as Inspected[])[0];
  const runCliAsUser = (args: string[]) => {
    const result = runScriptAsUser(cli, args, { user: podman.user.name, env: podman.env });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout;
  };
  const namespaceOf = (name: string) => topology.namespaces.find((ns) => ns.containers.some((c) => c.name === name))!;
  const iface = (id: string) => topology.namespaces.flatMap((ns) => ns.interfaces).find((candidate) => candidate.id === id);
  const linked = (ifaceId: string, kind: string): TopoInterface[] =>
    topology.edges.filter((edge) => edge.kind === kind && (edge.from === ifaceId || edge.to === ifaceId)).map((edge) => iface(edge.from === ifaceId ? edge.to : edge.from)!);

  before(async () => {
    podman = await startRootlessPodman();
    netName = podman.name('rnet');
    slirpName = podman.name('slirp');
    onNet = [podman.name('ra'), podman.name('rb')];
    podman.createNetwork(netName);
    // Rootless Podman's default network mode is slirp4netns.
    podman.runContainer(slirpName);
    for (const name of onNet) podman.runContainer(name, ['--network', netName]);
    // slirp4netns with IPv6 gives its TAP a SLAAC address a moment after the namespace is up: read
    // once it has it, so the extension's reading and ip's are of the same state.
    const netnsFile = rootlessNetnsFile(podman.user.runtimeDir);
    const slirp = slirp4netnsProcesses().find((candidate) => netnsFile !== undefined && candidate.argv.includes(netnsFile));
    if (slirp?.argv.includes('--enable-ipv6')) {
      await waitFor('the rootless TAP\'s IPv6 address', () => {
        const tap = ipInRootlessNetns(podman.user.runtimeDir).find((link) => link.linkinfo?.info_data?.type === 'tap');
        return tap !== undefined && addressesOf(tap).some((address) => address.includes(':'));
      }, { timeoutMs: 20_000 });
    }
    topology = JSON.parse(runCliAsUser(['diagram', '--format', 'json', '--full'])) as Topology;
    mermaid = runCliAsUser(['diagram', '--full', '--no-legend']);
  });

  after(async () => {
    await podman?.stop();
  });

  test('the service answers on the rootless socket the engine resolution looks for, and says it is rootless', () => {
    assert.equal(podman.socketPath, `${podman.user.runtimeDir}/podman/podman.sock`);
    assert.equal(podman.podman(['info', '--format', '{{.Host.Security.Rootless}}']), 'true');
    assert.equal(topology.level, 'sysfs', 'the user probes without root');
  });

  test('with no DOCKER_HOST, the user who may not use Docker\'s socket (not in the docker group) gets their rootless Podman, not a permission error', () => {
    const { DOCKER_HOST: _configured, ...withoutHost } = podman.env;
    const result = runScriptAsUser(cli, ['diagram', '--format', 'json', '--full'], { user: podman.user.name, env: withoutHost });
    assert.equal(result.status, 0, result.stderr);
    const drawn = JSON.parse(result.stdout) as Topology;
    assert.ok(drawn.namespaces.some((ns) => ns.containers.some((c) => c.name === slirpName)), 'the rootless container is in the diagram');
  });

  test("a slirp4netns container: its TAP device as `ip` shows it inside, joined to the slirp4netns process serving its namespace, no veth, nothing 'not managed'", () => {
    const details = inspect(slirpName);
    const inside = ipInProcess(details.State.Pid).find((link) => link.linkinfo?.info_kind === 'tun')!;
    assert.ok(inside, 'ip shows a tun device in the container');
    const ns = namespaceOf(slirpName);
    assert.equal(ns.source, 'observed');
    const tap = ns.interfaces.find((candidate) => candidate.name === inside.ifname)!;
    assert.ok(tap, `${inside.ifname} drawn in ${slirpName}'s namespace`);
    assert.equal(tap.kind, 'tap');
    assert.equal(tap.managed, true);
    assert.deepEqual(tap.addresses, addressesOf(inside));
    assert.deepEqual(linked(tap.id, 'veth'), [], 'no veth on a TAP device');
    const [process] = linked(tap.id, 'userMode');
    const real = slirp4netnsProcesses().find((candidate) => candidate.argv.includes(details.NetworkSettings.SandboxKey))!;
    assert.ok(real, 'a slirp4netns process names the container namespace');
    assert.equal(process?.namespaceId, 'ns:host');
    assert.equal(process.source, 'observed');
    assert.equal(process.userMode?.pid, real.pid);
    assert.equal(process.userMode?.gateway, '10.0.2.2');
    assert.ok(ns.interfaces.every((candidate) => candidate.managed), 'nothing in it is drawn as not made by the engine');
  });

  test("a network of the user's: its bridge in the rootless network namespace as `ip` shows it there, each container's eth0 paired with the veth `ip` names, none on the host", () => {
    const network = topology.networks.find((candidate) => candidate.name === netName)!;
    const bridgeName = podman.podman(['network', 'inspect', netName, '--format', '{{.NetworkInterface}}']);
    const inRootless = ipInRootlessNetns(podman.user.runtimeDir);
    const realBridge = inRootless.find((link) => link.ifname === bridgeName)!;
    assert.ok(realBridge, `${bridgeName} in the rootless network namespace`);
    const rootless = topology.namespaces.find((ns) => ns.kind === 'rootless')!;
    assert.ok(rootless, 'a rootless network namespace is drawn');
    assert.equal(rootless.name, path.basename(rootlessNetnsFile(podman.user.runtimeDir)!));
    assert.equal(rootless.source, 'observed');
    const bridge = rootless.interfaces.find((candidate) => candidate.name === bridgeName)!;
    assert.ok(bridge, `${bridgeName} drawn in it`);
    assert.deepEqual(bridge.addresses, addressesOf(realBridge));
    assert.deepEqual(network.anchorInterfaceIds, [bridge.id], 'the network stands on that bridge only');
    const host = topology.namespaces.find((ns) => ns.kind === 'host')!;
    assert.ok(!host.interfaces.some((candidate) => candidate.networkIds.includes(network.id)), 'nothing on the host serves the network');
    for (const name of onNet) {
      const details = inspect(name);
      const eth0 = ipInProcess(details.State.Pid).find((link) => link.ifname === 'eth0')!;
      const drawn = namespaceOf(name).interfaces.find((candidate) => candidate.name === 'eth0')!;
      assert.equal(drawn.source, 'observed');
      assert.deepEqual(drawn.addresses, [`${details.NetworkSettings.Networks[netName].IPAddress}/${details.NetworkSettings.Networks[netName].IPPrefixLen}`]);
      const [peer] = linked(drawn.id, 'veth');
      const realPeer = inRootless.find((link) => link.ifindex === eth0.link_index)!;
      assert.equal(peer?.namespaceId, rootless.id, `${name}'s eth0 is paired inside the rootless network namespace`);
      assert.equal(peer.name, realPeer.ifname);
      assert.equal(realPeer.master, bridgeName);
      assert.deepEqual(linked(peer.id, 'bridgePort').map((port) => port.id), [bridge.id]);
    }
  });

  test("the rootless network namespace's uplink: its TAP device and the slirp4netns process serving it", () => {
    const rootless = topology.namespaces.find((ns) => ns.kind === 'rootless')!;
    const realTap = ipInRootlessNetns(podman.user.runtimeDir).find((link) => link.linkinfo?.info_data?.type === 'tap')!;
    const tap = rootless.interfaces.find((candidate) => candidate.name === realTap.ifname)!;
    assert.equal(tap.kind, 'tap');
    assert.deepEqual(tap.addresses, addressesOf(realTap));
    const real = slirp4netnsProcesses().find((candidate) => candidate.argv.includes(rootlessNetnsFile(podman.user.runtimeDir)!))!;
    assert.equal(linked(tap.id, 'userMode')[0]?.userMode?.pid, real.pid);
  });

  test('the diagram (Mermaid, as the user) says slirp4netns and rootless network namespace, and marks nothing as not managed', () => {
    const rootlessFile = path.basename(rootlessNetnsFile(podman.user.runtimeDir)!);
    assert.ok(mermaid.includes(`rootless network namespace ${rootlessFile}`), mermaid);
    const slirp = slirp4netnsProcesses().find((candidate) => candidate.argv.includes(inspect(slirpName).NetworkSettings.SandboxKey))!;
    assert.ok(mermaid.includes(`slirp4netns #40;pid ${slirp.pid}#41;<br/>user-mode network`), mermaid);
    assert.match(mermaid, /<-->\|TAP\|/);
    const bridgeName = podman.podman(['network', 'inspect', netName, '--format', '{{.NetworkInterface}}']);
    assert.ok(mermaid.includes(`${bridgeName}<br/>network ${netName}`), mermaid);
    assert.ok(!mermaid.includes('not managed by Docker'), mermaid);
  });
});
