/**
 * Tier 4 for the trees: the packaged VSIX in code-server, driven in Chromium, against the real
 * engine. What the user reads in the hovers (no escaping backslashes, no link or extra line made
 * from an engine string), the Copy submenu of an endpoint, and the name filter's message.
 *
 * Everything carries the label dne.test.trees and is removed in `after`, even on failure.
 */
import * as assert from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  dismissHover, expandRow, rowLocator,
  runCommandFromPalette, screenshot, treeMessage, waitForRow, waitForTree,
} from '../harness/browser';
import { docker, removeLabelled } from '../support/dockerCli';
import { sleep, waitFor } from '../support/waitFor';
import { closeExtensionWorkbench, ensureDocker, ExtensionWorkbench, openExtensionWorkbench } from '../harness/workbench';

const LABEL = 'dne.test.trees';
const NET = 'dnx-e2e-tips';
const BOX = 'dnx-e2e-tip';
const ALIAS = 'dnx-e2e-web';
/** A label value that would close a code span and make a link, and one with a line break. */
const TRICKY = 'a`[y](https://evil.example)`b';
const MULTILINE = 'one\n- two';


/**
 * Hovers a row and returns the text of the hover the workbench shows for it (its first line names
 * the row), and the links in it. The mouse comes back to the row until the hover shows: the
 * workbench drops a hover when the pointer arrives while another one is closing.
 */
async function hoverText(page: Page, view: string, labelPath: string[]): Promise<{ text: string; links: string[] }> {
  const hover = page.locator('.monaco-hover:visible, .workbench-hover:visible').last();
  const name = labelPath[labelPath.length - 1];
  let attempt = 0;
  let seen = '';
  const text = await waitFor(`the hover of ${JSON.stringify(labelPath)}`, async () => {
    if (await hover.isVisible().catch(() => false)) {
      seen = ((await hover.innerText().catch(() => '')) ?? '').trim();
      const first = seen.split('\n')[0].trim();
      if (first === name || first.startsWith(`${name} `)) return seen;
    }
    if (attempt++ % 15 === 0) {
      await page.mouse.move(700, 700);
      await page.keyboard.press('Escape');
      await sleep(300);
      const row = await rowLocator(page, view, labelPath);
      assert.ok(row, `row ${JSON.stringify(labelPath)} not found in ${view}`);
      const box = await row.locator('.label-name').boundingBox();
      assert.ok(box, `row ${JSON.stringify(labelPath)} is not on screen`);
      await page.mouse.move(box.x + 4, box.y + box.height / 2);
      await page.mouse.move(box.x + 8, box.y + box.height / 2, { steps: 3 });
    }
    return undefined;
  }, { timeoutMs: 20_000, intervalMs: 100, lastSeen: () => JSON.stringify(seen) });
  // Let the hover finish fading in before the screenshot.
  await sleep(400);
  const links = await hover.locator('a[href]').evaluateAll((els) => els.map((el) => el.getAttribute('href') ?? ''));
  await screenshot(page, `trees-e2e-hover-${labelPath.join('-')}`);
  return { text, links };
}

describe('trees (e2e: VSIX in code-server + Chromium + real engine)', { timeout: 600_000 }, () => {
  let workbench: ExtensionWorkbench | undefined;
  let page: Page | undefined;

  before(async () => {
    ensureDocker();
    removeLabelled(LABEL);
    docker(['network', 'create', '--label', `${LABEL}=1`, '--label', `dnx.tricky=${TRICKY}`, '--label', `dnx.lines=${MULTILINE}`, NET]);
    docker(['run', '-d', '--name', BOX, '--label', `${LABEL}=1`, '--network', NET, '--network-alias', ALIAS, 'local/busybox:latest', 'sleep', '100000']);
    workbench = await openExtensionWorkbench('docker-network-explorer-trees-e2e', { width: 1280, height: 900, views: ['Networks'] });
    page = workbench.page;
  });

  after(async () => {
    await closeExtensionWorkbench(workbench, 'trees-e2e-final');
    removeLabelled(LABEL);
  });

  it('shows option names and addresses in the hovers without escaping backslashes', async () => {
    const p = page!;
    await waitForRow(p, 'Networks', ['bridge'], 30_000);
    const bridge = await hoverText(p, 'Networks', ['bridge']);
    assert.ok(bridge.text.includes('com.docker.network.bridge.default_bridge'), bridge.text);
    assert.ok(!bridge.text.includes('\\'), `a backslash shows in: ${bridge.text}`);

    await expandRow(p, 'Networks', [NET], 30_000);
    await waitForRow(p, 'Networks', [NET, BOX]);
    const ip = docker(['inspect', '--format', `{{(index .NetworkSettings.Networks "${NET}").IPAddress}}`, BOX]);
    const prefix = docker(['inspect', '--format', `{{(index .NetworkSettings.Networks "${NET}").IPPrefixLen}}`, BOX]);
    const gateway = docker(['inspect', '--format', `{{(index .NetworkSettings.Networks "${NET}").Gateway}}`, BOX]);
    const endpoint = await hoverText(p, 'Networks', [NET, BOX]);
    assert.match(endpoint.text, new RegExp(`IPv4: ${ip}/${prefix}`.replace(/\./g, '\\.')));
    assert.match(endpoint.text, new RegExp(`Gateway: ${gateway}`.replace(/\./g, '\\.')));
    assert.ok(!endpoint.text.includes('\\'), `a backslash shows in: ${endpoint.text}`);
    // Its names, read from the container's inspection when the hover asks (the row was never expanded).
    assert.match(endpoint.text, new RegExp(`Aliases: ${ALIAS}`), endpoint.text);
    assert.match(endpoint.text, new RegExp(`DNS names: ${BOX}, ${ALIAS}, [0-9a-f]{12}`), endpoint.text);
  });

  it('shows engine strings as they are: a backtick makes no link, a line break no new line', async () => {
    const p = page!;
    const network = await hoverText(p, 'Networks', [NET]);
    assert.ok(network.text.includes(TRICKY), `the label value is not shown as it is: ${network.text}`);
    assert.deepStrictEqual(network.links.filter((href) => href.includes('evil')), [], 'a link was made from a label value');
    const lines = network.text.split('\n').map((line) => line.trim());
    assert.ok(!lines.includes('two') && !lines.some((line) => line.startsWith('- two') || line === '• two'), `the line break made a new line: ${network.text}`);
    assert.ok(network.text.includes('one↵- two'), network.text);
  });

  it('offers the addresses, names and ids of an endpoint in its Copy submenu', async () => {
    const p = page!;
    await dismissHover(p);
    const row = await rowLocator(p, 'Networks', [NET, BOX]);
    assert.ok(row);
    await row.click({ button: 'right' });
    const copy = p.locator('.monaco-menu .action-label', { hasText: /^Copy$/ }).first();
    await copy.waitFor({ state: 'visible', timeout: 10_000 });
    await copy.hover();
    const submenuItems = p.locator('.monaco-menu .monaco-menu .action-label');
    const entries = await waitFor('the Copy submenu', async () => {
      const texts = (await submenuItems.allInnerTexts().catch(() => [])).map((t) => t.trim()).filter(Boolean);
      return texts.length > 0 ? texts : undefined;
    }, { timeoutMs: 10_000, intervalMs: 100 });
    await screenshot(p, 'trees-e2e-copy-submenu');
    await p.keyboard.press('Escape');
    await p.keyboard.press('Escape');
    assert.deepStrictEqual(entries, ['Container Name', 'Container ID', 'Network Name', 'Network ID', 'IPv4 Address', 'IPv4 Address with Prefix', 'MAC Address', 'Gateway']);
  });

  it('says in the view that a name filter is active, and clears it', async () => {
    const p = page!;
    await runCommandFromPalette(p, 'Docker Networks: Filter by Name');
    const input = p.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('e2e-tip');
    await p.keyboard.press('Enter');
    await waitFor('the filter message', async () => ((await treeMessage(p, 'Networks')).includes('Filtered by name: "e2e-tip"') ? true : undefined), { timeoutMs: 10_000 });
    await waitForTree(p, 'Networks', (rows) => rows.filter((r) => r.level === 1).map((r) => r.label).join() === NET, 10_000, 'only the matching network');
    await screenshot(p, 'trees-e2e-filtered');
    await runCommandFromPalette(p, 'Docker Networks: Clear Name Filter');
    await waitFor('no filter message', async () => ((await treeMessage(p, 'Networks')) === '' ? true : undefined), { timeoutMs: 10_000 });
    await waitForRow(p, 'Networks', ['bridge']);
  });
});
