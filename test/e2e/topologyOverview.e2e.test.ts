/**
 * Tier 4, the whole-host picture of a host larger than a lab: the packaged VSIX in code-server,
 * Chromium, the real engine. 24 running containers on 6 networks (4 of them also on a second
 * network): Show Topology for the whole host draws the overview by network (each network once,
 * its containers listed in it, multi-homed ones between their networks, no veth end); a click on a
 * network drills down to that network's plumbing (scope and toolbar follow, veth ends drawn).
 * Everything carries dne.test.overview=1 and is removed afterwards.
 */
import * as assert from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  runCommandFromPalette, screenshot,
  topologyWebview, waitForQuickInput,
} from '../harness/browser';
import { createNetwork, docker, removeLabelled, runContainer } from '../support/dockerCli';
import { waitFor } from '../support/waitFor';
import { closeExtensionWorkbench, ensureDocker, ExtensionWorkbench, openExtensionWorkbench } from '../harness/workbench';

const LABEL = 'dne.test.overview';
const NETWORKS = 6;
const CONTAINERS = 24;
const net = (n: number) => `dne-ov-n${n}`;
const box = (c: number) => `dne-ov-c${c}`;

async function diagramText(page: Page): Promise<string> {
  return (await topologyWebview(page).locator('#diagram svg').first().textContent({ timeout: 2000 }).catch(() => '')) ?? '';
}

describe('topology overview (e2e: VSIX in code-server + Chromium + real engine)', { timeout: 600_000 }, () => {
  let workbench: ExtensionWorkbench | undefined;
  let page: Page | undefined;

  before(async () => {
    ensureDocker();
    removeLabelled(LABEL);
    for (let n = 0; n < NETWORKS; n++) createNetwork(net(n), ['--subnet', `10.212.${n}.0/24`], LABEL);
    for (let c = 0; c < CONTAINERS; c++) runContainer(box(c), ['--network', net(c % NETWORKS)], LABEL);
    for (let c = 0; c < 4; c++) docker(['network', 'connect', net((c + 1) % NETWORKS), box(c)]);
    workbench = await openExtensionWorkbench('docker-network-explorer-overview-e2e', { width: 1400, height: 900, views: ['Networks'] });
    page = workbench.page;
  });

  after(async () => {
    await closeExtensionWorkbench(workbench);
    removeLabelled(LABEL);
  });

  it('draws the whole host as an overview by network: every network and container once, no veth ends', async () => {
    const p = page!;
    await runCommandFromPalette(p, 'Docker Networks: Show Topology');
    await waitForQuickInput(p, /Whole host/);
    await p.keyboard.press('Enter');
    const text = await waitFor('the overview', async () => {
      const shown = await diagramText(p);
      return shown.includes('bridge networks') && shown.includes(box(CONTAINERS - 1)) ? shown : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    await screenshot(p, 'topology-overview');
    for (let n = 0; n < NETWORKS; n++) assert.ok(text.includes(net(n)), `${net(n)} is drawn`);
    for (let c = 0; c < CONTAINERS; c++) assert.ok(text.includes(box(c)), `${box(c)} is drawn`);
    assert.ok(text.includes('on several networks'), 'the multi-homed containers have their own place');
    assert.ok(!/veth[0-9a-f]{7}/.test(text), 'no veth end in the overview');
  });

  it('a click on a network drills down to its plumbing', async () => {
    const p = page!;
    const target = net(NETWORKS - 1);
    const networkId = docker(['network', 'inspect', '-f', '{{.Id}}', target]);
    const node = topologyWebview(p).locator(`g.node[data-reveal="network:${networkId}"]`).first();
    await node.click();
    const text = await waitFor(`${target}'s plumbing`, async () => {
      const shown = await diagramText(p);
      return /veth[0-9a-f]{7}/.test(shown) && shown.includes(target) ? shown : undefined;
    }, { timeoutMs: 30_000, intervalMs: 250 });
    const scope = await topologyWebview(p).locator('#scope').evaluate((element: unknown) => (element as { value: string }).value);
    assert.strictEqual(scope, `network:${networkId}`);
    assert.ok(!text.includes('bridge networks'), 'no longer the overview');
    await screenshot(p, 'topology-overview-drilldown');
  });
});
