/**
 * Engine tier on a real rootful Podman (its own `podman system service`, test/support/podmanService.ts):
 * its containers' namespaces are files under /run/netns (`netns-<uuid>`), the folder `ip netns add`
 * uses too. The topology must draw each as the container's namespace (not an `ip netns` one of
 * unknown use), as root (netns level, read with nsenter) and as a user without root (sysfs level,
 * where /run/netns is only listed), checked against `ip` inside that namespace and `podman inspect`.
 */
import '../support/vscodeFake';
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { collectTopology } from '../../src/engine/collectTopology';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import { buildTopology } from '../../src/model/topology/build';
import type { Topology } from '../../src/model/topology/types';
import { podmanInstalled, PodmanService, startPodmanService } from '../support/podmanService';
import type { IpLink } from '../support/rootlessTruth';
import { probeAsUnprivilegedUser } from './unprivilegedProbe';

interface Inspected {
  Id: string;
  State: { Pid: number };
  NetworkSettings: { SandboxKey: string; Networks: Record<string, { IPAddress?: string; IPPrefixLen?: number }> };
}

describe("rootful Podman's namespaces under /run/netns are its containers' (real podman system service)", { skip: podmanInstalled() ? false : 'podman is not installed' }, () => {
  let service: PodmanService;
  let client: EngineClient;
  let session: EngineSession;
  let netName: string;
  let boxName: string;
  let details: Inspected;

  before(async () => {
    service = await startPodmanService();
    netName = service.name('nsnet');
    boxName = service.name('nsbox');
    service.createNetwork(netName);
    service.runContainer(boxName, ['--network', netName]);
    details = (JSON.parse(service.podman(['inspect', boxName])) as Inspected[])[0];
    client = new EngineClient(resolveTarget(service.host), 10_000);
    session = new EngineSession(client, { debounceMs: 0, watch: false });
    await session.start();
  });

  after(async () => {
    session?.dispose();
    client?.dispose();
    await service?.stop();
  });

  function check(topology: Topology): void {
    const file = path.basename(details.NetworkSettings.SandboxKey);
    assert.equal(path.dirname(details.NetworkSettings.SandboxKey), '/run/netns', 'rootful Podman keeps its namespaces under /run/netns');
    const ns = topology.namespaces.find((candidate) => candidate.id === `ns:ctr:${details.Id}`)!;
    assert.ok(ns, `${boxName}'s namespace drawn`);
    assert.equal(ns.kind, 'container');
    assert.equal(ns.name, file);
    assert.equal(ns.source, 'observed');
    assert.deepEqual(ns.containers.map((container) => container.name), [boxName]);
    assert.ok(!topology.namespaces.some((candidate) => candidate.kind === 'named' && candidate.name === file), `no 'ip netns ${file}' beside it`);
    const inside = JSON.parse(execFileSync('nsenter', [`--net=${details.NetworkSettings.SandboxKey}`, '--', 'ip', '-j', 'addr', 'show', 'eth0'], { encoding: 'utf8' })) as IpLink[];
    const eth0 = ns.interfaces.find((iface) => iface.name === 'eth0')!;
    const endpoint = details.NetworkSettings.Networks[netName];
    assert.deepEqual(eth0.addresses, [`${endpoint.IPAddress}/${endpoint.IPPrefixLen}`]);
    const edge = topology.edges.find((candidate) => candidate.kind === 'veth' && (candidate.from === eth0.id || candidate.to === eth0.id))!;
    const peerId = edge.from === eth0.id ? edge.to : edge.from;
    const host = topology.namespaces.find((candidate) => candidate.kind === 'host')!;
    const peer = host.interfaces.find((iface) => iface.id === peerId)!;
    assert.equal(peer.ifindex, inside[0].link_index, "the host veth is the one eth0's peer index names");
  }

  test('as root (netns level): the /run/netns file is the container’s namespace, read inside', async () => {
    const collected = await collectTopology(session);
    assert.ok(collected);
    assert.equal(collected.topology.level, 'netns');
    check(collected.topology);
  });

  test('as a user without root (sysfs level): the listed /run/netns file is the container’s namespace, read through /proc', async () => {
    const collected = (await collectTopology(session, 'api'))!;
    const facts = probeAsUnprivilegedUser(Object.values(collected.sandboxes));
    assert.equal(facts.level, 'sysfs');
    check(buildTopology({ inventory: collected.inventory, sandboxes: collected.sandboxes, facts, endpointNames: session.endpointNames }));
  });
});
