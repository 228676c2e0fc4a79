/**
 * Names in the order the trees list them, in every list a user picks from, and container states
 * said the same way everywhere (issue 22, item 6), on the VS Code fake and the fixture recorded
 * with names that sort differently by characters (n1, n10, n11, n2) and naturally (n1, n2, n10,
 * n11), and containers running, stopped and created. Also: the log names containers by name.
 */
import { fake, resetVscodeFake } from '../support/vscodeFake';
import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, test } from 'node:test';
import * as vscode from 'vscode';
import { allCommands } from '../../src/commands/index';
import { registerCommands } from '../../src/commands/registry';
import { pickScope } from '../../src/topologyPanel/scopePicker';
import { fakeServices, ServicesHarness, treeOf } from '../support/fakeServices';
import { loadFixture } from '../support/fixtures';
import type { ShownItem } from '../support/vscodeFakeQuickInput';

let harness: ServicesHarness;
const run = (command: string, ...args: unknown[]) => vscode.commands.executeCommand(command, ...args);
const everything = { showStoppedContainers: true, showPredefinedNetworks: true };
/** The rows of a picker that are networks or containers (not the separators, the host or the whole host). */
const named = (shown: ShownItem[]) => shown.filter((item) => item.label.startsWith('ord-'));

const NETWORKS = ['ord-n1', 'ord-n2', 'ord-n10', 'ord-n11'];
const CONTAINERS = ['ord-c1', 'ord-c2', 'ord-c3', 'ord-c10', 'ord-c11'];

beforeEach(async () => {
  resetVscodeFake();
  harness = await fakeServices(loadFixture('engine-1.41', 'natural-order.json'));
  registerCommands(harness.services, allCommands);
});
afterEach(() => harness.dispose());

describe('natural order in every list (the trees\' order)', () => {
  test('the trees: n1, n2, n10, n11 after the predefined networks; c1, c2, c3, c10, c11', async () => {
    assert.deepEqual(await treeOf(harness.session, 'networks', everything).labels(), ['bridge', 'host', 'none', ...NETWORKS]);
    assert.deepEqual(await treeOf(harness.session, 'containers', everything).labels(), CONTAINERS);
  });

  test("the topology's scope picker lists networks and containers in the trees' order", async () => {
    fake.quickInput.script({ cancel: true });
    await pickScope(harness.session.inventory!, { title: 'Show Topology', placeHolder: 'What to draw', showStopped: true });
    const [picker] = fake.quickInput.offered;
    const networks = picker.items.slice(picker.items.indexOf('Networks') + 1, picker.items.indexOf('Containers'));
    assert.deepEqual(networks, ['bridge', 'host', 'none', ...NETWORKS]);
    assert.deepEqual(picker.items.slice(picker.items.indexOf('Containers') + 1), CONTAINERS);
  });

  test('the pickers of Connect Container, Disconnect and Remove Network from the palette', async () => {
    fake.quickInput.script({ cancel: true });
    await run('dockerNetworks.connectContainer');
    fake.quickInput.script({ cancel: true });
    await run('dockerNetworks.removeNetwork');
    fake.quickInput.script({ cancel: true });
    await run('dockerNetworks.disconnect');
    const [connect, remove, disconnect] = fake.quickInput.offered;
    assert.deepEqual(named(connect.shown).map((item) => item.label), NETWORKS);
    assert.deepEqual(remove.items, NETWORKS);
    assert.deepEqual(disconnect.items, CONTAINERS);
  });

  test("Check Connectivity's pickers: containers in natural order, every one with its state (running too)", async () => {
    fake.quickInput.script({ pick: 'ord-c2' }, { cancel: true });
    await run('dockerNetworks.checkConnectivity');
    const [from, to] = fake.quickInput.offered;
    const states = (shown: ShownItem[]) => named(shown).map((item) => `${item.label}: ${item.description}`);
    assert.deepEqual(states(from.shown), ['ord-c1: running', 'ord-c2: running', 'ord-c3: created', 'ord-c10: running', 'ord-c11: stopped']);
    assert.deepEqual(states(to.shown), ['ord-c1: running', 'ord-c3: created', 'ord-c10: running', 'ord-c11: stopped']);
  });

  test('Inspect and the Connect pickers state each container the same way', async () => {
    fake.quickInput.script({ cancel: true });
    await run('dockerNetworks.inspect');
    const [inspect] = fake.quickInput.offered;
    assert.deepEqual(named(inspect.shown).filter((item) => item.label.startsWith('ord-c')).map((item) => `${item.label}: ${item.description}`), [
      'ord-c1: running', 'ord-c2: running', 'ord-c3: created', 'ord-c10: running', 'ord-c11: stopped',
    ]);
    fake.quickInput.script({ pick: 'ord-n2' }, { cancel: true });
    await run('dockerNetworks.connectContainer');
    const containers = fake.quickInput.offered[2];
    assert.equal(containers.placeholder, 'Containers to connect');
    assert.deepEqual(containers.shown.map((item) => `${item.label}: ${item.description?.split('  ')[0]}`), ['ord-c1: running', 'ord-c3: created', 'ord-c10: running', 'ord-c11: stopped']);
  });
});

describe('the log names containers', () => {
  test('Check Connectivity logs its question with the containers\' names, not their 64-character ids', async () => {
    const shown: unknown[] = [];
    Object.assign(harness.services, { reachReports: { show: async (report: unknown) => void shown.push(report) } });
    fake.quickInput.script({ pick: 'ord-c1' }, { pick: 'ord-c10' }, { type: '' }, { type: '' });
    await run('dockerNetworks.checkConnectivity');
    assert.equal(shown.length, 1, `the check ran to its report; messages: ${JSON.stringify(fake.messages)}`);
    const lines = harness.log.filter((line) => line.includes('connectivity:'));
    assert.equal(lines.length, 1, harness.log.join('\n'));
    assert.match(lines[0], /connectivity: ord-c1 -> ord-c10: /);
    assert.doesNotMatch(lines[0], /[0-9a-f]{64}/, 'no full container id');
  });
});
