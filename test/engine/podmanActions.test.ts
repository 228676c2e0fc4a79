/**
 * Every network action on a real Podman (Debian 12's 4.3, its own `podman system service` on a
 * private socket: test/support/podmanService.ts), through the extension's own client, session and
 * action flows, each effect read back with the `podman` CLI: host, none and container: containers
 * in the trees as `podman inspect` says; create with every option Podman applies, and what it
 * would drop refused before sending (after showing, with a raw request, that Podman does drop it);
 * connect with aliases and a fixed address; a connect Podman refuses after its plugin ran, undone;
 * disconnect; remove (by name: Podman 4.3 removes a network named by its id even while containers
 * are on it), prune, and Podman's default network kept. Everything it makes is named
 * `pdm-…` and labelled dne.test.podman=1; the Docker engines are not touched.
 */
import '../support/vscodeFake';
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import {
  connectContainers,
  createNetwork,
  disconnectEndpoints,
  pruneNetworks,
  readDriverContext,
  removeNetworks,
} from '../../src/engine/runNetworkActions';
import { emptySpec } from '../../src/model/createNetworkSpec';
import { classifyOperationError } from '../../src/model/engineErrors';
import type { Inventory } from '../../src/model/inventory';
import { disconnectTargets, prunePreview, removalPlans } from '../../src/model/networkActions';
import { operationErrorMessage } from '../../src/messages/engineErrorMessages';
import { validationMessage } from '../../src/messages/validationMessages';
import { cliTranslator } from '../../src/messages/translator';
import { engineGet } from '../support/dockerCli';
import { treeOf } from '../support/fakeServices';
import { PODMAN_LABEL, podmanInstalled, PodmanService, startPodmanService } from '../support/podmanService';

const english = cliTranslator('en');

interface PodmanNetwork {
  name: string;
  network_interface?: string;
  subnets?: { subnet: string; gateway?: string; lease_range?: { start_ip: string; end_ip: string } }[];
  ipv6_enabled?: boolean;
  internal?: boolean;
  labels?: Record<string, string>;
  options?: Record<string, string>;
}

interface PodmanEndpoint {
  IPAddress?: string;
  IPPrefixLen?: number;
  Aliases?: string[] | null;
}

describe('every network action on Podman (real podman system service)', { skip: podmanInstalled() ? false : 'podman is not installed' }, () => {
  let service: PodmanService;
  let client: EngineClient;
  let session: EngineSession;
  const names: Record<string, string> = {};
  /** A run-unique label value: the prune below only ever looks at this run's networks. */
  let runLabel: string;

  const podmanJson = <T>(args: string[]): T => JSON.parse(service.podman(args)) as T;
  const networkOf = (name: string) => podmanJson<PodmanNetwork[]>(['network', 'inspect', name])[0];
  const endpointsOf = (container: string) => podmanJson<{ NetworkSettings: { Networks: Record<string, PodmanEndpoint> | null } }[]>(['inspect', container])[0].NetworkSettings.Networks ?? {};
  const modeOf = (container: string) => service.podman(['inspect', container, '--format', '{{.HostConfig.NetworkMode}}']);
  const networkExists = (name: string) => service.podman(['network', 'ls', '--format', '{{.Name}}']).split('\n').includes(name);
  const fresh = async (): Promise<Inventory> => {
    await session.refresh();
    assert.equal(session.state.kind, 'connected', `${JSON.stringify(session.state)}\n${service.podman(['ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Names}} {{.Status}}'], { allowFailure: true })}`);
    return session.inventory!;
  };
  const idOf = (inventory: Inventory, container: string) => inventory.containers.find((c) => c.name === container)!.id;
  const networkIdOf = (inventory: Inventory, network: string) => inventory.networks.find((n) => n.name === network)!.id;
  const labels = () => ({ [PODMAN_LABEL]: '1', 'dne.test.run': runLabel });

  before(async () => {
    service = await startPodmanService();
    for (const base of ['lab', 'box', 'box2', 'box3', 'taker', 'shared', 'host', 'none', 'stopped']) {
      names[base] = service.name(base);
    }
    runLabel = names.lab;
    service.createNetwork(names.lab, ['--subnet', '10.232.61.0/24']);
    service.runContainer(names.box, ['--network', names.lab]);
    service.runContainer(names.box2);
    service.runContainer(names.box3);
    service.runContainer(names.shared, ['--network', `container:${names.box}`]);
    service.runContainer(names.host, ['--network', 'host']);
    service.runContainer(names.none, ['--network', 'none']);
    service.podman(['create', '--name', names.stopped, '--label', `${PODMAN_LABEL}=1`, '--network', names.lab, 'local/busybox:latest', 'sleep', '1']);
    client = new EngineClient(resolveTarget(service.host), 30_000);
    session = new EngineSession(client, { debounceMs: 0, watch: false });
    await session.start();
    assert.equal(session.state.kind, 'connected', JSON.stringify(session.state));
  });

  after(async () => {
    session?.dispose();
    client?.dispose();
    await service?.stop();
  });

  test('host, none and container: containers: the Containers tree says what `podman inspect` says; the Networks tree lists `podman network ls`', async () => {
    await fresh();
    const containers = treeOf(session, 'containers');
    const expected: Record<string, RegExp> = { host: /^host network · running$/, none: /^no network · running$/ };
    for (const base of ['host', 'none'] as const) {
      assert.equal(modeOf(names[base]), base);
      const row = (await containers.find(names[base])).item;
      assert.match(String(row.description), expected[base]);
      assert.match(String(row.contextValue), /:fixed(\||$)/, 'no connect offered');
    }
    assert.equal(modeOf(names.shared), `container:${idOf(session.inventory!, names.box)}`);
    const shared = (await containers.find(names.shared)).item;
    assert.equal(shared.description, `shares ${names.box}'s network stack · running`);
    const networks = treeOf(session, 'networks');
    // Others may make networks on the same storage meanwhile: this run's, and Podman's default, as `podman network ls` names them.
    const suffix = runLabel.slice(runLabel.lastIndexOf('-'));
    const ours = (list: string[]) => list.filter((name) => name.endsWith(suffix) || name === 'podman').sort();
    const rows = await networks.labels();
    assert.deepEqual(ours(rows), ours(service.podman(['network', 'ls', '--format', '{{.Name}}']).split('\n')));
    assert.ok(!rows.includes('host') && !rows.includes('none'), 'host and none are modes on Podman, not networks');
    const sharedEndpoint = (await networks.find(names.lab, names.shared)).item;
    assert.match(String(sharedEndpoint.description), new RegExp(`^shares ${names.box}'s network stack · `));
  });

  test('create with every option Podman applies: `podman network inspect` shows each', async () => {
    const name = service.name('made');
    const context = await readDriverContext(client);
    assert.equal(context.engineProduct, 'Podman');
    const spec = {
      ...emptySpec(name),
      subnets: [
        { subnet: '10.232.62.0/24', gateway: '10.232.62.254', ipRange: '10.232.62.128/25' },
        { subnet: 'fd00:232:62::/64' },
      ],
      ipv6: true,
      internal: true,
      labels: labels(),
      options: { 'com.docker.network.driver.mtu': '1400', 'com.docker.network.bridge.name': `pdm${runLabel.slice(-6)}` },
    };
    const outcome = await createNetwork(client, spec, await fresh(), context);
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    const made = networkOf(name);
    assert.deepEqual(made.subnets?.map((subnet) => subnet.subnet), ['10.232.62.0/24', 'fd00:232:62::/64']);
    assert.equal(made.subnets?.[0].gateway, '10.232.62.254');
    assert.equal(made.subnets?.[0].lease_range?.start_ip, '10.232.62.129');
    assert.equal(made.ipv6_enabled, true);
    assert.equal(made.internal, true);
    assert.equal(made.labels?.['dne.test.run'], runLabel);
    assert.equal(made.options?.mtu, '1400');
    assert.equal(made.network_interface, `pdm${runLabel.slice(-6)}`);
  });

  test('Podman drops auxiliary addresses, attachable and driver options it does not know (a raw request shows it); the extension refuses them before sending', async () => {
    const raw = service.name('raw');
    await client.createNetwork({
      Name: raw,
      Attachable: true,
      Labels: labels(),
      Options: { 'com.docker.network.bridge.enable_icc': 'false' },
      IPAM: { Config: [{ Subnet: '10.232.63.0/24', AuxiliaryAddresses: { router: '10.232.63.5' } }] },
    });
    const dropped = networkOf(raw);
    assert.ok(!JSON.stringify(dropped).includes('10.232.63.5'), `no auxiliary address kept: ${JSON.stringify(dropped)}`);
    assert.equal(dropped.options?.['com.docker.network.bridge.enable_icc'], undefined);
    const listed = await engineGet<{ Attachable?: boolean }>(`/networks/${raw}`, service.socketPath);
    assert.equal(listed.Attachable, false);

    const refused = service.name('refused');
    const spec = {
      ...emptySpec(refused),
      subnets: [{ subnet: '10.232.64.0/24', auxAddresses: { router: '10.232.64.5' } }],
      attachable: true,
      labels: labels(),
      options: { 'com.docker.network.bridge.enable_icc': 'false' },
    };
    const outcome = await createNetwork(client, spec, await fresh(), await readDriverContext(client));
    assert.equal(outcome.ok, false);
    assert.deepEqual(outcome.issues?.map((found) => found.code), ['podmanIgnoresAuxAddresses', 'podmanIgnoresAttachable', 'podmanIgnoresOption']);
    assert.match(validationMessage(outcome.issues![2], english), /^Podman ignores the driver option com\.docker\.network\.bridge\.enable_icc on a bridge network/);
    assert.equal(networkExists(refused), false, 'nothing was created');
  });

  test("a macvlan network's mode reaches Podman (under its own key)", async (t) => {
    const routes = JSON.parse(execFileSync('ip', ['-j', 'route', 'show', 'default'], { encoding: 'utf8' })) as { dev?: string }[];
    const parent = routes[0]?.dev;
    if (!parent) {
      t.skip('no default route to take a parent interface from');
      return;
    }
    const name = service.name('mv');
    const spec = { ...emptySpec(name, 'macvlan'), parent, mode: 'private', subnets: [{ subnet: '10.232.65.0/24' }], labels: labels() };
    const outcome = await createNetwork(client, spec, await fresh(), await readDriverContext(client));
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.equal(networkOf(name).options?.mode, 'private');
    assert.equal(networkOf(name).network_interface, parent);
  });

  test('connect with aliases and a fixed address: `podman inspect` shows both', async () => {
    const inventory = await fresh();
    const [outcome] = await connectContainers(client, inventory, [{ containerId: idOf(inventory, names.box2), networkId: networkIdOf(inventory, names.lab) }], {
      aliases: ['web', 'www'],
      ipv4Address: '10.232.61.50',
    });
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    const endpoint = endpointsOf(names.box2)[names.lab];
    assert.equal(endpoint?.IPAddress, '10.232.61.50');
    assert.ok(['web', 'www'].every((alias) => endpoint.Aliases?.includes(alias)), JSON.stringify(endpoint.Aliases));
  });

  test('a connect Podman refuses after its plugin ran (the address taken meanwhile) is said as a sentence and leaves nothing half-done', async () => {
    const inventory = await fresh();
    // Taken after the extension read the engine: its own check cannot see it, Podman's plugin refuses it.
    service.runContainer(names.taker, ['--network', names.lab, '--ip', '10.232.61.60']);
    const [outcome] = await connectContainers(client, inventory, [{ containerId: idOf(inventory, names.box3), networkId: networkIdOf(inventory, names.lab) }], {
      aliases: [],
      ipv4Address: '10.232.61.60',
    });
    assert.equal(outcome.ok, false);
    assert.equal(outcome.error?.kind, 'addressInUse', outcome.error?.engineMessage);
    assert.equal(operationErrorMessage(outcome.error!, english), 'The address 10.232.61.60 is already taken on this network. Choose another one.');
    assert.equal(endpointsOf(names.box3)[names.lab], undefined, 'not on the network');
    assert.equal(service.podman(['inspect', names.box3, '--format', '{{len .NetworkSettings.Networks}}']), '1', 'still on its own network only');
    // Podman's container lists answer again (a half-connected container makes every list fail).
    const listed = await engineGet<unknown[]>('/containers/json?all=1', service.socketPath);
    assert.ok(Array.isArray(listed));
  });

  test('a container in host mode: refused before sending; Podman itself refuses it too, said as a sentence', async () => {
    const inventory = await fresh();
    const [outcome] = await connectContainers(client, inventory, [{ containerId: idOf(inventory, names.host), networkId: networkIdOf(inventory, names.lab) }], { aliases: [] });
    assert.equal(outcome.ok, false);
    assert.deepEqual(outcome.issues?.map((found) => found.code), ['containerNotConnectable']);
    const refused = await client.connect(networkIdOf(inventory, names.lab), idOf(inventory, names.host)).then(
      () => undefined,
      (error: unknown) => error,
    );
    const classified = classifyOperationError(refused);
    assert.equal(classified.kind, 'noNetworksMode', classified.engineMessage);
    assert.match(operationErrorMessage(classified, english), /^This container runs without networks of its own/);
    assert.equal(modeOf(names.host), 'host');
  });

  test('disconnect a running container and a stopped one: `podman inspect` no longer shows them there', async () => {
    const inventory = await fresh();
    const lab = networkIdOf(inventory, names.lab);
    const targets = disconnectTargets(inventory, [
      { containerId: idOf(inventory, names.box2), networkId: lab },
      { containerId: idOf(inventory, names.stopped), networkId: lab },
    ]);
    const outcomes = await disconnectEndpoints(client, targets, true);
    assert.deepEqual(outcomes.map((outcome) => outcome.ok), [true, true], JSON.stringify(outcomes));
    assert.equal(endpointsOf(names.box2)[names.lab], undefined);
    assert.equal(endpointsOf(names.stopped)[names.lab], undefined);
  });

  test("remove a network with a container: Podman's refusal as a sentence, nothing changed; Podman's default network is never removed or pruned", async () => {
    const inventory = await fresh();
    const lab = inventory.networks.find((n) => n.name === names.lab)!;
    const [refused] = await removeNetworks(client, removalPlans(inventory, [lab.id]), { disconnectEndpoints: false });
    assert.equal(refused.ok, false);
    assert.equal(refused.error?.kind, 'hasActiveEndpoints', refused.error?.engineMessage);
    assert.equal(operationErrorMessage(refused.error!, english), `The network ${names.lab} still has containers connected. Disconnect them first.`);
    assert.ok(networkExists(names.lab));

    const podmanDefault = inventory.networks.find((n) => n.predefined === 'bridge')!;
    assert.equal(podmanDefault.name, 'podman');
    const defaultId = networkOf('podman');
    const [kept] = await removeNetworks(client, removalPlans(inventory, [podmanDefault.id]), { disconnectEndpoints: true });
    assert.equal(kept.ok, false);
    assert.equal(operationErrorMessage(kept.error!, english), 'podman is a predefined network of the engine and cannot be removed.');
    assert.ok(!prunePreview(inventory).some((candidate) => candidate.network.id === podmanDefault.id), 'never offered to prune');
    assert.deepEqual(networkOf('podman'), defaultId, 'unchanged');
  });

  test("prune: this run's unused networks go, one a stopped container is on stays (Podman refuses it), nothing else is touched", async () => {
    const empty = service.name('empty');
    const kept = service.name('kept');
    service.createNetwork(empty, ['--label', `dne.test.run=${runLabel}`]);
    service.createNetwork(kept, ['--label', `dne.test.run=${runLabel}`]);
    service.podman(['create', '--name', service.name('keeper'), '--label', `${PODMAN_LABEL}=1`, '--network', kept, 'local/busybox:latest', 'sleep', '1']);
    const candidates = prunePreview(await fresh(), [`dne.test.run=${runLabel}`]);
    assert.ok(candidates.some((candidate) => candidate.network.name === empty));
    assert.ok(!candidates.some((candidate) => candidate.network.name === kept), 'a stopped container is on it: Podman would refuse');
    const outcomes = await pruneNetworks(client, candidates);
    assert.ok(outcomes.every((outcome) => outcome.ok), JSON.stringify(outcomes));
    assert.equal(networkExists(empty), false);
    assert.ok(networkExists(kept));
    const suffix = runLabel.slice(runLabel.lastIndexOf('-'));
    assert.ok(outcomes.every((outcome) => outcome.item.networkName.endsWith(suffix)), 'only this run\'s networks were removed');
    assert.ok(networkExists('podman'));
  });
});
