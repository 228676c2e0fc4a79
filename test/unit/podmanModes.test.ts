/**
 * Containers in each network mode on Podman 4.3, as the user reads them, from the recording of the
 * real Podman (scripts/recordPodmanModes.ts): its compatible list alone shows a host or none
 * container as one on the default network and a container in another's stack as a member of that
 * one's networks; with Podman's own container list and the modes the session read, each shows as
 * `podman inspect` says (host, none, container:<id>), as Docker's do. And an internal network,
 * whose missing gateway Podman's list writes "<nil>", shows no gateway.
 */
import { MarkdownString, resetVscodeFake } from '../support/vscodeFake';
import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { buildInventory } from '../../src/model/inventory';
import { EngineSession } from '../../src/engine/engineSession';
import { FakeEngine } from '../support/fakeEngine';
import { fakeServices, ServicesHarness, treeOf } from '../support/fakeServices';
import { loadFixture, snapshotOf } from '../support/fixtures';

type ModesFixture = ReturnType<typeof loadFixture> & {
  names: { box: string; shared: string; host: string; hostNeverStarted: string; none: string; dflt: string; inside: string };
  networkNames: { lab: string; internal: string };
  inspectModes: Record<string, string>;
};
const fixture = loadFixture('podman-4.3', 'network-modes.json') as ModesFixture;
const idOf = (name: string) => fixture.containers.find((c) => c.Names?.[0] === `/${name}`)!.Id;

describe('network modes on Podman (recorded from Podman 4.3)', () => {
  test("each container's network mode is the one `podman inspect` gives", () => {
    const inventory = buildInventory(snapshotOf(fixture));
    assert.equal(inventory.containers.length, Object.keys(fixture.inspectModes).length);
    for (const container of inventory.containers) {
      const truth = fixture.inspectModes[container.id];
      const expected = truth === 'host' || truth === 'none' ? truth : truth.startsWith('container:') ? 'container' : ['default', 'network'];
      assert.ok([expected].flat().includes(container.networkMode.kind), `${container.name}: ${container.networkMode.kind}, podman inspect says ${truth}`);
      if (truth.startsWith('container:')) {
        assert.equal(container.sharesStackOf?.id, truth.slice('container:'.length), container.name);
      }
    }
  });

  test("a container in another's stack is no member of that one's networks: it shows there through it", () => {
    const inventory = buildInventory(snapshotOf(fixture));
    const shared = inventory.containerById.get(idOf(fixture.names.shared))!;
    assert.deepEqual(shared.memberships, []);
    const lab = inventory.networks.find((network) => network.name === fixture.networkNames.lab)!;
    const row = lab.endpoints.find((endpoint) => endpoint.containerName === fixture.names.shared);
    assert.equal(row?.viaContainer?.name, fixture.names.box);
  });

  test("an internal network's missing gateway (Podman's \"<nil>\") is no gateway", () => {
    const inventory = buildInventory(snapshotOf(fixture));
    const internal = inventory.networks.find((network) => network.name === fixture.networkNames.internal)!;
    assert.equal(fixture.networks.find((n) => n.Name === fixture.networkNames.internal)!.IPAM!.Config![0].Gateway, '<nil>');
    assert.equal(internal.subnets.length, 1);
    assert.equal(internal.subnets[0].gateway, undefined);
  });
});

test('each container without a network of its own is inspected once in its life: the next refreshes cost the same four list calls', async () => {
  const engine = new FakeEngine(fixture);
  const session = new EngineSession(engine, { watch: false, debounceMs: 0 });
  try {
    await session.start();
    const networkless = fixture.podmanContainers!.filter((container) => (container.Networks ?? []).length === 0).map((container) => container.Id);
    assert.ok(networkless.length >= 4);
    assert.equal(engine.count('inspectContainer'), networkless.length);
    const before = engine.apiCallCount;
    await session.refresh();
    await session.refresh();
    assert.deepEqual(engine.calls.slice(before).sort(), ['listContainers', 'listContainers', 'listNetworks', 'listNetworks', 'listPodmanContainers', 'listPodmanContainers', 'listPodmanNetworks', 'listPodmanNetworks']);
    assert.equal(session.inventory!.containerById.get(idOf(fixture.names.host))?.networkMode.kind, 'host');
  } finally {
    session.dispose();
  }
});

describe('the trees on Podman (VS Code fake, a session on the recording)', () => {
  let harness: ServicesHarness;
  beforeEach(async () => {
    resetVscodeFake();
    harness = await fakeServices(fixture);
  });
  afterEach(() => harness.dispose());

  test('the Containers tree says host network, no network, shares X’s network stack, as on Docker, and offers no connect there', async () => {
    const tree = treeOf(harness.session, 'containers');
    const rowOf = async (name: string) => (await tree.find(name)).item;
    const expected: [string, RegExp][] = [
      [fixture.names.host, /^host network · running$/],
      [fixture.names.hostNeverStarted, /^host network · /],
      [fixture.names.none, /^no network · running$/],
      [fixture.names.shared, new RegExp(`^shares ${fixture.names.box}'s network stack · running$`)],
    ];
    for (const [name, description] of expected) {
      const row = await rowOf(name);
      assert.match(String(row.description), description, name);
      assert.match(String(row.contextValue), /:fixed(\||$)/, `${name}: no connect offered`);
      if (name !== fixture.names.shared) {
        assert.deepEqual(await tree.labels(name), [], `${name} has no network of its own`);
      }
    }
    // As on Docker: under it, the stack it shares (whose networks show under that one), not the networks as its own.
    const sharedChildren = await tree.provider.getChildren((await tree.find(fixture.names.shared)).node);
    assert.deepEqual(sharedChildren.map((node) => node.kind), ['sharedStack']);
    assert.match(String((await rowOf(fixture.names.box)).contextValue), /:connectable(\||$)/);
  });

  test("the Networks tree lists Podman's networks only (host and none are modes there, not networks), and no \"<nil>\" gateway", async () => {
    const tree = treeOf(harness.session, 'networks');
    const expected = fixture.podmanNetworks!.map((network) => network.name!).sort();
    assert.deepEqual((await tree.labels()).sort(), expected);
    const { item } = await tree.find(fixture.networkNames.internal);
    const tooltip = (item.tooltip as MarkdownString).value;
    assert.ok(!tooltip.includes('nil'), tooltip);
  });
});
