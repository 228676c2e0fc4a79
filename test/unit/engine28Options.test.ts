/**
 * Docker 28's network options as the user meets them (issue 18): the create form's IPv4 and
 * gateway-mode steps and the connect flow's gateway priority, offered only on an engine whose API
 * has them (the session's API version), each refusal said in its own sentence before anything is
 * sent, and the trees' facts (IPv4 off, the gateway modes, a chosen priority). On the VS Code fake
 * and the fake engine fed from fixtures recorded from Docker 28.5 (engine-1.51/gateway-options.json,
 * scripts/recordGatewayFixtures.ts) and Docker 20.10 (engine-1.41/seed-labs.json).
 */
import { fake, MarkdownString, resetVscodeFake } from '../support/vscodeFake';
import { strict as assert } from 'node:assert';
import { afterEach, describe, test } from 'node:test';
import * as vscode from 'vscode';
import { allCommands } from '../../src/commands/index';
import { registerCommands } from '../../src/commands/registry';
import { connectContainers, readInventory } from '../../src/engine/runNetworkActions';
import { emptySpec, validateCreateSpec } from '../../src/model/createNetworkSpec';
import { engineFeatures } from '../../src/model/engineFeatures';
import { validationMessage } from '../../src/messages/validationMessages';
import { FakeEngine } from '../support/fakeEngine';
import { fakeServices, ServicesHarness, treeOf } from '../support/fakeServices';
import { loadFixture } from '../support/fixtures';

const DOCKER28 = loadFixture('engine-1.51', 'gateway-options.json');
const DOCKER20 = loadFixture();
const API28 = DOCKER28.recordedWith.apiVersion;
const API20 = DOCKER20.recordedWith.apiVersion;
const everything = { showStoppedContainers: true, showPredefinedNetworks: true };
const run = (command: string, ...args: unknown[]) => vscode.commands.executeCommand(command, ...args);
const tooltipOf = (item: vscode.TreeItem) => (item.tooltip instanceof MarkdownString ? item.tooltip.value : String(item.tooltip));
const sentences = (issues: ReturnType<typeof validateCreateSpec>) => issues.map((found) => validationMessage(found, vscode.l10n));

let harness: ServicesHarness | undefined;
async function on(fixture: typeof DOCKER28): Promise<ServicesHarness> {
  resetVscodeFake();
  const engine = new FakeEngine(fixture);
  engine.versionJson = { Version: fixture.recordedWith.engine, ApiVersion: fixture.recordedWith.apiVersion, Os: 'linux' };
  harness = await fakeServices(fixture, engine);
  registerCommands(harness.services, allCommands);
  return harness;
}
afterEach(() => {
  harness?.dispose();
  harness = undefined;
  assert.deepEqual(fake.quickInput.problems, [], 'every prompt was answered as scripted');
});

describe('what the connected engine offers, by its API version', () => {
  test('Docker 28.5 (API 1.51) has every gateway mode, IPv4 off and gateway priorities; Docker 20.10 (API 1.41) and an unknown version none', () => {
    assert.deepEqual(engineFeatures(API28), { apiVersion: API28, gatewayModes: ['nat', 'nat-unprotected', 'routed', 'isolated'], ipv4Off: true, gatewayPriority: true, ipv6SubnetChosen: true });
    assert.deepEqual(engineFeatures(API20), { apiVersion: API20, gatewayModes: [], ipv4Off: false, gatewayPriority: false, ipv6SubnetChosen: false });
    assert.deepEqual(engineFeatures(undefined), { apiVersion: undefined, gatewayModes: [], ipv4Off: false, gatewayPriority: false, ipv6SubnetChosen: false });
    // Docker 27 (API 1.46, 1.47): nat and routed only.
    assert.deepEqual(engineFeatures('1.47').gatewayModes, ['nat', 'routed']);
    assert.equal(engineFeatures('1.47').ipv4Off, false);
  });

  test('the full create form on Docker 28: IPv4 off after IPv6 on, the IPv6 gateway mode with what each means, the review, then the request', async () => {
    const { engine } = await on(DOCKER28);
    fake.quickInput.script({ type: 'o28-new' }, { pick: 'bridge' }, { pick: 'IPv6 on' }, { pick: 'IPv4 off' }, { pick: 'Continue' }, { accept: true }, { pick: 'routed' });
    fake.quickInput.script({ accept: true }, { accept: true }, { accept: true });
    await run('dockerNetworks.createNetworkForm');
    const placeholders = fake.quickInput.offered.map((prompt) => prompt.placeholder ?? prompt.prompt);
    assert.deepEqual(placeholders.slice(2, 7), ['IPv6', 'IPv4', 'Subnets (--subnet, --gateway, --ip-range, --aux-address)', 'Options (select with Space, Enter to go on)', 'IPv6 gateway mode (-o com.docker.network.bridge.gateway_mode_ipv6)'], 'no IPv4 gateway mode: IPv4 is off');
    // Docker 28 gives an IPv6 network without a subnet a ULA /64 of its own: the IPv6 step says so.
    assert.equal(fake.quickInput.offered[2].shown[1].detail, 'Give an IPv6 subnet in the next step, or none: the engine picks one (a ULA /64)');
    const mode = fake.quickInput.offered[6];
    assert.deepEqual(mode.items, ['nat', 'nat-unprotected', 'routed', 'isolated']);
    assert.deepEqual(mode.preselected, ['nat']);
    assert.equal(mode.shown[2].detail, 'No NAT: containers are reached at their own addresses (the outside needs a route to the subnet); only published ports are open.');
    assert.match(mode.shown[3].detail ?? '', /The gateway mode isolated is for an internal network only/);
    const review = fake.quickInput.offered[9];
    assert.deepEqual(review.items.slice(0, 8), ['Create network o28-new', 'Network', 'Name: o28-new', 'Driver: bridge', 'IPv6: yes', 'IPv4: no', 'IPv6 gateway mode: routed', 'Internal: no']);
    assert.equal(review.shown[0].detail, 'driver bridge · IPv6 · IPv4 off · IPv6 gateway routed');
    assert.deepEqual(engine.createRequests, [
      { Name: 'o28-new', Driver: 'bridge', CheckDuplicate: true, Internal: false, Attachable: false, EnableIPv6: true, EnableIPv4: false, Options: { 'com.docker.network.bridge.gateway_mode_ipv6': 'routed' }, Labels: {} },
    ]);
  });

  test('on Docker 28, IPv4 off without IPv6 is refused at its step with its sentence, and isolated without Internal at the mode step', async () => {
    const { engine } = await on(DOCKER28);
    fake.quickInput.script({ type: 'o28-iso' }, { pick: 'bridge' }, { pick: 'IPv6 off' }, { pick: 'IPv4 off' }, { pick: 'IPv4 on' }, { pick: 'Continue' }, { accept: true });
    fake.quickInput.script({ pick: 'isolated' }, { pick: 'routed' }, { accept: true }, { accept: true }, { accept: true });
    await run('dockerNetworks.createNetworkForm');
    const ipv4 = fake.quickInput.offered[3];
    assert.equal(ipv4.shown[1].detail, '$(warning) IPv4 off needs IPv6 on: a network needs at least one of them. Turn IPv6 on, or IPv4 back on.');
    assert.deepEqual(fake.texts('warning'), [
      'IPv4 off needs IPv6 on: a network needs at least one of them. Turn IPv6 on, or IPv4 back on.',
      'The gateway mode isolated is for an internal network only: choose Internal too, or another mode.',
    ]);
    assert.equal(fake.quickInput.offered[7].placeholder, 'IPv4 gateway mode (-o com.docker.network.bridge.gateway_mode_ipv4)');
    assert.equal(engine.createRequests.length, 1);
    assert.equal(engine.createRequests[0].EnableIPv4, undefined, 'IPv4 on is what every engine does: nothing sent');
    assert.equal(engine.createRequests[0].Options?.['com.docker.network.bridge.gateway_mode_ipv4'], 'routed');
  });

  test('the same form on Docker 20.10 asks neither IPv4 nor a gateway mode, and its review has no such row', async () => {
    const { engine } = await on(DOCKER20);
    fake.quickInput.script({ type: 'o28-old' }, { pick: 'bridge' }, { pick: 'IPv6 off' }, { pick: 'Continue' }, { accept: true }, { accept: true }, { accept: true }, { accept: true });
    await run('dockerNetworks.createNetworkForm');
    const placeholders = fake.quickInput.offered.map((prompt) => prompt.placeholder ?? prompt.prompt ?? '');
    assert.ok(!placeholders.some((text) => /IPv4|gateway mode/.test(text)), placeholders.join(' | '));
    assert.equal(fake.quickInput.offered[2].shown[1].detail, 'Give an IPv6 subnet in the next step (--ipv6 --subnet fd00:…/64)');
    const review = fake.quickInput.offered[fake.quickInput.offered.length - 1];
    assert.ok(!review.items.some((item) => /^IPv4|gateway mode/.test(item)), review.items.join(' | '));
    assert.equal(engine.createRequests[0].EnableIPv4, undefined);
  });

  test('Connect on Docker 28 asks a gateway priority, validated at the field, and sends it; on Docker 20.10 it is not asked', async () => {
    const { engine, session } = await on(DOCKER28);
    const single = (await treeOf(session, 'containers', everything).find('o28-fx-single')).node;
    fake.quickInput.script({ pick: 'o28-fx-routed' }, { type: '' }, { type: '' }, { type: 'ten' }, { type: '1.5' }, { type: '9007199254740992' }, { type: '10' });
    await run('dockerNetworks.connectToNetwork', single, [single]);
    const priority = fake.quickInput.offered[3];
    assert.equal(priority.prompt, 'Gateway priority (--gw-priority; empty: 0): the network with the highest priority gives the container its default gateway');
    assert.deepEqual(
      priority.validation.map((entry) => entry.message),
      ['ten', '1.5', '9007199254740992'].map((typed) => `"${typed}" is not a gateway priority: write a whole number between -9007199254740991 and 9007199254740991.`),
    );
    assert.equal(engine.connectRequests.length, 1);
    assert.equal(engine.connectRequests[0].request?.gwPriority, 10);
    harness!.dispose();

    const old = await on(DOCKER20);
    const c1 = (await treeOf(old.session, 'containers', everything).find('c1')).node;
    fake.quickInput.script({ pick: 'prod' }, { type: '' }, { type: '' });
    await run('dockerNetworks.connectToNetwork', c1, [c1]);
    assert.ok(!fake.quickInput.offered.some((prompt) => /priority/i.test(prompt.prompt ?? '')));
    assert.equal(old.engine.connectRequests[0].request?.gwPriority, undefined);
  });
});

describe('each refusal in its own sentence, before sending', () => {
  test('a retry of a connect with a gateway priority: done when the endpoint has that priority, else refused as already connected', async () => {
    const engine = new FakeEngine(DOCKER28);
    engine.versionJson = { Version: DOCKER28.recordedWith.engine, ApiVersion: API28 };
    const inventory = await readInventory(engine);
    const pair = { containerId: inventory.containers.find((c) => c.name === 'o28-fx-multi')!.id, networkId: inventory.networks.find((x) => x.name === 'o28-fx-v6only')!.id };
    const [same] = await connectContainers(engine, inventory, [pair], { aliases: [], gwPriority: 10 });
    const [other] = await connectContainers(engine, inventory, [pair], { aliases: [], gwPriority: 5 });
    assert.deepEqual([same.ok, same.already], [true, true]);
    assert.deepEqual(other.issues?.map((found) => validationMessage(found, vscode.l10n)), ['o28-fx-multi is already connected to o28-fx-v6only.']);
    assert.deepEqual(engine.mutations, [], 'nothing sent');
  });

  const v6only = { ...emptySpec('o28-v'), ipv4: false, ipv6: true };
  test('IPv4 off: without IPv6, with an IPv4 subnet, gateway and range, and on an engine before API 1.48', () => {
    assert.deepEqual(sentences(validateCreateSpec({ ...v6only, ipv6: false }, undefined, { swarmManager: false, apiVersion: API28 })), [
      'IPv4 off needs IPv6 on: a network needs at least one of them. Turn IPv6 on, or IPv4 back on.',
    ]);
    const withV4 = { ...v6only, subnets: [{ subnet: '10.231.9.0/24', gateway: '10.231.9.1', ipRange: '10.231.9.0/25' }, { subnet: 'fd00:28:9::/64' }] };
    assert.deepEqual(sentences(validateCreateSpec(withV4, undefined, { swarmManager: false, apiVersion: API28 })), [
      'The subnet 10.231.9.0/24 is IPv4, but IPv4 is off for this network: remove it, or turn IPv4 back on.',
      'The gateway 10.231.9.1 (of 10.231.9.0/24) is IPv4, but IPv4 is off for this network: the engine would give no IPv4 address.',
      'The IP range 10.231.9.0/25 (of 10.231.9.0/24) is IPv4, but IPv4 is off for this network: no container would get an address from it.',
    ]);
    assert.deepEqual(sentences(validateCreateSpec(v6only, undefined, { swarmManager: false, apiVersion: API20 })), [
      'This engine speaks API 1.41: it cannot turn IPv4 off (that needs API 1.48, Docker Engine 28 or later) and would create the network with IPv4.',
    ]);
  });

  test('gateway modes: unknown to the engine, typed by hand as a driver option, on another driver, on a family that is off', () => {
    const routed = { ...emptySpec('o28-r'), gatewayModeIpv4: 'routed' };
    assert.deepEqual(sentences(validateCreateSpec(routed, undefined, { swarmManager: false, apiVersion: API20 })), [
      'This engine speaks API 1.41: it does not know the gateway mode routed (it needs API 1.46) and would ignore it.',
    ]);
    const typed = { ...emptySpec('o28-t'), options: { 'com.docker.network.bridge.gateway_mode_ipv6': 'nat-unprotected' } };
    assert.deepEqual(sentences(validateCreateSpec(typed, undefined, { swarmManager: false, apiVersion: '1.47' })), [
      'This engine speaks API 1.47: it does not know the gateway mode nat-unprotected (it needs API 1.48) and would ignore it.',
    ]);
    assert.deepEqual(sentences(validateCreateSpec(typed, undefined, { swarmManager: false, apiVersion: API28 })), ['The IPv6 gateway mode nat-unprotected is set, but IPv6 is off for this network.']);
    assert.deepEqual(sentences(validateCreateSpec({ ...routed, driver: 'macvlan' }, undefined, { swarmManager: false, apiVersion: API28 })), [
      'The gateway mode routed is an option of the bridge driver; the macvlan driver refuses it.',
    ]);
    assert.deepEqual(sentences(validateCreateSpec({ ...routed, gatewayModeIpv4: 'bogus' }, undefined, { swarmManager: false, apiVersion: API28 })), [
      '"bogus" is not a gateway mode: use nat, nat-unprotected, routed or isolated.',
    ]);
  });
});

describe("the trees show what Docker 28 reports", () => {
  test('a network with IPv4 off and an IPv6 gateway mode, one routed, one isolated, a plain one: descriptions and tooltips', async () => {
    const { session } = await on(DOCKER28);
    const networks = treeOf(session, 'networks', everything);
    const v6only = (await networks.find('o28-fx-v6only')).item;
    assert.match(String(v6only.description), / · IPv4 off · IPv6 gateway nat-unprotected$/);
    assert.match(tooltipOf(v6only), /Flags: IPv6 on, IPv4 off/);
    assert.match(tooltipOf(v6only), /IPv6 gateway mode: `nat-unprotected` — NAT on the host, and every port of the containers is open to direct routing from outside, published or not\\\./);
    assert.match(String((await networks.find('o28-fx-routed')).item.description), / · IPv4 gateway routed$/);
    const isolated = (await networks.find('o28-fx-isolated')).item;
    assert.match(String(isolated.description), /internal · IPv4 gateway isolated$/);
    assert.match(tooltipOf(isolated), /IPv4 gateway mode: `isolated` — No address on the host's bridge/);
    const plain = (await networks.find('o28-fx-plain')).item;
    assert.doesNotMatch(`${plain.description} ${tooltipOf(plain)}`, /IPv4 off|gateway mode|IPv. gateway/);
  });

  test("an endpoint's gateway priority: in the row and its tooltip where it was chosen, nowhere where it is the default 0", async () => {
    const { session } = await on(DOCKER28);
    const networks = treeOf(session, 'networks', everything);
    const chosen = await networks.find('o28-fx-v6only', 'o28-fx-multi');
    assert.match(String(chosen.item.description), /gateway priority 10/);
    assert.match(tooltipOf(await networks.provider.resolveTreeItem(chosen.item, chosen.node)), /Gateway priority: `10`/);
    const membership = (await treeOf(session, 'containers', everything).find('o28-fx-multi', 'o28-fx-v6only')).item;
    assert.match(String(membership.description), /gateway priority 10/);
    const other = await networks.find('o28-fx-routed', 'o28-fx-multi');
    assert.doesNotMatch(`${other.item.description} ${tooltipOf(await networks.provider.resolveTreeItem(other.item, other.node))}`, /priority/i);
  });

  test('Docker 20.10 reports none of them: no network says IPv4 off or a gateway mode', async () => {
    const { session } = await on(DOCKER20);
    const networks = treeOf(session, 'networks', everything);
    for (const name of await networks.labels()) {
      const item = (await networks.find(name)).item;
      assert.doesNotMatch(`${item.description} ${tooltipOf(item)}`, /IPv4 off|gateway mode/, name);
    }
  });
});
