/**
 * Podman 4.3 through its Docker-compatible API, recorded from the real engine
 * (scripts/recordPodmanFixtures.ts): the compatible network list names no bridge device (empty
 * Options), so the bridges are named from Podman's own list (`network_interface`), as
 * `podman network inspect --format '{{.NetworkInterface}}'` and `ip link` name them, never by
 * Docker's rule (docker0, br-<id12>), which names no device there.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { reportText } from '../../src/cli/reach';
import { EngineSession } from '../../src/engine/engineSession';
import { checkReach } from '../../src/engine/reachability/checkReach';
import { buildInventory } from '../../src/model/inventory';
import { FakeEngine } from '../support/fakeEngine';
import { loadFixture, snapshotOf } from '../support/fixtures';
import { waitFor } from '../support/waitFor';

const fixture = loadFixture('podman-4.3', 'networks.json') as ReturnType<typeof loadFixture> & { networkInterfaces: Record<string, string> };
/** The recorded container whose name has this part (pdm-fx-ctr-…, pdm-fx-default-…, pdm-fx-dflt-a-…). */
const recorded = (part: string) => fixture.containers.find((c) => c.Names![0].includes(`-${part}-`))!;
const nameOf = (container: { Names?: string[] | null }) => container.Names![0].slice(1);

test('Podman 4.3: every bridge network is named as Podman names its device, the default network included', () => {
  const inventory = buildInventory(snapshotOf(fixture));
  assert.ok(inventory.networks.length >= 2, 'the recorded network and Podman default one');
  for (const network of inventory.networks) {
    assert.equal(network.bridgeName, fixture.networkInterfaces[network.id], network.name);
    assert.doesNotMatch(network.bridgeName ?? '', /^(br-|docker0$)/, `${network.name}: not Docker's rule`);
  }
  // The compatible API calls Podman's default network `bridge`: it is still Podman's device.
  const defaultId = fixture.networks.find((n) => n.Name === 'bridge')!.Id;
  assert.equal(inventory.networkById.get(defaultId)?.bridgeName, fixture.networkInterfaces[defaultId]);
});

test("Podman 4.3: the default network goes by Podman's name for it (`podman`, which its containers' endpoints use), and keeps its container", () => {
  const inventory = buildInventory(snapshotOf(fixture));
  const defaultNetwork = inventory.networkById.get(fixture.networks.find((n) => n.Name === 'bridge')!.Id)!;
  const podmanName = fixture.podmanNetworks!.find((n) => n.id === defaultNetwork.id)!.name;
  assert.equal(defaultNetwork.name, podmanName);
  assert.equal(defaultNetwork.predefined, 'bridge');
  const onDefault = fixture.containers.filter((c) => Object.keys(c.NetworkSettings?.Networks ?? {}).includes(podmanName!));
  assert.ok(onDefault.length > 0, 'the fixture has a container on the default network');
  assert.deepEqual(defaultNetwork.endpoints.map((e) => e.containerId).sort(), onDefault.map((c) => c.Id).sort());
});

test("the doctor on Podman prints podman commands in its fixes (start, network connect, network create), naming the network as podman knows it, and knows where Podman runs no DNS", async () => {
  const session = new EngineSession(new FakeEngine(fixture), { watch: false, debounceMs: 0 });
  await session.start();
  const running = recorded('fx-ctr');
  const stopped = recorded('fx-default');
  const name = nameOf;
  // The extension's session as the doctor reads it (not local: the recorded host is not this one).
  const source = {
    inventory: session.inventory,
    endpointNames: session.endpointNames,
    isLocal: false,
    containerDetails: (id: string) => session.containerDetails(id),
    target: session.target,
    execInContainer: session.execInContainer.bind(session),
    state: session.state,
  };
  const report = await checkReach(source, { from: name(running), to: name(stopped), verify: false });
  const text = reportText(report);
  assert.match(text, new RegExp(`podman start ${name(stopped)}`), text);
  assert.match(text, new RegExp(`podman network connect podman ${name(running)}`), text);
  assert.doesNotMatch(text, /\bdocker (start|network)/, text);
  // By name on a network Podman runs no DNS server on (dns_enabled false): the name does not resolve; the address is the fix.
  const ownNetwork = fixture.podmanNetworks!.find((n) => n.name === Object.keys(running.NetworkSettings!.Networks!)[0])!;
  assert.equal(ownNetwork.dns_enabled, false, 'recorded with DNS off (CNI without the dnsname plugin)');
  const peerAddress = recorded('fx-peer').NetworkSettings!.Networks![ownNetwork.name!].IPAddress!;
  const noDns = reportText(await checkReach(source, { from: name(running), to: name(recorded('fx-peer')), name: name(recorded('fx-peer')), verify: false }));
  assert.match(noDns, new RegExp(`${ownNetwork.name} has no DNS \\(Podman made it without its DNS server\\): container names such as "${name(recorded('fx-peer'))}" do not resolve there`), noDns);
  assert.match(noDns, new RegExp(`Use the address ${peerAddress.replace(/\./g, '\\.')}`), noDns);
  // By name on Podman's default network (no names there): the fix names podman's commands too.
  const byName = reportText(await checkReach(source, { from: name(recorded('fx-dflt-a')), to: name(recorded('fx-dflt-b')), name: name(recorded('fx-dflt-b')), verify: false }));
  assert.match(byName, /podman network create, then podman network connect/, byName);
  assert.doesNotMatch(byName, /\bdocker network/, byName);
  session.dispose();
});

test('Podman 4.3: the endpoints of the recorded container sit on its network, found by name (Podman gives the name as NetworkID)', () => {
  const inventory = buildInventory(snapshotOf(fixture));
  const summary = recorded('fx-ctr');
  const ownNetwork = inventory.networks.find((network) => network.labels['dne.test.podman'] === '1')!;
  assert.deepEqual(ownNetwork.endpoints.map((endpoint) => endpoint.containerId).sort(), [summary.Id, recorded('fx-peer').Id].sort());
  assert.equal(ownNetwork.endpoints.find((e) => e.containerId === summary.Id)?.ipv4, summary.NetworkSettings?.Networks?.[ownNetwork.name]?.IPAddress);
});

test('the session on Podman reads its own network and container lists once per refresh (none on Docker) and names the bridges from it', async () => {
  const podman = new FakeEngine(fixture);
  const session = new EngineSession(podman, { watch: false, debounceMs: 0 });
  await session.start();
  const network = session.inventory!.networks.find((n) => n.labels['dne.test.podman'] === '1')!;
  assert.equal(network.bridgeName, fixture.networkInterfaces[network.id]);
  const before = podman.apiCallCount;
  await session.refresh();
  assert.deepEqual(podman.calls.slice(before).sort(), ['listContainers', 'listNetworks', 'listPodmanContainers', 'listPodmanNetworks']);
  session.dispose();

  const docker = new FakeEngine(loadFixture());
  const dockerSession = new EngineSession(docker, { watch: false, debounceMs: 0 });
  await dockerSession.start();
  await waitFor('connected', () => dockerSession.state.kind === 'connected');
  await dockerSession.refresh();
  assert.equal(docker.count('listPodmanNetworks'), 0);
  assert.equal(docker.count('listPodmanContainers'), 0);
  dockerSession.dispose();
});

test('when Podman does not answer its own network list, no bridge is named rather than a made-up br-<id12>', async () => {
  const podman = new FakeEngine(fixture);
  podman.podmanNetworks = undefined;
  const logged: string[] = [];
  const session = new EngineSession(podman, { watch: false, debounceMs: 0, log: (line) => logged.push(line) });
  await session.start();
  assert.deepEqual(session.inventory!.networks.map((n) => n.bridgeName), session.inventory!.networks.map(() => undefined));
  assert.ok(logged.some((line) => /Podman's network list could not be read/.test(line)), logged.join('\n'));
  session.dispose();
});

test("a removal names a Podman network by its name, but never by an engine string that could be more than one API path component (a hostile name: the id)", () => {
  const recordedNetwork = fixture.podmanNetworks!.find((n) => n.name !== 'podman')!;
  const plain = buildInventory(snapshotOf(fixture)).networkById.get(recordedNetwork.id)!;
  assert.equal(plain.removalRef, recordedNetwork.name, 'by name on Podman (by id, Podman 4.3 removes a network in use)');
  const hostile = '../containers/pdm-victim';
  const tampered = {
    ...fixture,
    networks: fixture.networks.map((n) => (n.Id === recordedNetwork.id ? { ...n, Name: hostile } : n)),
    podmanNetworks: fixture.podmanNetworks!.map((n) => (n.id === recordedNetwork.id ? { ...n, name: hostile } : n)),
  };
  const network = buildInventory(snapshotOf(tampered)).networkById.get(recordedNetwork.id)!;
  assert.equal(network.removalRef, recordedNetwork.id);
  assert.match(network.removalRef, /^[0-9a-f]{64}$/);
});
