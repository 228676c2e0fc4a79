/**
 * Engine tier on a real Podman (Debian 12's 4.3) serving its Docker-compatible API: its own
 * `podman system service` on a private socket (test/support/podmanService.ts), read through the
 * extension's own EngineClient and EngineSession, compared with what the `podman` CLI and `ip`
 * say. Everything it makes is named `pdm-…` and labelled dne.test.podman=1; the Docker engines are
 * not touched. Runs in the podman tier (scripts/test-all.sh podman), once, on the machine; it also
 * runs inside Docker 28's box (scripts/engine28.sh run) when run there by hand.
 */
import '../support/vscodeFake';
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { collectTopology } from '../../src/engine/collectTopology';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import { connectContainers } from '../../src/engine/runNetworkActions';
import { engineTitle } from '../../src/model/engineProduct';
import { HOST_NS } from '../../src/model/topology/graph';
import { treeOf } from '../support/fakeServices';
import { podmanInstalled, PodmanService, startPodmanService } from '../support/podmanService';
import { waitFor } from '../support/waitFor';

const root = path.join(__dirname, '..', '..', '..');

interface PodmanEndpoint {
  IPAddress?: string;
  IPPrefixLen?: number;
}

describe('Podman through its Docker-compatible API (real podman system service)', { skip: podmanInstalled() ? false : 'podman is not installed' }, () => {
  let service: PodmanService;
  let session: EngineSession;
  let client: EngineClient;
  let netName: string;
  let otherName: string;
  let boxName: string;
  let peerName: string;

  const podmanJson = <T>(args: string[]): T => JSON.parse(service.podman(args)) as T;
  const endpointsOf = (container: string) => podmanJson<{ NetworkSettings: { Networks: Record<string, PodmanEndpoint> } }[]>(['inspect', container])[0].NetworkSettings.Networks;
  const interfaceOf = (network: string) => service.podman(['network', 'inspect', network, '--format', '{{.NetworkInterface}}']);

  before(async () => {
    service = await startPodmanService();
    netName = service.name('net');
    otherName = service.name('other');
    boxName = service.name('box');
    peerName = service.name('peer');
    service.createNetwork(netName);
    service.createNetwork(otherName);
    service.runContainer(boxName, ['--network', netName]);
    service.runContainer(peerName, ['--network', netName]);
    client = new EngineClient(resolveTarget(service.host), 10_000);
    session = new EngineSession(client, { debounceMs: 0, watch: false });
    await session.start();
    assert.equal(session.state.kind, 'connected', JSON.stringify(session.state));
  });

  after(async () => {
    session?.dispose();
    client?.dispose();
    await service?.stop();
  });

  test('the header names the engine Podman, with the version the podman CLI gives', () => {
    const state = session.state;
    assert.ok(state.kind === 'connected');
    const version = service.podman(['version', '--format', '{{.Client.Version}}']);
    assert.equal(engineTitle(state.engineProduct, state.engineVersion), `Podman ${version}`);
  });

  test("the Networks tree's network rows are podman's networks; the endpoint rows are what `podman inspect` says", async () => {
    const tree = treeOf(session, 'networks');
    // Podman's default network is `podman` (its Docker-compatible list calls it `bridge`): the tree says `podman`, as the CLI does.
    const expected = service.podman(['network', 'ls', '--format', '{{.Name}}']).split('\n');
    assert.deepEqual((await tree.labels()).sort(), expected.sort());
    assert.deepEqual(await tree.labels(netName), [boxName, peerName]);
    const endpoint = endpointsOf(boxName)[netName];
    const row = (await tree.find(netName, boxName)).item;
    assert.equal(row.description, `${endpoint.IPAddress}/${endpoint.IPPrefixLen} · running`);
    assert.deepEqual(await tree.labels(otherName), []);
  });

  test("a connect through the extension's own connect path shows in `podman inspect`", async () => {
    const inventory = session.inventory!;
    const container = inventory.containers.find((c) => c.name === boxName)!;
    const network = inventory.networks.find((n) => n.name === otherName)!;
    const [outcome] = await connectContainers(client, inventory, [{ containerId: container.id, networkId: network.id }], { aliases: [] });
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    const endpoint = endpointsOf(boxName)[otherName];
    assert.ok(endpoint?.IPAddress, `podman inspect shows ${boxName} on ${otherName}`);
    await session.refresh();
    const row = (await treeOf(session, 'networks').find(otherName, boxName)).item;
    assert.equal(row.description, `${endpoint.IPAddress}/${endpoint.IPPrefixLen} · running`);
  });

  test("the topology draws the network's bridge under Podman's own name for it, the name `ip link` shows", async () => {
    await session.refresh();
    const bridge = interfaceOf(netName);
    const links = JSON.parse(execFileSync('ip', ['-j', 'link'], { encoding: 'utf8' })) as { ifname: string }[];
    assert.ok(links.some((link) => link.ifname === bridge), `${bridge} in ip -j link`);
    const network = session.inventory!.networks.find((n) => n.name === netName)!;
    assert.equal(network.bridgeName, bridge);
    const collected = await collectTopology(session);
    assert.ok(collected);
    const host = collected.topology.namespaces.find((ns) => ns.id === HOST_NS)!;
    const drawn = host.interfaces.find((iface) => iface.name === bridge);
    assert.ok(drawn, `${bridge} drawn on the host`);
    assert.equal(drawn.source, 'observed');
    assert.ok(drawn.networkIds.includes(network.id), 'the bridge stands for its network');
    assert.ok(!host.interfaces.some((iface) => iface.name === `br-${network.id.slice(0, 12)}`), "no Docker-rule bridge that does not exist");
  });

  test("Podman's events drive the watching session: a network and a container made with the podman CLI appear without a refresh", async () => {
    const watchingClient = new EngineClient(resolveTarget(service.host), 10_000);
    const watching = new EngineSession(watchingClient, { debounceMs: 50 });
    try {
      await watching.start();
      await waitFor('the event stream', () => watching.state.kind === 'connected');
      const lateNet = service.name('late');
      const lateBox = service.name('latebox');
      service.createNetwork(lateNet);
      service.runContainer(lateBox, ['--network', lateNet]);
      const endpoint = await waitFor(`${lateBox} on ${lateNet} in the session`, () => watching.inventory?.networks.find((n) => n.name === lateNet)?.endpoints.find((e) => e.containerName === lateBox), {
        timeoutMs: 15_000,
        lastSeen: () => (watching.inventory?.networks.map((n) => n.name) ?? []).join(', '),
      });
      assert.equal(endpoint.ipv4, endpointsOf(lateBox)[lateNet].IPAddress);
      assert.equal(watching.inventory?.networks.find((n) => n.name === lateNet)?.bridgeName, interfaceOf(lateNet));
    } finally {
      watching.dispose();
      watchingClient.dispose();
    }
  });

  test("the doctor by name agrees with what it observes on Podman (its DNS on the network or not), naming Podman's bridge", () => {
    const result = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'reach', boxName, peerName, '--name', peerName], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, DOCKER_HOST: service.host, LANG: 'C.UTF-8', LC_ALL: '' },
    });
    const dns = service.podman(['network', 'inspect', netName, '--format', '{{.DNSEnabled}}']) === 'true';
    assert.doesNotMatch(result.stdout, /DISAGREEMENT/, result.stdout);
    if (dns) {
      assert.equal(result.status, 0, result.stdout + result.stderr);
    } else {
      assert.equal(result.status, 1, result.stdout + result.stderr);
      assert.match(result.stdout, new RegExp(`${netName} has no DNS`), result.stdout);
      assert.match(result.stdout, new RegExp(`Use the address ${endpointsOf(peerName)[netName].IPAddress!.replace(/\./g, '\\.')}`), result.stdout);
    }
    assert.match(result.stdout, new RegExp(`bridge ${interfaceOf(netName)}`), result.stdout);
  });

  test('the command line draws the same bridge name (diagram --network)', () => {
    const result = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'diagram', `--network=${netName}`], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, DOCKER_HOST: service.host, LANG: 'C.UTF-8', LC_ALL: '' },
    });
    assert.equal(result.status, 0, result.stderr);
    const bridge = interfaceOf(netName);
    assert.ok(result.stdout.includes(bridge), `${bridge} in the diagram:\n${result.stdout}`);
    assert.ok(!/\bbr-[0-9a-f]{12}\b/.test(result.stdout), 'no br-<id12> in the diagram');
  });
});
