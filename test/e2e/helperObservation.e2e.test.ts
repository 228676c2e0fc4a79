/**
 * Tier 4 for the helper level: the packaged VSIX in code-server, driven in Chromium, with
 * `dockerNetworks.engines` naming a second dockerd (its own network and UTS namespaces,
 * test/support/dockerdNode.ts): an engine whose host is not this machine's, so the panel draws its
 * plumbing from the Engine API (dashed). What the user sees: the title bar offers *Observe Through
 * a Helper Container…*; the modal names the engine and shows the exact `docker run`; Allow once
 * and the same panel is drawn solid, its level line naming the helper; nothing stays on the engine.
 */
import * as assert from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { readTree, runCommandFromPalette, screenshot, topologyWebview, waitForRow } from '../harness/browser';
import { closeExtensionWorkbench, ensureDocker, ExtensionWorkbench, openExtensionWorkbench } from '../harness/workbench';
import { TEST_IMAGE } from '../support/dockerCli';
import { DockerdNode, nodeDocker, removeHub, startDockerdNode } from '../support/dockerdNode';
import { sleep, waitFor } from '../support/waitFor';

const HUB = 'dneobse';
const NET = 'dnx-observe-e2e';
const BOX = 'dnx-observe-box';

interface Drawn {
  status: string;
  /** Nodes drawn dashed (inferred from the API), the legend's own sample left out. */
  inferred: number;
  /** Every node's text, then every namespace's title. */
  labels: string[];
}

async function readDrawn(page: Page): Promise<Drawn | undefined> {
  const body = topologyWebview(page).locator('body');
  if (!(await body.count().catch(() => 0))) return undefined;
  return body.evaluate((element: unknown) => {
    const root = element as { querySelector(s: string): { textContent: string | null } | null; querySelectorAll(s: string): ArrayLike<{ id: string; textContent: string | null }> };
    const nodes = Array.from(root.querySelectorAll('#diagram svg g.node'));
    return {
      status: (root.querySelector('#status')?.textContent ?? '').trim(),
      inferred: Array.from(root.querySelectorAll('#diagram svg g.node.inferred')).filter((node) => !/legend/.test(node.id)).length,
      labels: [...nodes, ...Array.from(root.querySelectorAll('#diagram svg g.cluster'))].map((node) => (node.textContent ?? '').trim()),
    };
  }).catch(() => undefined);
}

describe('observing an engine that is not local through a helper container (e2e: VSIX in code-server + Chromium + a second real engine)', { timeout: 600_000 }, () => {
  let workbench: ExtensionWorkbench | undefined;
  let page: Page;
  let node: DockerdNode | undefined;
  let bridge = '';

  before(async () => {
    ensureDocker();
    node = await startDockerdNode({ hub: HUB, group: 1, index: 9 });
    nodeDocker(node, ['network', 'create', '--label', 'dne.test.observe', NET]);
    nodeDocker(node, ['run', '-d', '--name', BOX, '--label', 'dne.test.observe', '--network', NET, TEST_IMAGE, 'sleep', '600']);
    bridge = `br-${nodeDocker(node, ['network', 'inspect', '-f', '{{.Id}}', NET]).slice(0, 12)}`;
    workbench = await openExtensionWorkbench('docker-network-explorer-observe-e2e', {
      width: 1400,
      height: 900,
      views: ['Networks', 'Containers'],
      machineSettings: { 'dockerNetworks.engines': [node.host], 'dockerNetworks.helper.image': TEST_IMAGE },
    });
    page = workbench.page;
  });

  after(async () => {
    await closeExtensionWorkbench(workbench, 'observe-e2e-final');
    await node?.stop();
    removeHub(HUB);
  });

  it('draws the engine from its API (dashed) until asked, then asks with the exact docker run', async () => {
    await waitForRow(page, 'Networks', [NET], 30_000);
    await runCommandFromPalette(page, 'Docker Networks: Show Topology');
    const scope = page.locator('.quick-input-widget .monaco-list-row', { hasText: NET }).first();
    await scope.waitFor({ state: 'visible', timeout: 20_000 });
    await scope.click();
    const before = await waitFor('the API drawing', async () => {
      const drawn = await readDrawn(page);
      return drawn && /Engine API/.test(drawn.status) && drawn.inferred > 0 ? drawn : undefined;
    }, { timeoutMs: 60_000, intervalMs: 300 });
    assert.match(before.status, /inferred from the Engine API/);
    // The offer is in the panel's title bar (the eye), and in the palette.
    const offer = page.locator('.editor-actions .action-label[aria-label^="Observe Through a Helper Container"]').first();
    await offer.waitFor({ state: 'visible', timeout: 15_000 });
    await screenshot(page, 'observe-e2e-api-level');
    await offer.click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 20_000 });
    const text = await dialog.innerText();
    assert.match(text, new RegExp(`Observe the engine .*${node!.socketPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.* through a helper container\\?`));
    for (const part of ['docker run', '--pid=host', '--network=host', '--cap-drop ALL --cap-add SYS_ADMIN --cap-add SYS_PTRACE', '--label io.github.dne.helper=observe', TEST_IMAGE]) {
      assert.ok(text.includes(part), `the modal does not show ${part}: ${text}`);
    }
    assert.deepStrictEqual(await dialog.locator('.monaco-button').allInnerTexts().then((labels) => labels.map((label) => label.trim()).filter(Boolean).sort()), ['Allow once', 'Always for this engine', 'Cancel', 'Never'].sort());
    // Nothing ran while the question is open.
    assert.equal(nodeDocker(node!, ['ps', '-aq', '--filter', 'label=io.github.dne.helper']), '');
    await screenshot(page, 'observe-e2e-consent');
    await dialog.locator('.monaco-button', { hasText: /^Allow once$/ }).first().click();

    const after = await waitFor('the drawing observed by the helper', async () => {
      const drawn = await readDrawn(page);
      return drawn && /helper container/.test(drawn.status) ? drawn : undefined;
    }, { timeoutMs: 60_000, intervalMs: 300 });
    assert.equal(after.inferred, 0, `nodes still drawn dashed: ${after.labels.join(' | ')}`);
    assert.ok(after.labels.some((label) => label.includes(bridge)), `the bridge ${bridge} is not drawn: ${after.labels.join(' | ')}`);
    await page.mouse.move(5, 400);
    await sleep(300);
    await screenshot(page, 'observe-e2e-helper-level');
    // While the panel is shown, one helper is kept for its live redraws (each read one exec in it).
    const helpers = () => nodeDocker(node!, ['ps', '-aq', '--filter', 'label=io.github.dne.helper']).split('\n').filter(Boolean);
    assert.equal(helpers().length, 1, 'one kept helper while the panel reads the engine');
    // A container started on the engine is drawn from the same kept helper's next read.
    nodeDocker(node!, ['run', '-d', '--name', `${BOX}-2`, '--label', 'dne.test.observe', '--network', NET, TEST_IMAGE, 'sleep', '600']);
    const grown = await waitFor('the new container drawn, observed', async () => {
      const drawn = await readDrawn(page);
      return drawn && drawn.labels.some((label) => label.includes(`${BOX}-2`)) && drawn.inferred === 0 ? drawn : undefined;
    }, { timeoutMs: 60_000, intervalMs: 300 });
    assert.match(grown.status, /helper container/);
    assert.equal(helpers().length, 1, 'still one kept helper after a live redraw');
    // The helper is the extension's plumbing: in `docker ps` and the log, not among the user's containers.
    const containers = await readTree(page, 'Containers');
    assert.ok(containers.some((row) => row.label === `${BOX}-2`), JSON.stringify(containers.map((row) => row.label)));
    assert.ok(!containers.some((row) => row.label.startsWith('dne-helper-')), JSON.stringify(containers.map((row) => row.label)));
    // Once allowed, this session observes: the command does not ask again while it does.
    await runCommandFromPalette(page, 'Docker Networks: Observe Through a Helper Container…');
    await sleep(1500);
    assert.equal(await page.locator('.monaco-dialog-box').isVisible().catch(() => false), false, 'asked again in the same session');
    // The panel hidden (closed), no read comes: the kept helper goes after its idle time (30 s).
    await runCommandFromPalette(page, 'View: Close All Editors');
    await waitFor('the kept helper removed once the panel no longer reads', async () => (helpers().length === 0 ? true : undefined), { timeoutMs: 75_000, intervalMs: 1000 });
  });
});
