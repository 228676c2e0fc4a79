/**
 * The Networks tree on Podman 4.3 as the user reads it (VS Code fake, a session on the fake engine
 * fed from the recording of the real Podman, scripts/recordPodmanFixtures.ts): its default network
 * under Podman's name, with its containers, and its tooltip naming Podman's bridge device, not docker0.
 */
import { MarkdownString, resetVscodeFake } from '../support/vscodeFake';
import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, test } from 'node:test';
import { fakeServices, ServicesHarness, treeOf } from '../support/fakeServices';
import { loadFixture } from '../support/fixtures';

const fixture = loadFixture('podman-4.3', 'networks.json') as ReturnType<typeof loadFixture> & { networkInterfaces: Record<string, string> };
let harness: ServicesHarness;

beforeEach(async () => {
  resetVscodeFake();
  harness = await fakeServices(fixture);
});
afterEach(() => harness.dispose());

test("Podman's default network: the row says podman, lists its containers, and its tooltip names Podman's bridge, not docker0", async () => {
  const tree = treeOf(harness.session, 'networks');
  const podmanDefault = fixture.podmanNetworks!.find((network) => fixture.networks.some((n) => n.Id === network.id && n.Name === 'bridge'))!;
  const { item } = await tree.find(podmanDefault.name!);
  const expectedContainers = fixture.containers.filter((c) => podmanDefault.name! in (c.NetworkSettings?.Networks ?? {})).map((c) => c.Names![0].slice(1));
  assert.deepEqual((await tree.labels(podmanDefault.name!)).sort(), expectedContainers.sort());
  const tooltip = (item.tooltip as MarkdownString).value;
  const device = fixture.networkInterfaces[podmanDefault.id].replace(/-/g, '\\-');
  assert.ok(tooltip.includes(`Default bridge \\(${device}\\)`), tooltip);
  assert.ok(!tooltip.includes('docker0'), tooltip);
  assert.ok(tooltip.includes(`Bridge device: ${device}`), tooltip);
});
