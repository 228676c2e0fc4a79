/**
 * Tier 4 for several engines at once: the packaged VSIX in code-server, driven in Chromium, with
 * `dockerNetworks.engines` naming a second dockerd (its own network namespace, test/support/
 * dockerdNode.ts), a TCP port where nothing listens, and the shared engine. What the user sees: one
 * root per engine with its state; a network created and removed from the second engine's root
 * (context menu, the create dialogue, the modal) exists on the second engine only; a topology
 * panel of the third engine is restored after a reload for that engine, not the first.
 */
import * as assert from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { answer, contextMenu, readTree, runCommandFromPalette, screenshot, topologyWebview, waitForQuickInput, waitForRow, waitForTree } from '../harness/browser';
import { freePort } from '../harness/codeServer';
import { closeExtensionWorkbench, ensureDocker, ExtensionWorkbench, openExtensionWorkbench } from '../harness/workbench';
import { docker } from '../support/dockerCli';
import { DockerdNode, nodeDocker, removeHub, startDockerdNode } from '../support/dockerdNode';
import { waitFor } from '../support/waitFor';

const MAIN = 'unix:///var/run/docker.sock';
const NET = 'dnx-multi-e2e';
/** Its own hub and node index: the extension tier's test uses dnemulti, node 3/1. */
const HUB = 'dnemue2e';


describe('several engines (e2e: VSIX in code-server + Chromium + two real engines)', { timeout: 600_000 }, () => {
  let workbench: ExtensionWorkbench | undefined;
  let page: Page;
  let node: DockerdNode | undefined;
  let closed: string;

  before(async () => {
    ensureDocker();
    node = await startDockerdNode({ hub: HUB, group: 3, index: 2, loadImage: false });
    closed = `tcp://127.0.0.1:${await freePort()}`;
    workbench = await openExtensionWorkbench('docker-network-explorer-engines-e2e', {
      width: 1280,
      height: 900,
      views: ['Networks'],
      machineSettings: { 'dockerNetworks.engines': [node.host, closed, MAIN] },
    });
    page = workbench.page;
  });

  after(async () => {
    await closeExtensionWorkbench(workbench, 'engines-e2e-final');
    await node?.stop();
    removeHub(HUB);
  });

  it('shows one root per engine with its own state', async () => {
    const version = nodeDocker(node!, ['version', '--format', '{{.Server.Version}}']);
    await waitForTree(page, 'Networks', (rows) => {
      const roots = rows.filter((row) => row.level === 1);
      return roots.length === 3 && roots[0].description === `connected · ${version}` && roots[1].description === 'unreachable' && roots[2].description.startsWith('connected · ');
    }, 20_000, 'three engine roots with their states');
    const roots = (await readTree(page, 'Networks')).filter((row) => row.level === 1);
    assert.deepStrictEqual(roots.map((row) => row.label), [node!.socketPath, closed, '/var/run/docker.sock']);
    await waitForRow(page, 'Networks', [node!.socketPath, 'bridge']);
    await waitForRow(page, 'Networks', [closed, 'The Docker engine refused the connection: it is not running (or restarting).']);
    await screenshot(page, 'engines-e2e-roots');
  });

  it('creates and removes a network from the second engine\'s root, on that engine only', async () => {
    await contextMenu(page, 'Networks', [node!.socketPath], /^Create Network…$/);
    await answer(page, /Name of the new network/, NET);
    await waitForQuickInput(page, /Network driver/);
    await page.keyboard.press('Enter');
    await waitForRow(page, 'Networks', [node!.socketPath, NET], 15_000);
    await screenshot(page, 'engines-e2e-created');
    assert.strictEqual(nodeDocker(node!, ['network', 'ls', '--quiet', '--filter', `name=^${NET}$`]).length > 0, true);
    assert.strictEqual(docker(['network', 'ls', '--quiet', '--filter', `name=^${NET}$`]), '');

    await contextMenu(page, 'Networks', [node!.socketPath, NET], /^Remove Network…$/);
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await dialog.innerText(), new RegExp(`Remove the network ${NET}\\?`));
    await dialog.locator('.monaco-button', { hasText: /^Remove$/ }).first().click();
    await waitFor('the network gone from the second engine', async () => (nodeDocker(node!, ['network', 'ls', '--quiet', '--filter', `name=^${NET}$`]) === '' ? true : undefined), { timeoutMs: 15_000 });
    await waitForTree(page, 'Networks', (rows) => !rows.some((row) => row.label === NET), 10_000, 'the row gone');
  });

  it('from the palette, asks which engine first, then acts on the one chosen', async () => {
    const name = `${NET}-palette`;
    await runCommandFromPalette(page, 'Docker Networks: Create Network…');
    // The list follows the title: wait until it offers the engines (not the palette's commands).
    const offered = await waitForQuickInput(page, /unreachable/);
    assert.match(offered, /Which engine\?/);
    for (const label of [node!.socketPath, closed, '/var/run/docker.sock']) assert.ok(offered.includes(label), `${label} not offered: ${offered}`);
    await screenshot(page, 'engines-e2e-which-engine');
    await answer(page, /Which engine\?/, 'dnemue2e');
    await answer(page, /Name of the new network/, name);
    await waitForQuickInput(page, /Network driver/);
    await page.keyboard.press('Enter');
    await waitForRow(page, 'Networks', [node!.socketPath, name], 15_000);
    assert.ok(nodeDocker(node!, ['network', 'ls', '--quiet', '--filter', `name=^${name}$`]).length > 0);
    assert.strictEqual(docker(['network', 'ls', '--quiet', '--filter', `name=^${name}$`]), '');
  });

  it('a topology panel restored after a reload draws the engine it drew, not the first one', async () => {
    const tab = page.locator('.tabs-container .tab', { hasText: 'Docker Network Topology' }).first();
    await contextMenu(page, 'Networks', ['/var/run/docker.sock'], /^Show Topology$/);
    await waitFor('the panel drawn for the shared engine', async () => ((await tab.innerText().catch(() => '')).includes('/var/run/docker.sock') && (await drawnRevision(page)) >= 1 ? true : undefined), { timeoutMs: 30_000, intervalMs: 200 });

    // As a user reloads (the workbench saves its editors first; a browser reload may not).
    await runCommandFromPalette(page, 'Developer: Reload Window');
    await page.waitForEvent('load', { timeout: 60_000 }).catch(() => undefined);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    // The restored tab shows its saved title at first: read it once the restored panel has drawn.
    await waitFor('the restored panel to draw', async () => ((await drawnRevision(page)) >= 1 ? true : undefined), { timeoutMs: 60_000, intervalMs: 200 });
    const title = await tab.innerText();
    await screenshot(page, 'engines-e2e-restored-topology');
    assert.ok(title.includes('/var/run/docker.sock') && !title.includes(node!.socketPath), `the restored panel's title: ${title}`);
  });
});

/** The revision of the diagram the topology panel drew (-1 while there is none). */
async function drawnRevision(page: Page): Promise<number> {
  const revision = await topologyWebview(page).locator('#diagram').getAttribute('data-revision', { timeout: 500 }).catch(() => null);
  return revision === null ? -1 : Number(revision);
}
