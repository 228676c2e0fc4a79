/**
 * Tier 4, the overview in the windows people have: the packaged VSIX in code-server, Chromium at
 * the workbench's default size (1400 x 900) with the side bar open, the real engine.
 *
 * With 30 and then 100 bridge networks on the engine (besides whatever it holds), Show Topology for
 * the whole host draws the overview, laid out for the panel's real size:
 *  - every network label is drawn at 10 px or more on screen (the computed font size times the
 *    transforms the browser applies, measured on each label element);
 *  - the status line says what is drawn and why (one box per network, more than 12 networks, the
 *    count `docker network ls` gives) and that a click opens a network's plumbing;
 *  - when the drawing, at that size, is larger than the panel, the toolbar says to pan (and not
 *    otherwise);
 *  - split (an editor moved into a group to the right: the panel about half as wide), the overview
 *    is laid out again for the narrower panel (taller than wide, not the wide one shrunk: the log
 *    names the new size) and its labels stay at 10 px or more.
 * Everything carries dne.test.readable=1 and is removed afterwards.
 * Screenshots: test-output/overview-readable-{30,100}-{alone,split}.png.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { runCommandFromPalette, screenshot, topologyWebview, waitForQuickInput, waitForRow } from '../harness/browser';
import { extensionLogFiles } from '../harness/codeServer';
import { closeExtensionWorkbench, ensureDocker, ExtensionWorkbench, openExtensionWorkbench } from '../harness/workbench';
import { createNetwork, docker, removeLabelled, runContainer } from '../support/dockerCli';
import { waitFor } from '../support/waitFor';

const LABEL = 'dne.test.readable';
/** The smallest label size on screen the issue accepts (px). */
const READABLE_PX = 10;
const net = (n: number) => `dne-rd-n${n}`;

interface Measure {
  /** The smallest label size on screen (px) over every network box. */
  minLabelPx: number;
  labels: number;
  viewport: { width: number; height: number };
  /** The drawing's size at scale 1 (px). */
  drawing: { width: number; height: number };
  panHintShown: boolean;
  status: string;
  revision: string;
  /** The viewport size the overview drawn was laid out for (`WxH`). */
  laidOutFor: string;
}

/** Whether the overview drawn was laid out for the viewport it is shown in. */
const laidOutForViewport = (shown: Measure) => shown.laidOutFor === `${Math.round(shown.viewport.width)}x${Math.round(shown.viewport.height)}`;

/**
 * Measures the overview as drawn, in the page (plain JavaScript: the test's TypeScript has no DOM
 * types): each network label's font size times what the browser scales it by (its bounding box's
 * height, after every transform, over its offsetHeight, before any).
 */
const MEASURE = `(() => {
  let min = Infinity, labels = 0;
  for (const node of document.querySelectorAll('#diagram g.node.network')) {
    const label = node.querySelector('.nodeLabel');
    if (!label || label.offsetHeight === 0) continue;
    const scaled = label.getBoundingClientRect().height / label.offsetHeight;
    min = Math.min(min, parseFloat(getComputedStyle(label).fontSize) * scaled);
    labels++;
  }
  const viewport = document.getElementById('viewport').getBoundingClientRect();
  const svg = document.querySelector('#diagram svg');
  const stageScale = new DOMMatrix(getComputedStyle(document.getElementById('stage')).transform).a;
  const box = svg.getBoundingClientRect();
  const hint = document.getElementById('panHint');
  return {
    minLabelPx: min, labels,
    viewport: { width: viewport.width, height: viewport.height },
    drawing: { width: box.width / stageScale, height: box.height / stageScale },
    panHintShown: !!hint && !hint.hidden && hint.getBoundingClientRect().width > 0,
    status: document.getElementById('status')?.textContent ?? '',
    revision: document.getElementById('diagram')?.dataset.revision ?? '',
    laidOutFor: document.getElementById('diagram')?.dataset.laidOutFor ?? '',
  };
})()`;

async function measure(page: Page): Promise<Measure> {
  return (await topologyWebview(page).locator('body').evaluate(`(() => ${MEASURE})()`)) as Measure;
}

/** The networks the overview draws a box for, as the engine lists them (not host, not none). */
function engineNetworkCount(): number {
  return docker(['network', 'ls', '--format', '{{.Driver}}']).split('\n').filter((driver) => driver && driver !== 'host' && driver !== 'null').length;
}

function logText(workbench: ExtensionWorkbench): string {
  const file = extensionLogFiles(workbench.server.userDataDir)[0];
  return file ? fs.readFileSync(file, 'utf8') : '';
}

/** Waits until the overview shows every one of the first `count` test networks, laid out for the panel it is in. */
async function waitForOverview(page: Page, count: number, what: string): Promise<Measure> {
  let last: Measure | undefined;
  return waitFor(`the overview with ${count} test networks laid out for the panel (${what})`, async () => {
    const text = (await topologyWebview(page).locator('#diagram svg').first().textContent({ timeout: 2000 }).catch(() => '')) ?? '';
    if (!text.includes('bridge networks') || !text.includes(net(count - 1))) return undefined;
    last = await measure(page).catch(() => undefined);
    return last && last.labels > 0 && laidOutForViewport(last) ? last : undefined;
  }, { timeoutMs: 90_000, intervalMs: 300, lastSeen: async () => JSON.stringify(last) });
}

/** Checks the overview as the user sees it now. */
function checkReadable(shown: Measure, what: string): void {
  assert.ok(shown.minLabelPx >= READABLE_PX, `${what}: the smallest network label is ${shown.minLabelPx.toFixed(1)} px on screen (at least ${READABLE_PX})`);
  const fitsWhole = shown.drawing.width * (shown.minLabelPx / 16) <= shown.viewport.width && shown.drawing.height * (shown.minLabelPx / 16) <= shown.viewport.height;
  assert.equal(shown.panHintShown, !fitsWhole, `${what}: the toolbar says to pan exactly when the drawing is larger than the panel (${JSON.stringify(shown)})`);
}

describe('the overview stays readable in real windows (e2e: VSIX in code-server + Chromium + real engine)', { timeout: 900_000 }, () => {
  let workbench: ExtensionWorkbench | undefined;
  let created = 0;
  const figures: string[] = [];

  before(() => {
    ensureDocker();
    removeLabelled(LABEL);
  });

  after(async () => {
    if (figures.length > 0) console.log(`overview label sizes measured:\n  ${figures.join('\n  ')}`);
    if (workbench) console.log(logText(workbench).split('\n').filter((line) => /topology: (probe|redrawn)/.test(line)).join('\n'));
    await closeExtensionWorkbench(workbench);
    removeLabelled(LABEL);
  });

  for (const count of [30, 100]) {
    it(`${count} networks: readable alone and split, the status line says it is the overview and why`, async () => {
      for (; created < count; created++) createNetwork(net(created), ['--subnet', `10.214.${created}.0/24`], LABEL);
      // A few containers, so that boxes list some (two of them on two networks).
      if (count === 30) {
        for (let c = 0; c < 4; c++) runContainer(`dne-rd-c${c}`, ['--network', net(c)], LABEL);
        docker(['network', 'connect', net(5), 'dne-rd-c0']);
        docker(['network', 'connect', net(6), 'dne-rd-c1']);
      }
      workbench ??= await openExtensionWorkbench('docker-network-explorer-overview-readable-e2e', { views: ['Networks'] });
      const page = workbench.page;
      // The extension is up and has the engine's networks.
      await waitForRow(page, 'Networks', [net(0)], 60_000);
      await runCommandFromPalette(page, 'Docker Networks: Show Topology');
      await waitForQuickInput(page, /Whole host/);
      await page.keyboard.press('Enter');

      const alone = await waitForOverview(page, count, 'alone');
      await screenshot(page, `overview-readable-${count}-alone`);
      const networks = engineNetworkCount();
      assert.match(alone.status, new RegExp(`^Overview: one box per network, because the host has more than 12 networks \\(${networks}\\)\\. Click a box to open that network's plumbing`), alone.status);
      assert.ok(!/veth pairs and every namespace/.test(alone.status), 'the probe level\'s sentence is not said over the overview');
      checkReadable(alone, `${count} networks, side bar open`);
      figures.push(`${count} networks, side bar open, panel ${alone.viewport.width.toFixed(0)} x ${alone.viewport.height.toFixed(0)}: ${alone.minLabelPx.toFixed(1)} px`);

      // Split: a new editor moved into a group to the right leaves the panel about half as wide.
      await runCommandFromPalette(page, 'File: New Untitled Text File');
      await runCommandFromPalette(page, 'View: Move Editor into Right Group');
      const split = await waitForOverview(page, count, 'split');
      assert.ok(split.viewport.width < alone.viewport.width * 0.7, `split, the panel is narrower: ${split.viewport.width} after ${alone.viewport.width}`);
      await screenshot(page, `overview-readable-${count}-split`);
      checkReadable(split, `${count} networks, split`);
      figures.push(`${count} networks, split, panel ${split.viewport.width.toFixed(0)} x ${split.viewport.height.toFixed(0)}: ${split.minLabelPx.toFixed(1)} px`);
      // Laid out again for the narrow panel, not the wide layout shrunk: narrower in proportion.
      assert.ok(split.drawing.width / split.drawing.height < alone.drawing.width / alone.drawing.height,
        `the split overview is narrower in proportion (${JSON.stringify(split.drawing)} after ${JSON.stringify(alone.drawing)})`);
      const width = Math.round(split.viewport.width);
      assert.ok(new RegExp(`laid out for a (${width - 1}|${width}|${width + 1}) x \\d+ px panel`).test(logText(workbench)), `the log says the overview was laid out for the ${width} px panel`);

      // Back to one group: the empty untitled editor (the active one) closed, its group goes with it.
      await runCommandFromPalette(page, 'View: Close Editor');
      const restored = await waitForOverview(page, count, 'the split closed');
      assert.ok(Math.abs(restored.viewport.width - alone.viewport.width) < 8, `the panel is as wide as before the split: ${restored.viewport.width} (${alone.viewport.width})`);
    });
  }
});
