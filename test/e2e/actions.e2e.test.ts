/**
 * Tier 4 for the network actions: the packaged VSIX in code-server, driven in Chromium, against the
 * real engine.
 *
 *  0. Palette: F1, "Create Network" typed exactly, Enter -> Create Network's quick path opens, not the
 *     form (New Network (All Options)…, whose own title typed opens it).
 *  1. Containers view: right-click a container -> Connect to Network… -> pick `dev`, type aliases:
 *     "r1 web" is refused at the field (a space is not a separator), "r1, e2e-alias" shows the two
 *     aliases that will be set; `dev` got its subnet from the engine, so the fixed-address step says
 *     why none is possible there, Enter goes on (no notification) -> the endpoint and its aliases
 *     appear under `dev`.
 *  2. Networks view: right-click that endpoint -> Disconnect from Network… -> confirm -> it disappears.
 *  3. Palette: New Network (All Options) with a subnet, gateway, IP range, aux address, labels and
 *     a driver option -> the review lists every one of them -> the network is in the tree.
 *  4. Palette: an invalid gateway shows its message at the field, and nothing is created.
 *
 * Everything carries dne.test=1 and is removed in `after`, even on failure.
 */
import * as assert from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  answer, contextMenu, expandRow, dismissNotifications,
  runCommandFromPalette, screenshot, waitForQuickInput, waitForRow, waitForTree,
} from '../harness/browser';
import { docker } from '../support/dockerCli';
import { engineFeatures } from '../../src/model/engineFeatures';
import { closeExtensionWorkbench, ensureDocker, ExtensionWorkbench, openExtensionWorkbench } from '../harness/workbench';
import { sleep } from '../support/waitFor';

const LABEL = 'dne.test=1';
const NET = 'dev';
const BOX = 'dna-e2e-box';
const ALIAS = 'e2e-alias';
const CREATED = 'dna-e2e-net';
const REFUSED = 'dna-e2e-bad';
const IMAGE = 'local/busybox:latest';
/**
 * Whether the engine has Docker 28's options (API 1.48+): the forms then ask IPv4 on/off, the
 * bridge's gateway mode and a gateway priority, each passed here with Enter (its default).
 */
const DOCKER28_OPTIONS = engineFeatures(docker(['version', '--format', '{{.Server.APIVersion}}'], { allowFailure: true })).gatewayPriority;

function cleanup(): void {
  docker(['rm', '-f', BOX], { allowFailure: true });
  for (const name of [CREATED, REFUSED, NET]) {
    const labelled = docker(['network', 'ls', '-q', '--filter', `name=^${name}$`, '--filter', `label=${LABEL}`], { allowFailure: true });
    if (labelled) docker(['network', 'rm', name], { allowFailure: true });
  }
}


describe('network actions (e2e: VSIX in code-server + Chromium + real engine)', { timeout: 600_000 }, () => {
  let workbench: ExtensionWorkbench | undefined;
  let page: Page | undefined;

  before(async () => {
    ensureDocker();
    cleanup();
    assert.equal(docker(['network', 'ls', '-q', '--filter', `name=^${NET}$`]), '', `a network "${NET}" without label ${LABEL} exists; remove it first`);
    docker(['network', 'create', '--label', LABEL, NET]);
    docker(['run', '-d', '--name', BOX, '--label', LABEL, IMAGE, 'sleep', '100000']);
    workbench = await openExtensionWorkbench('docker-network-explorer-actions-e2e', { width: 1280, height: 900, views: ['Networks', 'Containers'] });
    page = workbench.page;
  });

  after(async () => {
    await closeExtensionWorkbench(workbench, 'actions-e2e-final');
    cleanup();
  });

  /** F1, the exact title typed, Enter (the first row, as a user does): the quick input's title that opens. */
  async function typeTitleThenEnter(p: Page, title: string): Promise<string> {
    const input = p.locator('.quick-input-widget .quick-input-box input').first();
    await p.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    await p.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await sleep(500); // the list settles on the filter typed
    await p.keyboard.press('Enter');
    await waitForQuickInput(p, /Name of the new network/);
    const shown = await p.locator('.quick-input-widget .quick-input-title').first().innerText();
    await p.keyboard.press('Escape');
    await sleep(300);
    return shown;
  }

  it('F1, a command title typed exactly, Enter: runs that command (Create Network is not shadowed by the form)', async () => {
    const p = page!;
    const quick = await typeTitleThenEnter(p, 'Create Network');
    assert.match(quick, /^Create Network\b/, `"Create Network" opened ${JSON.stringify(quick)}`);
    assert.doesNotMatch(quick, /All Options/, `"Create Network" opened the form: ${JSON.stringify(quick)}`);
    assert.match(await typeTitleThenEnter(p, 'New Network (All Options)'), /^New Network \(All Options\)/);
  });

  it('connects a container to dev with an alias from its context menu', async () => {
    const p = page!;
    await waitForRow(p, 'Containers', [BOX], 20_000);
    await contextMenu(p, 'Containers', [BOX], /^Connect to Network/);
    try {
      await waitForQuickInput(p, /Networks to connect/, 8_000);
    } catch (error) {
      // Say what the workbench showed instead (a notification?), then try the menu once more.
      const toasts = await p.locator('.notification-toast').allInnerTexts().catch(() => []);
      console.log(`no quick pick after the context menu; notifications: ${JSON.stringify(toasts)}; ${(error as Error).message}`);
      await p.keyboard.press('Escape');
      await contextMenu(p, 'Containers', [BOX], /^Connect to Network/);
      await waitForQuickInput(p, /Networks to connect/);
    }
    const devRow = p.locator('.quick-input-widget .monaco-list-row').filter({ has: p.locator('.label-name', { hasText: new RegExp(`^\\s*${NET}\\s*$`) }) }).first();
    // In a multi-select quick pick a click on the row toggles its checkbox.
    await devRow.locator('.label-name').first().click();
    await waitForQuickInput(p, /1 Selected/);
    await p.keyboard.press('Enter');
    await waitForQuickInput(p, /aliases/i);
    const input = p.locator('.quick-input-widget input').first();
    await input.fill('r1 web');
    const refused = await waitForQuickInput(p, /"r1 web" contains a space/);
    assert.match(refused, /Separate several aliases with commas/);
    await p.keyboard.press('Enter'); // refused: the step stays
    await sleep(300);
    await waitForQuickInput(p, /"r1 web" contains a space/);
    await screenshot(p, 'actions-alias-space');
    await input.fill(`r1, ${ALIAS}`);
    await waitForQuickInput(p, new RegExp(`Aliases that will be set \\(2\\): "r1", "${ALIAS}"`));
    await screenshot(p, 'actions-aliases-shown');
    await p.keyboard.press('Enter');
    // dev got its subnet from the engine: the address step says why no fixed address is possible
    // there, and Enter connects with the address the engine assigns (no notification about it).
    const why = await waitForQuickInput(p, /No fixed address on "dev": the engine chose its subnet/);
    assert.match(why, /use a network created with --subnet/);
    await screenshot(p, 'actions-address-step-engine-subnet');
    await p.keyboard.press('Enter');
    if (DOCKER28_OPTIONS) {
      await waitForQuickInput(p, /Gateway priority \(--gw-priority/);
      await p.keyboard.press('Enter'); // none: the engine's 0
    }
    // dev becomes collapsible once the engine's connect event has refreshed the tree (no click).
    await waitForTree(p, 'Networks', (rows) => rows.some((r) => r.level === 1 && r.label === NET && r.expanded !== undefined), 15_000, `${NET} has endpoints`);
    await expandRow(p, 'Networks', [NET], 15_000);
    await waitForRow(p, 'Networks', [NET, BOX], 15_000);
    await expandRow(p, 'Networks', [NET, BOX]);
    await waitForRow(p, 'Networks', [NET, BOX, ALIAS], 15_000);
    await waitForRow(p, 'Networks', [NET, BOX, 'r1'], 15_000);
    await screenshot(p, 'actions-connected');
    const aliases = JSON.parse(docker(['inspect', '--format', `{{json (index .NetworkSettings.Networks "${NET}").Aliases}}`, BOX])) as string[];
    assert.ok(aliases.includes(ALIAS) && aliases.includes('r1') && !aliases.includes('web'), `engine aliases: ${JSON.stringify(aliases)}`);
    const toasts = await p.locator('.notification-toast').allInnerTexts();
    assert.ok(!toasts.some((text) => /fixed address/i.test(text)), `a notification about an address nobody asked for: ${JSON.stringify(toasts)}`);
    await dismissNotifications(p);
  });

  it('disconnects it after a confirmation, and it disappears from dev', async () => {
    const p = page!;
    await contextMenu(p, 'Networks', [NET, BOX], /^Disconnect from Network/);
    const dialog = p.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await dialog.innerText(), new RegExp(`${BOX}[\\s\\S]*${NET}`));
    await dialog.locator('.monaco-button', { hasText: /^Disconnect$/ }).first().click();
    await waitForTree(p, 'Networks', (rows) => !rows.some((r, i) => r.label === BOX && r.level === 2 && rows.slice(0, i).reverse().find((x) => x.level === 1)?.label === NET), 15_000, `${BOX} gone from ${NET}`);
    const networks = Object.keys(JSON.parse(docker(['inspect', '--format', '{{json .NetworkSettings.Networks}}', BOX])) as Record<string, unknown>);
    assert.ok(!networks.includes(NET), `still on ${NET}: ${networks.join(', ')}`);
  });

  async function startFullForm(p: Page, name: string, subnet: string, gateway: string): Promise<void> {
    await runCommandFromPalette(p, 'Docker Networks: New Network (All Options)');
    await answer(p, /Name of the new network/, name);
    await waitForQuickInput(p, /Network driver/);
    await p.keyboard.press('Enter'); // bridge
    await waitForQuickInput(p, /IPv6/);
    await p.keyboard.press('Enter'); // off
    if (DOCKER28_OPTIONS) {
      await waitForQuickInput(p, /IPv4 off/);
      await p.keyboard.press('Enter'); // IPv4 on
    }
    await waitForQuickInput(p, /Add a subnet/);
    await p.keyboard.press('Enter'); // Add a subnet…
    await answer(p, /Subnet in CIDR/, subnet);
    await waitForQuickInput(p, /Gateway in/);
    await p.locator('.quick-input-widget input').first().fill(gateway);
    await sleep(300);
  }

  /** The text of every row of the open quick pick, scrolling through it (the list only renders what is visible). */
  async function quickPickRows(p: Page): Promise<string[]> {
    const rows = new Set<string>();
    for (let i = 0; i < 8; i++) {
      for (const text of await p.locator('.quick-input-widget .monaco-list-row').allInnerTexts()) rows.add(text.replace(/\s+/g, ' ').trim());
      await p.keyboard.press('PageDown');
      await sleep(150);
    }
    for (let i = 0; i < 8; i++) await p.keyboard.press('PageUp');
    await sleep(200);
    return [...rows];
  }

  it('creates a network with every option from the palette, after a review that lists them all', async () => {
    const p = page!;
    await startFullForm(p, CREATED, '10.123.0.0/24', '10.123.0.1');
    await p.keyboard.press('Enter');
    await answer(p, /Range for container addresses/, '10.123.0.128/25');
    await answer(p, /Auxiliary addresses/, 'router=10.123.0.2');
    await waitForQuickInput(p, /Continue/);
    await p.keyboard.press('Enter'); // Continue
    await waitForQuickInput(p, /select with Space/i);
    await p.keyboard.press('Enter');
    if (DOCKER28_OPTIONS) {
      await waitForQuickInput(p, /IPv4 gateway mode/);
      await p.keyboard.press('Enter'); // nat, the default: nothing sent
    }
    await answer(p, /Labels as key=value/, `${LABEL}, env=lab`);
    await answer(p, /Driver options/, 'com.docker.network.driver.mtu=1400');
    await waitForQuickInput(p, /Create network/);
    await screenshot(p, 'actions-review');
    const rows = (await quickPickRows(p)).join('\n');
    for (const expected of [...(DOCKER28_OPTIONS ? ['IPv4: yes'] : []), 'Driver: bridge', 'Subnet 10.123.0.0/24', 'Gateway: 10.123.0.1', 'IP range: 10.123.0.128/25', 'Auxiliary addresses: router=10.123.0.2', 'env=lab', 'dne.test=1', 'com.docker.network.driver.mtu=1400']) {
      assert.ok(rows.includes(expected), `the review lacks "${expected}":\n${rows}`);
    }
    await waitForQuickInput(p, /Create network/);
    await p.keyboard.press('Enter');
    await waitForRow(p, 'Networks', [CREATED], 15_000);
    await screenshot(p, 'actions-created');
    const json = JSON.parse(docker(['network', 'inspect', '--format', '{{json .}}', CREATED])) as { IPAM: { Config: { Subnet: string; Gateway: string; IPRange: string; AuxiliaryAddresses: Record<string, string> }[] }; Labels: Record<string, string>; Options: Record<string, string> };
    assert.deepEqual(json.IPAM.Config, [{ Subnet: '10.123.0.0/24', Gateway: '10.123.0.1', IPRange: '10.123.0.128/25', AuxiliaryAddresses: { router: '10.123.0.2' } }]);
    assert.deepEqual(json.Labels, { 'dne.test': '1', env: 'lab' });
    assert.deepEqual(json.Options, { 'com.docker.network.driver.mtu': '1400' });
  });

  it('shows the message of an invalid gateway at the field and creates nothing', async () => {
    const p = page!;
    const before = docker(['network', 'ls', '--format', '{{.ID}}']);
    await startFullForm(p, REFUSED, '10.124.0.0/24', '10.125.0.1');
    const text = await waitForQuickInput(p, /10\.125\.0\.1 is not inside the subnet 10\.124\.0\.0\/24/);
    assert.ok(text.includes('not inside'));
    await p.keyboard.press('Enter'); // refused: the step stays, with its message
    await sleep(500);
    await waitForQuickInput(p, /is not inside the subnet 10\.124\.0\.0\/24/);
    await screenshot(p, 'actions-invalid-gateway');
    await p.keyboard.press('Escape');
    await sleep(500);
    assert.equal(docker(['network', 'ls', '-q', '--filter', `name=^${REFUSED}$`]), '');
    assert.equal(docker(['network', 'ls', '--format', '{{.ID}}']), before);
  });
});
