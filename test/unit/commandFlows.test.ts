/**
 * The network commands as the user meets them, on the VS Code fake and the fake engine fed from the
 * recorded fixtures: each command runs through the registry (as a click or the palette does), the
 * scripted user answers the prompts, and the tests read what was offered, what was shown and what
 * was sent to the engine (nothing on bad input or when the user cancels).
 */
import { fake, resetVscodeFake } from '../support/vscodeFake';
import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, test } from 'node:test';
import * as vscode from 'vscode';
import { allCommands } from '../../src/commands/index';
import { registerCommands } from '../../src/commands/registry';
import { fakeServices, ServicesHarness, treeOf } from '../support/fakeServices';
import { loadFixture } from '../support/fixtures';

let harness: ServicesHarness;
const run = (command: string, ...args: unknown[]) => vscode.commands.executeCommand(command, ...args);
const networkId = (name: string) => harness.session.inventory!.networks.find((network) => network.name === name)!.id;
const containerId = (name: string) => harness.session.inventory!.containers.find((container) => container.name === name)!.id;
/** The node VS Code passes when the user right-clicks this row. */
const row = async (kind: 'networks' | 'containers', ...labels: string[]) => (await treeOf(harness.session, kind).find(...labels)).node;

beforeEach(async () => {
  resetVscodeFake();
  harness = await fakeServices();
  registerCommands(harness.services, allCommands);
});
afterEach(() => {
  harness.dispose();
  assert.deepEqual(fake.quickInput.problems, [], 'every prompt was answered as scripted');
});

describe('Create Network (quick path)', () => {
  test('shows each refusal at the name field, sends nothing for them, then sends the accepted request', async () => {
    fake.quickInput.script({ type: 'dev' }, { type: 'bad name!' }, { type: 'fresh-net' }, { accept: true });
    await run('dockerNetworks.createNetwork');
    const [name, driver] = fake.quickInput.offered;
    assert.equal(name.title, 'Create Network');
    assert.equal(name.prompt, 'Name of the new network');
    assert.equal(name.placeholder, 'for example my-bridge');
    assert.deepEqual(name.validation.map((entry) => entry.message), [
      'A network named "dev" already exists.',
      '"bad name!" is not a valid name: start with a letter or digit, then use only letters, digits, "_", "." and "-".',
    ]);
    assert.deepEqual(driver.items, ['bridge', 'overlay', 'macvlan', 'ipvlan']);
    assert.deepEqual(driver.preselected, ['bridge'], 'Enter keeps bridge');
    assert.ok(driver.hasBack);
    assert.match(driver.shown[1].detail ?? '', /Overlay networks need a swarm manager/);
    assert.deepEqual(harness.engine.mutations, ['create fresh-net']);
    assert.deepEqual(harness.engine.createRequests, [{ Name: 'fresh-net', Driver: 'bridge', CheckDuplicate: true, Internal: false, Attachable: false, EnableIPv6: false, Options: {}, Labels: {} }]);
    assert.deepEqual(fake.texts(), ['Network fresh-net created.']);
    assert.deepEqual(fake.progressTitles, ['Creating network fresh-net…']);
    assert.deepEqual(harness.revealed, [{ kind: 'network', id: 'created' }], 'the new network is revealed in the tree');
  });

  test('overlay without a swarm manager: says why, stays on the driver step, sends nothing until a valid driver', async () => {
    fake.quickInput.script({ type: 'ov-net' }, { pick: 'overlay' }, { pick: 'bridge' });
    await run('dockerNetworks.createNetwork');
    assert.deepEqual(fake.quickInput.offered.map((prompt) => prompt.placeholder), ['for example my-bridge', 'Network driver', 'Network driver']);
    assert.match(fake.texts('warning')[0], /^Overlay networks need a swarm manager: run "docker swarm init" first\.$/);
    assert.deepEqual(harness.engine.mutations, ['create ov-net']);
  });

  test('Escape at the name sends nothing and says nothing', async () => {
    fake.quickInput.script({ cancel: true });
    await run('dockerNetworks.createNetwork');
    assert.deepEqual(harness.engine.mutations, []);
    assert.deepEqual(fake.messages, []);
  });

  test('Back from the driver returns to the name, with the name typed kept', async () => {
    fake.quickInput.script({ type: 'first' }, { back: true }, { type: 'second' }, { accept: true });
    await run('dockerNetworks.createNetwork');
    assert.equal(fake.quickInput.offered[2].value, 'first');
    assert.deepEqual(harness.engine.mutations, ['create second']);
  });

  test('an engine refusal is said in one sentence, nothing revealed', async () => {
    harness.engine.refuse = () => Object.assign(new Error('(HTTP code 409) unexpected - network with name taken already exists'), { statusCode: 409, json: { message: 'network with name taken already exists' } });
    fake.quickInput.script({ type: 'taken' }, { accept: true });
    await run('dockerNetworks.createNetwork');
    assert.equal(fake.texts('error').length, 1, JSON.stringify(fake.messages));
    assert.match(fake.texts('error')[0], /taken/);
    assert.deepEqual(harness.revealed, []);
  });
});

describe('Create Network (all options)', () => {
  test('macvlan on a remote engine: parent typed, mode, IPv6 off, no subnet, flags, labels, options, review, then one request', async () => {
    Object.defineProperty(harness.session, 'isLocal', { value: false });
    fake.quickInput.script(
      { type: 'mv' },
      { pick: 'macvlan' },
      { type: 'eth 0' },
      { type: 'eth0.10' },
      { pick: 'bridge' },
      { pick: 'IPv6 off' },
    );
    // No subnet (the engine chooses), then Enter on flags, labels, options and the review.
    fake.quickInput.script({ pick: 'Continue' }, { accept: true }, { accept: true }, { accept: true }, { accept: true });
    await run('dockerNetworks.createNetworkForm');
    const offered = fake.quickInput.offered;
    assert.equal(offered[0].title, 'New Network (All Options)');
    const parent = offered[2];
    assert.equal(parent.prompt, 'Parent interface on the engine host, like eth0 or eth0.10 (empty: the engine chooses)');
    assert.deepEqual(parent.validation.map((entry) => entry.message), ['An interface name has no spaces.']);
    assert.deepEqual(offered[3].items, ['bridge', 'vepa', 'passthru', 'private']);
    assert.equal(offered[3].placeholder, 'Mode of the macvlan driver');
    assert.deepEqual(offered[6].items, ['Internal'], 'Attachable is for overlay only');
    const review = offered[9];
    assert.equal(review.placeholder, 'Review: everything below is sent to the engine');
    assert.deepEqual(review.items, ['Create network mv', 'Network', 'Name: mv', 'Driver: macvlan', 'IPv6: no', 'Internal: no', 'Subnet: chosen by the engine from its default pools', 'Labels', 'none', 'Driver options', 'parent=eth0.10']);
    assert.deepEqual(harness.engine.mutations, ['create mv']);
    assert.deepEqual(fake.texts(), ['Network mv created.']);
    const [request] = harness.engine.createRequests;
    assert.equal(request.Driver, 'macvlan');
    assert.equal(request.Options?.parent, 'eth0.10');
    assert.equal(request.EnableIPv6, false);
  });
});

describe('Connect to Network / Connect Container', () => {
  test('a container from the Containers view: the networks it can join, aliases (with what they will be), a fixed IPv4 validated, then one request', async () => {
    const c1 = await row('containers', 'c1');
    fake.quickInput.script({ pick: 'prod' }, { type: 'api, Web' }, { type: '10.0.0.9' }, { type: '172.16.86.50' });
    await run('dockerNetworks.connectToNetwork', c1, [c1]);
    const [networks, aliases, ipv4] = fake.quickInput.offered;
    assert.equal(networks.title, 'Connect to Network');
    assert.equal(networks.placeholder, 'Networks to connect c1 to');
    assert.ok(networks.canSelectMany);
    assert.ok(!networks.items.includes('bnet'), 'not the network it is already on');
    assert.ok(!networks.items.includes('host') && !networks.items.includes('none'), 'never host or none');
    assert.deepEqual(networks.items, ['bridge', 'dev', 'devops', 'named', 'prod', 'secure']);
    assert.equal(aliases.prompt, 'Network-scoped aliases, comma separated (--alias; empty: none)');
    assert.deepEqual(aliases.validation, [{ message: 'Aliases that will be set (2): "api", "Web"', severity: 1 }]);
    assert.equal(ipv4.prompt, 'Fixed IPv4 address in 172.16.86.0/24 (gateway 172.16.86.1) (--ip; empty: the engine assigns one)');
    assert.deepEqual(ipv4.validation, [{ message: '10.0.0.9 is not inside the subnets of "prod" (172.16.86.0/24).', severity: 3 }]);
    assert.deepEqual(harness.engine.connectRequests, [{ networkId: networkId('prod'), containerId: containerId('c1'), request: { aliases: ['api', 'Web'], ipv4Address: '172.16.86.50' } }]);
    assert.deepEqual(fake.texts(), ['Connected: c1 → prod.']);
    assert.deepEqual(fake.progressTitles, ['Connecting…']);
    assert.ok(harness.refreshes >= 1, 'the trees are refreshed after the change');
  });

  const WHY_NO_FIXED_ADDRESS =
    'No fixed address on "dev": the engine chose its subnet (172.23.0.0/16) and assigns the addresses there itself. For a fixed address, use a network created with --subnet.';

  test('a network whose subnet the engine chose: a plain connect (Enter at the address step) shows no message about addresses', async () => {
    const c1 = await row('containers', 'c1');
    fake.quickInput.script({ pick: 'dev' }, { type: '' }, { accept: true });
    await run('dockerNetworks.connectToNetwork', c1, [c1]);
    assert.deepEqual(fake.texts(), ['Connected: c1 → dev.'], 'no notification about an address the user did not ask for');
    assert.deepEqual(harness.engine.connectRequests, [{ networkId: networkId('dev'), containerId: containerId('c1'), request: { aliases: [] } }]);
  });

  test('a network whose subnet the engine chose: the address step says why no fixed address is possible, and refuses one typed', async () => {
    const c1 = await row('containers', 'c1');
    fake.quickInput.script({ pick: 'dev' }, { type: '' }, { type: '172.23.0.50' }, { type: '' });
    await run('dockerNetworks.connectToNetwork', c1, [c1]);
    const address = fake.quickInput.offered[2];
    assert.equal(address.prompt, WHY_NO_FIXED_ADDRESS);
    assert.equal(address.placeholder, 'Enter: the engine assigns the IPv4 address');
    assert.deepEqual(address.validation, [{ message: WHY_NO_FIXED_ADDRESS, severity: 3 }], 'an address typed is refused at the field, with the same sentence');
    assert.deepEqual(fake.texts(), ['Connected: c1 → dev.']);
    assert.deepEqual(harness.engine.connectRequests, [{ networkId: networkId('dev'), containerId: containerId('c1'), request: { aliases: [] } }]);
  });

  test('the default bridge: explains that aliases need a user network, asks none, connects without them', async () => {
    const es = await row('containers', 'es');
    fake.quickInput.script({ pick: 'bridge' });
    await run('dockerNetworks.connectToNetwork', es, [es]);
    assert.equal(fake.quickInput.offered.length, 1, 'no alias or address field');
    assert.deepEqual(fake.texts('information'), [
      'Aliases and fixed addresses need a user-defined network: the default bridge has no embedded DNS. The container is connected without them.',
      'Connected: es → bridge.',
    ]);
    assert.deepEqual(harness.engine.mutations, [`connect ${networkId('bridge')} ${containerId('es')}`]);
  });

  test('a container on the host network is refused before any prompt', async () => {
    const hostbox = await row('containers', 'hostbox');
    await run('dockerNetworks.connectToNetwork', hostbox, [hostbox]);
    assert.deepEqual(fake.texts('error'), ['hostbox uses the network stack of the host, of another container, or none: it cannot join networks.']);
    assert.deepEqual(fake.quickInput.offered, []);
    assert.deepEqual(harness.engine.mutations, []);
  });

  test('Connect Container on a network: offers only the containers not on it yet, several at once, no fixed address', async () => {
    const dev = await row('networks', 'dev');
    fake.quickInput.script({ pick: ['c1', 'AppDev'] }, { type: '' });
    await run('dockerNetworks.connectContainer', dev, [dev]);
    const [containers] = fake.quickInput.offered;
    assert.equal(containers.placeholder, 'Containers to connect');
    for (const absent of ['c2', 'es', 'hostbox', 'isolated', 'sidecar']) assert.ok(!containers.items.includes(absent), `${absent} is not offered`);
    assert.equal(fake.quickInput.offered.length, 2, 'two containers: no fixed address asked');
    assert.deepEqual(harness.engine.mutations.sort(), [`connect ${networkId('dev')} ${containerId('AppDev')}`, `connect ${networkId('dev')} ${containerId('c1')}`].sort());
    assert.deepEqual(fake.texts(), ['Connected: AppDev → dev, c1 → dev.']);
  });

  test('from the palette: the network first, then the containers; Escape on the containers sends nothing', async () => {
    fake.quickInput.script({ pick: 'prod' }, { cancel: true });
    await run('dockerNetworks.connectContainer');
    assert.deepEqual(fake.quickInput.offered.map((prompt) => prompt.placeholder), ['Network to connect containers to', 'Containers to connect']);
    assert.deepEqual(harness.engine.mutations, []);
    assert.deepEqual(fake.messages, []);
  });
});

describe('Disconnect from Network', () => {
  test('an endpoint of a running container: asks to confirm (no Force), sends one plain disconnect', async () => {
    const endpoint = await row('networks', 'dev', 'es');
    fake.messageAnswers.push('Disconnect');
    await run('dockerNetworks.disconnect', endpoint, [endpoint]);
    const [question] = fake.messages;
    assert.deepEqual(question, { severity: 'warning', text: 'Disconnect es from dev?', modal: true, detail: 'es will be left on no network at all: only loopback (127.0.0.1) inside.', buttons: ['Disconnect'] });
    assert.deepEqual(harness.engine.mutations, [`disconnect ${networkId('dev')} ${containerId('es')}`]);
    assert.equal(fake.texts('information').at(-1), 'Disconnected: es from dev.');
  });

  test('a stopped container: Force Disconnect is offered, and chosen sends force', async () => {
    const membership = await row('containers', 'stopped', 'named');
    fake.messageAnswers.push('Force Disconnect');
    await run('dockerNetworks.disconnect', membership, [membership]);
    assert.deepEqual(fake.messages[0].buttons, ['Disconnect', 'Force Disconnect']);
    assert.match(fake.messages[0].detail ?? '', /Some containers are stopped: use Force Disconnect if the engine refuses\./);
    assert.deepEqual(harness.engine.mutations, [`disconnect ${networkId('named')} ${containerId('stopped')} force`]);
  });

  test('dismissing the confirmation sends nothing', async () => {
    const endpoint = await row('networks', 'bnet', 'c1');
    fake.messageAnswers.push(undefined);
    await run('dockerNetworks.disconnect', endpoint, [endpoint]);
    assert.deepEqual(harness.engine.mutations, []);
    assert.equal(fake.messages.length, 1);
  });

  test('a container with two networks: offers its networks, two picked, one confirmation for both', async () => {
    const c2 = await row('containers', 'c2');
    fake.quickInput.script({ pick: ['bnet', 'dev'] });
    fake.messageAnswers.push('Disconnect');
    await run('dockerNetworks.disconnect', c2, [c2]);
    assert.deepEqual(fake.quickInput.offered[0].items.sort(), ['bnet', 'dev']);
    assert.equal(fake.messages[0].text, 'Disconnect 2 endpoints?');
    assert.equal(harness.engine.mutations.length, 2);
  });
});

describe('Remove Network', () => {
  test('from the palette: predefined networks are never offered; a used network asks to disconnect its endpoints first', async () => {
    fake.quickInput.script({ pick: 'dev' });
    fake.messageAnswers.push('Disconnect 2 endpoints and remove');
    await run('dockerNetworks.removeNetwork');
    const [pick] = fake.quickInput.offered;
    assert.equal(pick.placeholder, 'Networks to remove');
    for (const predefined of ['bridge', 'host', 'none']) assert.ok(!pick.items.includes(predefined), `${predefined} offered`);
    assert.deepEqual(pick.shown.find((item) => item.label === 'dev')?.description, 'bridge  2 endpoints');
    const [question] = fake.messages;
    assert.equal(question.text, 'dev still has connected containers. Remove anyway?');
    assert.equal(question.detail, 'These containers will be disconnected first:\nc2 on dev\nes on dev');
    const dev = networkId('dev');
    assert.deepEqual(harness.engine.mutations, [`disconnect ${dev} ${containerId('c2')} force`, `disconnect ${dev} ${containerId('es')} force`, `remove ${dev}`]);
    assert.deepEqual(fake.texts('information'), ['Removed: dev.']);
  });

  test('a predefined network selected with a user one: kept and said so; only the user network is sent', async () => {
    const named = await row('networks', 'named');
    const bridge = await row('networks', 'bridge');
    fake.messageAnswers.push('Disconnect 1 endpoint and remove');
    await run('dockerNetworks.removeNetwork', named, [named, bridge]);
    assert.match(fake.messages[0].detail ?? '', /Predefined networks are kept: bridge\./);
    assert.ok(!harness.engine.mutations.some((mutation) => mutation.includes(networkId('bridge'))), 'nothing sent for bridge');
    assert.equal(harness.engine.mutations.at(-1), `remove ${networkId('named')}`);
  });

  test('only a predefined network: refused with a sentence, no confirmation, nothing sent', async () => {
    const host = await row('networks', 'host');
    await run('dockerNetworks.removeNetwork', host, [host]);
    assert.equal(fake.messages.length, 1);
    assert.equal(fake.messages[0].severity, 'error');
    assert.match(fake.messages[0].text, /host/);
    assert.deepEqual(harness.engine.mutations, []);
  });

  test('Cancel on the confirmation sends nothing', async () => {
    const prod = await row('networks', 'prod');
    fake.messageAnswers.push(undefined);
    await run('dockerNetworks.removeNetwork', prod, [prod]);
    assert.deepEqual(harness.engine.mutations, []);
  });
});

describe('Prune Unused Networks', () => {
  test('asks a label filter (a filter without a key is refused), previews what goes, removes only that', async () => {
    fake.quickInput.script({ type: '=x' }, { type: '' });
    fake.messageAnswers.push('Remove 1 network');
    await run('dockerNetworks.pruneNetworks');
    const [filter] = fake.quickInput.offered;
    assert.equal(filter.title, 'Prune Unused Networks');
    assert.deepEqual(filter.validation.map((entry) => entry.message), ['A label filter starts with a key.']);
    const [question] = fake.messages;
    assert.equal(question.text, 'These unused networks will be removed:');
    assert.equal(question.detail, 'named (stopped containers attached: stopped)');
    assert.deepEqual(question.buttons, ['Remove 1 network']);
    assert.ok(!harness.engine.mutations.some((mutation) => ['bridge', 'host', 'none'].some((name) => mutation.includes(networkId(name)))), 'predefined networks untouched');
    assert.ok(harness.engine.mutations.length > 0);
    assert.deepEqual(fake.progressTitles, ['Pruning networks…']);
  });

  test('a filter that matches nothing: says so, asks nothing, sends nothing', async () => {
    fake.quickInput.script({ type: 'env=nowhere' });
    await run('dockerNetworks.pruneNetworks');
    assert.deepEqual(fake.texts(), ['No unused network to prune.']);
    assert.deepEqual(harness.engine.mutations, []);
  });
});

describe('Copy', () => {
  test('a DNS name leaf copies the name; an address leaf its value', async () => {
    await run('dockerNetworks.copyValue', await row('networks', 'dev', 'es', 'search'));
    assert.equal(fake.clipboard, 'search');
    await run('dockerNetworks.copyValue', await row('containers', 'sleeper', 'secure', 'fd00:dead:beef::2/64'));
    assert.equal(fake.clipboard, 'fd00:dead:beef::2/64');
  });

  test('the Copy submenu copies the field of the clicked row', async () => {
    const endpoint = await row('networks', 'dev', 'es');
    await run('dockerNetworks.copy.ipv4', endpoint);
    assert.equal(fake.clipboard, '172.23.0.2');
    await run('dockerNetworks.copy.containerId', endpoint);
    assert.equal(fake.clipboard, containerId('es'));
    await run('dockerNetworks.copy.networkName', endpoint);
    assert.equal(fake.clipboard, 'dev');
  });
});

describe('when the engine is not reachable', () => {
  test('an action says so in one sentence and sends nothing', async () => {
    harness.engine.stop();
    await harness.session.refresh();
    await run('dockerNetworks.connectToNetwork');
    assert.deepEqual(fake.texts('error'), ['The Docker engine is not reachable.']);
    assert.deepEqual(harness.engine.mutations, []);
  });
});

describe('on a swarm manager (recorded on a three-node swarm)', () => {
  beforeEach(async () => {
    harness.dispose();
    resetVscodeFake();
    harness = await fakeServices(loadFixture('engine-1.41', 'swarm-manager.json'));
    registerCommands(harness.services, allCommands);
  });

  test('a swarm task\'s endpoint cannot be disconnected: said before anything is sent', async () => {
    const task = await row('networks', 'dnerec-ov', 'dnerec-web.2.idqg9dtq3glt183l96vlbnsle');
    await run('dockerNetworks.disconnect', task, [task]);
    assert.deepEqual(fake.texts('error'), [
      'dnerec-web.2.idqg9dtq3glt183l96vlbnsle is a task of the service dnerec-web: its networks belong to the service. Use docker service update --network-rm dnerec-ov dnerec-web instead.',
    ]);
    assert.equal(fake.messages.length, 1, 'no confirmation asked');
    assert.deepEqual(harness.engine.mutations, []);
  });

  test('Create Network offers overlay without a warning, and Attachable for it', async () => {
    fake.quickInput.script({ type: 'ov2' }, { pick: 'overlay' }, { pick: 'IPv6 off' }, { pick: 'Continue' }, { pick: ['Attachable'] }, { accept: true }, { accept: true }, { accept: true });
    await run('dockerNetworks.createNetworkForm');
    const driver = fake.quickInput.offered[1];
    assert.equal(driver.shown.find((item) => item.label === 'overlay')?.detail, 'Spans the nodes of a swarm (VXLAN).');
    assert.deepEqual(fake.quickInput.offered[4].items, ['Internal', 'Attachable']);
    assert.deepEqual(harness.engine.mutations, ['create ov2']);
    assert.equal(harness.engine.createRequests[0].Driver, 'overlay');
    assert.equal(harness.engine.createRequests[0].Attachable, true);
  });
});
