/**
 * The commands around the trees, on the VS Code fake and the fake engine fed from the recorded
 * fixtures: the view-title toggles (written where the setting is in force), the name filter,
 * Refresh, Open Settings, Inspect (the read-only JSON documents), and, with several engines, the
 * engine roots of the trees and the choice of engine a palette command asks first.
 */
import { fake, MarkdownString, resetVscodeFake, ThemeIcon, Uri } from '../support/vscodeFake';
import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, test } from 'node:test';
import * as vscode from 'vscode';
import { allCommands } from '../../src/commands/index';
import { registerCommands } from '../../src/commands/registry';
import type { Services } from '../../src/services';
import { DockerTreeProvider } from '../../src/views/dockerTreeProvider';
import { InspectDocumentProvider } from '../../src/views/inspectDocuments';
import { engineEntry, fakeServices, ServicesHarness, treeOf } from '../support/fakeServices';

let harness: ServicesHarness;
const run = (command: string, ...args: unknown[]) => vscode.commands.executeCommand(command, ...args);
const networkId = (name: string) => harness.session.inventory!.networks.find((network) => network.name === name)!.id;

beforeEach(async () => {
  resetVscodeFake();
  harness = await fakeServices();
});
afterEach(() => harness.dispose());

describe('view options and the name filter', () => {
  beforeEach(() => registerCommands(harness.services, allCommands));

  test('a toggle writes its setting for the user, or where the workspace already sets it', async () => {
    await run('dockerNetworks.hideStoppedContainers');
    fake.workspaceSettings.set('dockerNetworks.showPredefinedNetworks', true);
    await run('dockerNetworks.hidePredefinedNetworks');
    fake.folderSettings.set('dockerNetworks.groupByComposeProject', false);
    await run('dockerNetworks.groupByComposeProject');
    assert.deepEqual(fake.settingUpdates, [
      { key: 'dockerNetworks.showStoppedContainers', value: false, target: vscode.ConfigurationTarget.Global },
      { key: 'dockerNetworks.showPredefinedNetworks', value: false, target: vscode.ConfigurationTarget.Workspace },
      { key: 'dockerNetworks.groupByComposeProject', value: true, target: vscode.ConfigurationTarget.WorkspaceFolder },
    ]);
  });

  test('Filter by Name asks with the current filter, trims it, empty clears it; Escape keeps it', async () => {
    fake.quickInput.script({ type: '  dev ' });
    await run('dockerNetworks.filterByName');
    assert.equal(harness.services.nameFilter.get(), 'dev');
    const [prompt] = fake.quickInput.offered;
    assert.equal(prompt.title, 'Filter the trees by name');
    assert.equal(prompt.prompt, 'Shows the networks and containers whose name contains this text, and what they hold. Empty: no filter.');
    assert.equal(prompt.placeholder, 'Part of a network or container name');
    fake.quickInput.script({ cancel: true });
    await run('dockerNetworks.filterByName');
    assert.equal(fake.quickInput.offered[1].value, 'dev', 'opens with the filter in force');
    assert.equal(harness.services.nameFilter.get(), 'dev');
    fake.quickInput.script({ type: '' });
    await run('dockerNetworks.filterByName');
    assert.equal(harness.services.nameFilter.get(), undefined);
    harness.services.nameFilter.set('x');
    await run('dockerNetworks.clearNameFilter');
    assert.equal(harness.services.nameFilter.get(), undefined);
  });

  test('Refresh refreshes now; Open Settings opens the extension\'s settings', async () => {
    await run('dockerNetworks.refresh');
    assert.equal(harness.refreshes, 1);
    await run('dockerNetworks.openSettings');
    assert.deepEqual(fake.executed.at(-1), { command: 'workbench.action.openSettings', args: ['dockerNetworks'] });
  });
});

describe('Inspect', () => {
  beforeEach(() => registerCommands(harness.services, allCommands));

  test('a network row opens its JSON, read from the engine when the document opens', async () => {
    const dev = (await treeOf(harness.session, 'networks').find('dev')).node;
    await run('dockerNetworks.inspect', dev, [dev]);
    const uri = `docker-network-inspect:/network/dev.json?${networkId('dev')}`;
    assert.deepEqual(fake.documents, [{ uri, language: 'json', shown: { preview: true } }]);
    const text = await new InspectDocumentProvider(() => harness.session).provideTextDocumentContent(Uri.parse(uri) as unknown as vscode.Uri);
    assert.equal(JSON.parse(text).Name, 'dev');
  });

  test('an endpoint opens the container\'s settings on that network and the network\'s view of it', async () => {
    const es = (await treeOf(harness.session, 'networks').find('dev', 'es')).node;
    await run('dockerNetworks.inspect', es, [es]);
    const [document] = fake.documents;
    assert.match(document.uri, /^docker-network-inspect:\/endpoint\/es@dev\.json\?/);
    const text = await new InspectDocumentProvider(() => harness.session).provideTextDocumentContent(Uri.parse(document.uri) as unknown as vscode.Uri);
    const value = JSON.parse(text);
    assert.equal(value.Container, 'es');
    assert.equal(value.Network, 'dev');
    assert.equal(value.EndpointSettings.IPAddress, '172.23.0.2');
  });

  test('from the palette: networks and containers under two headings; several rows open as non-preview tabs', async () => {
    fake.quickInput.script({ pick: 'c1' });
    await run('dockerNetworks.inspect');
    const [pick] = fake.quickInput.offered;
    assert.equal(pick.placeholder, 'Network or container to inspect');
    assert.equal(pick.items[0], 'Networks');
    assert.ok(pick.items.includes('Containers') && pick.items.includes('bnet') && pick.items.includes('c1'));
    assert.match(fake.documents[0].uri, /^docker-network-inspect:\/container\/c1\.json\?/);
    const tree = treeOf(harness.session, 'networks');
    const [bnet, dev] = [(await tree.find('bnet')).node, (await tree.find('dev')).node];
    await run('dockerNetworks.inspect', bnet, [bnet, dev]);
    assert.deepEqual(fake.documents.slice(1).map((entry) => entry.shown), [{ preview: false }, { preview: false }]);
  });
});

describe('several engines', () => {
  let down: ServicesHarness;
  let services: Services;

  beforeEach(async () => {
    down = await fakeServices();
    down.engine.stop();
    await down.session.refresh();
    const entries = [engineEntry(harness.session, 'local', 'local'), engineEntry(down.session, 'remote', 'remote')];
    const forEngine = (key: string): Services => ({ ...(key === 'local' ? harness.services : down.services), engine: { key, label: key } });
    services = { ...harness.services, severalEngines: () => entries, forEngine };
  });
  afterEach(() => down.dispose());

  test('each engine is a root: its state, and under an unreachable one the cause instead of a tree', async () => {
    const entries = services.severalEngines();
    const provider = new DockerTreeProvider('networks', () => entries, () => ({ showStoppedContainers: true }));
    const roots = await provider.getChildren();
    const [local, remote] = roots.map((node) => provider.getTreeItem(node));
    assert.equal(local.label, 'local');
    assert.equal(local.description, 'connected · 20.10.24');
    assert.equal(local.contextValue, 'engine:connected');
    assert.equal((local.iconPath as ThemeIcon).id, 'server-environment');
    assert.equal(remote.description, 'unreachable');
    assert.equal((remote.iconPath as ThemeIcon).id, 'error');
    const [cause] = await provider.getChildren(roots[1]);
    const causeItem = provider.getTreeItem(cause);
    assert.equal(causeItem.label, "The Docker engine's socket was not found: Docker is not running here, or it listens somewhere else.");
    assert.equal(causeItem.contextValue, 'engineCause');
    assert.match((causeItem.tooltip as MarkdownString).value, /^\*\*`remote`\*\*\n\nEngine: `/);
    const localRows = await provider.getChildren(roots[0]);
    assert.ok(localRows.length > 0);
    assert.match(provider.getTreeItem(localRows[0]).id ?? '', /^networks\/local\//, 'row ids carry the engine');
    provider.dispose();
  });

  test('a palette command asks which engine first (with each engine\'s state), then runs on that one', async () => {
    registerCommands(services, allCommands);
    fake.quickInput.script({ pick: 'remote' });
    await run('dockerNetworks.connectToNetwork');
    const [which] = fake.quickInput.offered;
    assert.equal(which.title, 'Which engine?');
    assert.equal(which.placeholder, 'The engine to act on');
    assert.deepEqual(which.shown.map((item) => [item.label, item.description]), [['local', 'connected · 20.10.24'], ['remote', 'unreachable']]);
    assert.deepEqual(fake.texts('error'), ['The Docker engine is not reachable.'], 'it ran on the unreachable one');
    assert.deepEqual(down.engine.mutations, []);
    assert.deepEqual(harness.engine.mutations, []);
  });

  test('an engine-less command (Refresh) asks nothing', async () => {
    registerCommands(services, allCommands);
    await run('dockerNetworks.refresh');
    assert.deepEqual(fake.quickInput.offered, []);
    assert.equal(harness.refreshes, 1);
  });
});
