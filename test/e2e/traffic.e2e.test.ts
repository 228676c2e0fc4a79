/**
 * Tier 4, the topology panel's Traffic toggle as a user sees it: the packaged VSIX in code-server,
 * Chromium pressing the toolbar's Traffic button, the real engine and host behind it.
 *
 * A network the test makes holds two busy containers (a busybox `nc` stream from one to the other)
 * and an idle third. With Traffic on, the busy containers' host-side veths (named as the kernel
 * names them: /sys/class/net, by each container's eth0 iflink) show a non-zero rate on the diagram,
 * the idle one's shows none, and its links are drawn dimmed; the busy links are active, one of them
 * the busiest. The legend names the counters' source. With Traffic off again, the overlay goes away
 * and no further sample reaches the page (the host samples only while the toggle is on).
 *
 * Everything carries dne.test=1 and dne.test.trafficui=1 (only the second is cleaned, before and
 * after). Traffic only between the test's own containers. Screenshot: test-output/traffic-on.png.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { runCommandFromPalette, screenshot, topologyWebview } from '../harness/browser';
import { CodeServer } from '../harness/codeServer';
import { closeExtensionWorkbench, ensureDocker, openExtensionWorkbench } from '../harness/workbench';
import { docker, removeLabelled, TEST_IMAGE } from '../support/dockerCli';
import { sleep, waitFor } from '../support/waitFor';

const OWN_LABEL = 'dne.test.trafficui=1';
const labelArgs = ['--label', 'dne.test=1', '--label', OWN_LABEL];
const NET = 'dne-trui-net';
const SERVER = 'dne-trui-server';
const CLIENT = 'dne-trui-client';
const IDLE = 'dne-trui-idle';

/** The few DOM members read inside the webview (the test tsconfig has no DOM lib). */
interface El {
  textContent: string | null;
  id: string;
  dataset: Record<string, string | undefined>;
  getAttribute(name: string): string | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): El[];
}

/** One drawn node as the page shows it with the overlay: its label, rate text and the activity of its links. */
interface NodeSeen {
  label: string;
  rate: string;
  links: string[];
  /** The opacity the page paints those links with. */
  opacity: string[];
}

interface TrafficSeen {
  traffic: string;
  sample: number;
  legend: string;
  legendHidden: boolean;
  pressed: string | null;
  rateTexts: number;
  activities: string[];
  nodes: Record<string, NodeSeen>;
  /** Every drawn node's label (for the failure message). */
  labels: string[];
}

/** The host-side veth of a container's eth0, as the kernel names it (its eth0's iflink is the veth's ifindex). */
function hostVeth(container: string): string {
  const pid = docker(['inspect', '--format', '{{.State.Pid}}', container]);
  const iflink = fs.readFileSync(`/proc/${pid}/root/sys/class/net/eth0/iflink`, 'utf8').trim();
  const name = fs.readdirSync('/sys/class/net').find((entry) => {
    try {
      return fs.readFileSync(`/sys/class/net/${entry}/ifindex`, 'utf8').trim() === iflink;
    } catch {
      return false;
    }
  });
  assert.ok(name, `no host interface has ifindex ${iflink} (${container}'s eth0 peer)`);
  return name;
}

/** What the page shows of the overlay, for the nodes whose first label line starts with one of `names`. */
async function trafficSeen(page: Page, names: string[]): Promise<TrafficSeen | undefined> {
  const body = topologyWebview(page).locator('body');
  if (!(await body.count().catch(() => 0))) return undefined;
  return body.evaluate((element: unknown, wanted: string[]) => {
    const root = element as El;
    const diagram = root.querySelector('#diagram');
    const legend = root.querySelector('#trafficLegend');
    const nodeId = (node: El) => node.getAttribute('data-id') ?? (/-flowchart-(.+)-\d+$/.exec(node.id)?.[1] ?? node.id);
    const paths = Array.from(diagram?.querySelectorAll('path[data-edge="true"]') ?? []);
    const nodes: Record<string, NodeSeen> = {};
    const labels: string[] = [];
    for (const node of diagram?.querySelectorAll('g.node') ?? []) {
      const label = node.querySelector('.nodeLabel')?.textContent ?? node.querySelector('.label')?.textContent ?? '';
      labels.push(label);
      const name = wanted.find((candidate) => label.startsWith(`${candidate}@`));
      if (!name) continue;
      const id = nodeId(node);
      const touching = paths.filter((path) => {
        const edge = path.getAttribute('data-id') ?? '';
        return edge.startsWith(`L_${id}_`) || new RegExp(`_${id}_\\d+$`).test(edge);
      });
      const view = (globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } });
      nodes[name] = {
        label,
        rate: node.querySelector('.traffic-rate')?.textContent ?? '',
        links: touching.map((path) => path.getAttribute('data-traffic') ?? ''),
        opacity: touching.map((path) => view.getComputedStyle(path).opacity),
      };
    }
    return {
      traffic: diagram?.dataset.traffic ?? '',
      sample: Number(diagram?.dataset.trafficSample ?? '-1'),
      legend: legend?.textContent ?? '',
      legendHidden: legend?.getAttribute('hidden') !== null,
      pressed: root.querySelector('vscode-button[data-action="traffic"]')?.getAttribute('aria-pressed') ?? null,
      rateTexts: diagram?.querySelectorAll('.traffic-rate').length ?? 0,
      activities: paths.map((path) => path.getAttribute('data-traffic') ?? ''),
      nodes,
      labels,
    };
  }, names).catch(() => undefined);
}

describe('Traffic overlay on the topology (e2e: VSIX in code-server + Chromium + real engine)', { timeout: 600_000 }, () => {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let veths: { server: string; client: string; idle: string };

  before(async () => {
    ensureDocker();
    removeLabelled(OWN_LABEL);
    assert.strictEqual(docker(['network', 'ls', '-q', '--filter', `name=^${NET}$`]), '', `a network "${NET}" not made by this test exists`);
    docker(['network', 'create', ...labelArgs, NET]);
    docker(['run', '-d', '--name', SERVER, ...labelArgs, '--network', NET, TEST_IMAGE, 'sh', '-c', 'while true; do nc -l -p 5001 > /dev/null; done']);
    docker(['run', '-d', '--name', IDLE, ...labelArgs, '--network', NET, TEST_IMAGE, 'sleep', '100000']);
    // A steady stream (about 100 kB at a time), light enough for a shared two-core machine.
    docker(['run', '-d', '--name', CLIENT, ...labelArgs, '--network', NET, TEST_IMAGE, 'sh', '-c',
      `while true; do busybox dd if=/dev/zero bs=1k count=100 2>/dev/null | nc ${SERVER} 5001; busybox usleep 100000; done`]);
    veths = { server: hostVeth(SERVER), client: hostVeth(CLIENT), idle: hostVeth(IDLE) };
    ({ server, browser, page } = await openExtensionWorkbench('docker-network-explorer-traffic-e2e', { width: 1500, height: 950, views: ['Networks'] }));
  });

  after(async () => {
    await closeExtensionWorkbench({ server, browser, page }, 'traffic-final', 60);
    removeLabelled(OWN_LABEL);
  });

  it('shows a rate on the busy link and none on the idle one, dimmed, when Traffic is pressed', async () => {
    const p = page!;
    await runCommandFromPalette(p, 'Docker Networks: Show Topology');
    const row = p.locator('.quick-input-widget .monaco-list-row', { hasText: NET }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
    const names = [veths.server, veths.client, veths.idle];
    let drawn: TrafficSeen | undefined;
    await waitFor(`the three veths drawn (${names.join(', ')})`, async () => {
      drawn = await trafficSeen(p, names);
      return drawn && names.every((name) => drawn?.nodes[name]) ? drawn : undefined;
    }, { timeoutMs: 60_000, intervalMs: 200, lastSeen: () => JSON.stringify(drawn?.labels) });
    const button = topologyWebview(p).locator('vscode-button[data-action="traffic"]');
    assert.strictEqual(await button.getAttribute('aria-pressed'), 'false');
    assert.match((await button.textContent()) ?? '', /Traffic/);
    await button.click();
    let last: TrafficSeen | undefined;
    const seen = await waitFor('a sample with the busy veths moving and the idle one quiet', async () => {
      last = await trafficSeen(p, names);
      if (!last || last.traffic !== 'on' || last.sample < 2) return undefined;
      const { nodes } = last;
      const busy = [nodes[veths.server], nodes[veths.client]];
      const idle = nodes[veths.idle];
      const ok = busy.every((node) => /[1-9]/.test(node?.rate ?? '') && node.links.some((a) => a === 'active' || a === 'busiest')) &&
        idle && idle.rate === '' && idle.links.length > 0 && idle.links.every((a) => a === 'idle');
      return ok ? last : undefined;
    }, { timeoutMs: 30_000, intervalMs: 250, lastSeen: () => JSON.stringify(last) });
    await screenshot(p, 'traffic-on');
    console.log(`traffic: ${JSON.stringify(seen.nodes)}; legend: ${seen.legend}`);
    assert.strictEqual(seen.pressed, 'true');
    assert.match(seen.nodes[veths.server].rate, /rx [\d.,]+ (B|kB|MB)\/s/);
    assert.ok(seen.activities.includes('busiest'), 'no link is drawn as the busiest');
    // Dimmed as painted, not only marked.
    assert.ok(seen.nodes[veths.idle].opacity.every((value) => Number(value) < 0.5), `idle links' opacity: ${seen.nodes[veths.idle].opacity.join(', ')}`);
    assert.ok(!seen.legendHidden && /\/proc net\/dev \(the host's and the containers' interfaces/.test(seen.legend), `legend: ${seen.legend}`);
  });

  it('takes the overlay away and stops sampling when Traffic is pressed again', async () => {
    const p = page!;
    await topologyWebview(p).locator('vscode-button[data-action="traffic"]').click();
    const off = await waitFor('the overlay gone', async () => {
      const seen = await trafficSeen(p, []);
      return seen && seen.traffic === 'off' && seen.pressed === 'false' && seen.rateTexts === 0 && seen.activities.every((a) => a === '') && seen.legendHidden ? seen : undefined;
    }, { timeoutMs: 10_000, intervalMs: 100 });
    // The host posts each sample; none comes while the toggle is off (the stream still runs).
    await sleep(3_500);
    const later = await trafficSeen(p, []);
    assert.strictEqual(later?.sample, off.sample, 'samples reached the page after Traffic was turned off');
    assert.strictEqual(later?.rateTexts, 0);
  });
});
