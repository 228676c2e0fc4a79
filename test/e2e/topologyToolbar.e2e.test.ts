/**
 * Tier 4, the topology panel's toolbar used as a user uses it: the packaged VSIX in code-server,
 * Chromium clicking the webview-ui-toolkit controls, the real engine and host behind them.
 *
 *  1. Opening the panel loads at most 1.5 MiB of JavaScript (the script resources the webview's
 *     document fetched, summed from the installed files), and the VSIX is at most 1.5 MB.
 *  2. The scope dropdown: "Network: dne-tb-back" draws that network's container and not the other
 *     network's; "Whole host" brings both back.
 *  3. The MACs checkbox: the containers' MAC addresses (as `docker inspect` says) appear in the SVG.
 *  4. Refresh: a veth made by hand on the front network's bridge (no Docker event announces it)
 *     is drawn after the click.
 *  5. Copy Mermaid source: the clipboard holds the diagram's source (MACs included).
 *  6. Save as Markdown and Export SVG: VS Code's save dialog, Enter, the files in the workspace.
 *  7. Reset view: after a wheel zoom that takes the drawing beyond the panel, it fits again.
 *
 * Everything carries dne.test=1 and dne.test.toolbar=1 (only the second is cleaned, before and
 * after); the hand-made veth pair is deleted too. Screenshot: test-output/topology-toolbar.png.
 */
import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { dismissNotifications, runCommandFromPalette, screenshot, topologyWebview } from '../harness/browser';
import { CodeServer } from '../harness/codeServer';
import { closeExtensionWorkbench, ensureDocker, openExtensionWorkbench } from '../harness/workbench';
import { docker, removeLabelled, TEST_IMAGE } from '../support/dockerCli';
import { waitFor } from '../support/waitFor';

const OWN_LABEL = 'dne.test.toolbar=1';
const labelArgs = ['--label', 'dne.test=1', '--label', OWN_LABEL];
const FRONT = 'dne-tb-front';
const BACK = 'dne-tb-back';
const WEB = 'dne-tb-web';
const DB = 'dne-tb-db';
/** A veth pair made by hand (not by Docker), one end on the front bridge. */
const HAND_VETH = ['dnetbhand0', 'dnetbhand1'];
const JS_LIMIT_BYTES = 1.5 * 1024 * 1024;
const VSIX_LIMIT_BYTES = 1.5e6;
const CSP_RE = /Content Security Policy|Refused to/i;

function ip(args: string[], allowFailure = false): void {
  try {
    execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    if (!allowFailure) throw error;
  }
}

function cleanup(): void {
  ip(['link', 'del', HAND_VETH[0]], true);
  removeLabelled(OWN_LABEL);
}

/** The few DOM members read inside the webview (the test tsconfig has no DOM lib). */
interface El {
  textContent: string | null;
  style: { transform: string };
  dataset: Record<string, string | undefined>;
  querySelector(selector: string): El | null;
  getBoundingClientRect(): { x: number; y: number; width: number; height: number };
}

interface Shown {
  revision: number;
  text: string;
  status: string;
  transform: string;
  /** The drawing lies wholly inside the panel's viewport (1 px tolerance). */
  fits: boolean;
}

/** What the panel shows: the diagram's revision and text (every label), the status line, the view. */
async function shown(page: Page): Promise<Shown | undefined> {
  const body = topologyWebview(page).locator('body');
  if (!(await body.count().catch(() => 0))) return undefined;
  return body.evaluate((element: unknown) => {
    const root = element as El;
    const diagram = root.querySelector('#diagram');
    const svg = diagram?.querySelector('svg')?.getBoundingClientRect();
    const viewport = root.querySelector('#viewport')?.getBoundingClientRect();
    const fits = Boolean(svg && viewport && svg.width > 0 && svg.x >= viewport.x - 1 && svg.y >= viewport.y - 1 &&
      svg.x + svg.width <= viewport.x + viewport.width + 1 && svg.y + svg.height <= viewport.y + viewport.height + 1);
    return {
      fits,
      revision: Number(diagram?.dataset.revision ?? '-1'),
      text: diagram?.querySelector('svg')?.textContent ?? '',
      status: root.querySelector('#status')?.textContent ?? '',
      transform: root.querySelector('#stage')?.style.transform ?? '',
    };
  }).catch(() => undefined);
}

/** Polls what the panel shows until `check` holds; fails with what it showed last. */
async function waitForPanel(page: Page, what: string, check: (s: Shown) => boolean, timeoutMs = 20_000): Promise<Shown> {
  let last: Shown | undefined;
  return waitFor(what, async () => {
    last = await shown(page);
    return last && last.revision >= 0 && check(last) ? last : undefined;
  }, { timeoutMs, intervalMs: 100, lastSeen: () => `the panel shows: ${JSON.stringify(last && { ...last, text: last.text.slice(0, 1500) })}` });
}

/** The MAC address a container has on a network, as the engine says. */
function macOn(container: string, network: string): string {
  const mac = docker(['inspect', '--format', `{{(index .NetworkSettings.Networks "${network}").MacAddress}}`, container]);
  assert.match(mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  return mac;
}

function toolbarButton(page: Page, action: string) {
  return topologyWebview(page).locator(`vscode-button[data-action="${action}"]`);
}

/** Answers VS Code's save dialog (the simple dialog of the browser workbench) with its proposed path. */
async function acceptSaveDialog(page: Page, fileName: string): Promise<string> {
  const input = page.locator('.quick-input-widget .quick-input-box input').first();
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  // The dialog shows the folder first, then the proposed file name.
  let value = '';
  const proposed = await waitFor(`the save dialog to propose ${fileName}`, async () => {
    value = await input.inputValue();
    return value.endsWith(`/${fileName}`) ? value : undefined;
  }, { timeoutMs: 10_000, intervalMs: 100, lastSeen: () => `it shows ${value}` });
  await input.press('Enter');
  return proposed;
}

describe('topology toolbar (e2e: VSIX in code-server + Chromium + real engine)', { timeout: 600_000 }, () => {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let vsix = '';
  let frontBridge = '';
  const consoleMessages: string[] = [];

  before(async () => {
    ensureDocker();
    cleanup();
    for (const network of [FRONT, BACK]) {
      assert.strictEqual(docker(['network', 'ls', '-q', '--filter', `name=^${network}$`]), '', `a network "${network}" not made by this test exists`);
      docker(['network', 'create', ...labelArgs, network]);
    }
    docker(['run', '-d', '--name', WEB, ...labelArgs, '--network', FRONT, TEST_IMAGE, 'sleep', '100000']);
    docker(['run', '-d', '--name', DB, ...labelArgs, '--network', BACK, TEST_IMAGE, 'sleep', '100000']);
    frontBridge = `br-${docker(['network', 'inspect', '--format', '{{.Id}}', FRONT]).slice(0, 12)}`;

    ({ vsix, server, browser, page } = await openExtensionWorkbench('docker-network-explorer-toolbar-e2e', {
      width: 1400,
      height: 860,
      views: ['Networks'],
      permissions: ['clipboard-read', 'clipboard-write'],
      onPage: (opened) => {
        opened.on('console', (m: ConsoleMessage) => consoleMessages.push(m.text()));
        opened.on('pageerror', (e) => consoleMessages.push(`pageerror: ${String(e)}`));
      },
    }));
  });

  after(async () => {
    await closeExtensionWorkbench({ server, browser, page }, 'topology-toolbar-final', 60);
    cleanup();
  });

  it('opens with at most 1.5 MiB of JavaScript, from a VSIX of at most 1.5 MB', async () => {
    const p = page!;
    await runCommandFromPalette(p, 'Docker Networks: Show Topology');
    const whole = p.locator('.quick-input-widget .monaco-list-row', { hasText: 'Whole host' }).first();
    await whole.waitFor({ state: 'visible', timeout: 10_000 });
    await whole.click();
    await waitForPanel(p, `${WEB} and ${DB} drawn`, (s) => s.text.includes(WEB) && s.text.includes(DB), 60_000);
    // The script resources the webview's own document fetched (VS Code's webview host is not ours).
    const scripts = await topologyWebview(p).locator('body').evaluate(() => {
      const perf = (globalThis as unknown as { performance: { getEntriesByType(type: string): { name: string; decodedBodySize: number }[] } }).performance;
      return perf.getEntriesByType('resource').filter((entry) => /\/dist\/webview\/.+\.js(\?|$)/.test(entry.name)).map((entry) => ({ name: entry.name, decodedBodySize: entry.decodedBodySize }));
    });
    const installed = fs.readdirSync(server!.extensionsDir).find((name) => name.startsWith('docker-network-explorer.docker-network-explorer-'));
    assert.ok(installed, `the extension is not installed in ${server!.extensionsDir}`);
    const files = scripts.map((entry) => {
      const relative = decodeURIComponent(new URL(entry.name).pathname).replace(/^.*\/dist\/webview\//, '');
      return { relative, bytes: fs.statSync(path.join(server!.extensionsDir, installed, 'dist', 'webview', relative)).size };
    });
    const total = files.reduce((sum, file) => sum + file.bytes, 0);
    const vsixBytes = fs.statSync(vsix).size;
    console.log(`JavaScript loaded when the panel opened: ${(total / 1024 / 1024).toFixed(2)} MiB in ${files.length} files (${files.map((f) => `${f.relative} ${Math.round(f.bytes / 1024)} KiB`).join(', ')}); ` +
      `decoded bodies ${(scripts.reduce((sum, entry) => sum + entry.decodedBodySize, 0) / 1024 / 1024).toFixed(2)} MiB; VSIX ${(vsixBytes / 1e6).toFixed(2)} MB`);
    assert.ok(files.some((file) => file.relative === 'topology.js'), `the panel's script is not among the loaded ones: ${JSON.stringify(files)}`);
    assert.ok(files.some((file) => file.relative.startsWith('chunks/flowDiagram-')), `the flowchart chunk was not loaded: ${JSON.stringify(files)}`);
    assert.ok(total <= JS_LIMIT_BYTES, `the panel loaded ${total} bytes of JavaScript (limit ${JS_LIMIT_BYTES})`);
    assert.ok(vsixBytes <= VSIX_LIMIT_BYTES, `the VSIX is ${vsixBytes} bytes (limit ${VSIX_LIMIT_BYTES})`);
    assert.deepStrictEqual(consoleMessages.filter((m) => CSP_RE.test(m)), [], 'CSP violations while the chunks loaded');
  });

  it('draws one network when it is chosen in the scope dropdown, and the whole host again', async () => {
    const p = page!;
    const dropdown = topologyWebview(p).locator('vscode-dropdown#scope');
    const t0 = Date.now();
    await dropdown.click();
    await topologyWebview(p).locator('vscode-option', { hasText: `Network: ${BACK}` }).click();
    const t1 = Date.now();
    await waitForPanel(p, `only ${BACK} drawn`, (s) => s.text.includes(DB) && !s.text.includes(WEB));
    const t2 = Date.now();
    assert.match((await dropdown.textContent()) ?? '', new RegExp(`Network: ${BACK}`));
    await dropdown.click();
    await topologyWebview(p).locator('vscode-option', { hasText: 'Whole host' }).click();
    const t3 = Date.now();
    await waitForPanel(p, 'the whole host drawn', (s) => s.text.includes(DB) && s.text.includes(WEB));
    console.log(`scope: chosen in ${t1 - t0} ms, drawn ${t2 - t1} ms later; whole host chosen in ${Date.now() - t2} ms, drawn ${Date.now() - t3} ms later`);
  });

  it('shows the MAC addresses when the MACs box is ticked', async () => {
    const p = page!;
    const macs = [macOn(WEB, FRONT), macOn(DB, BACK)];
    const before = (await shown(p))!;
    assert.ok(macs.every((mac) => !before.text.includes(mac)), 'MAC addresses are drawn before the box is ticked');
    const box = topologyWebview(p).locator('vscode-checkbox[data-toggle="showMACs"]');
    assert.strictEqual(await box.getAttribute('aria-checked'), 'false');
    await box.click();
    await waitForPanel(p, `the MAC addresses ${macs.join(', ')}`, (s) => macs.every((mac) => s.text.includes(mac)));
    assert.strictEqual(await box.getAttribute('aria-checked'), 'true');
  });

  it('draws a veth made by hand on a bridge after Refresh', async () => {
    const p = page!;
    ip(['link', 'add', HAND_VETH[0], 'type', 'veth', 'peer', 'name', HAND_VETH[1]]);
    ip(['link', 'set', HAND_VETH[0], 'master', frontBridge]);
    const before = (await shown(p))!;
    await toolbarButton(p, 'refresh').click();
    const after = await waitForPanel(p, `${HAND_VETH[0]} on ${frontBridge}`, (s) => s.revision > before.revision && s.text.includes(HAND_VETH[0]));
    assert.ok(after.text.includes('not managed by Docker'), 'the hand-made veth is not marked as not managed by Docker');
  });

  it('copies the Mermaid source to the clipboard', async () => {
    const p = page!;
    await p.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { writeText(text: string): Promise<void> } } }).navigator.clipboard.writeText('before'));
    await toolbarButton(p, 'copySource').click();
    await p.locator('.notification-toast', { hasText: 'Mermaid source copied to the clipboard.' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    const copied = await p.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    assert.match(copied, /^flowchart LR\n/, `clipboard: ${copied.slice(0, 200)}`);
    for (const expected of [WEB, DB, frontBridge, HAND_VETH[0], macOn(WEB, FRONT)]) {
      assert.ok(copied.includes(expected), `the copied source lacks ${expected}`);
    }
    await dismissNotifications(p);
  });

  it('saves the diagram as Markdown and as SVG into the workspace', async () => {
    const p = page!;
    const workspace = server!.workspace;
    for (const [action, fileName] of [['saveMarkdown', 'docker-topology.md'], ['exportSvg', 'docker-topology.svg']] as const) {
      fs.rmSync(path.join(workspace, fileName), { force: true });
      await toolbarButton(p, action).click();
      await acceptSaveDialog(p, fileName);
      const file = path.join(workspace, fileName);
      await waitFor(`${fileName} in the workspace`, () => (fs.existsSync(file) && fs.statSync(file).size > 0 ? true : undefined), { timeoutMs: 10_000, intervalMs: 100 });
    }
    const markdown = fs.readFileSync(path.join(workspace, 'docker-topology.md'), 'utf8');
    // The title, the probe level it was made at, then the diagram.
    assert.match(markdown, /^# Docker Network Topology\n\nProbe level: (netns|sysfs|api) \([^)]*\)\. [^\n]+\n\n```mermaid\nflowchart LR\n%% probe level: /);
    assert.ok(markdown.includes(WEB) && markdown.includes(macOn(WEB, FRONT)), 'the Markdown lacks the diagram');
    const svg = fs.readFileSync(path.join(workspace, 'docker-topology.svg'), 'utf8');
    // A comment that says the probe level, then the SVG itself (with the same sentence in <desc>).
    assert.match(svg, /^<!-- Probe level: (netns|sysfs|api) [^\n]*-->\n<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<desc>Probe level: /);
    assert.ok(svg.includes(DB) && svg.includes(macOn(DB, BACK)), 'the SVG lacks the diagram');
    await dismissNotifications(p);
  });

  it('fits the diagram again with Reset view after a zoom', async () => {
    const p = page!;
    // Fitted while the user has not moved it (other engines' events may redraw it meanwhile).
    await waitForPanel(p, 'the whole drawing inside the panel', (s) => s.fits);
    const viewport = topologyWebview(p).locator('#viewport');
    const box = await viewport.boundingBox();
    assert.ok(box, 'no viewport');
    await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p.mouse.wheel(0, -800);
    const zoomed = await waitForPanel(p, 'a drawing zoomed beyond the panel', (s) => !s.fits, 5_000);
    await toolbarButton(p, 'resetView').click();
    const reset = await waitForPanel(p, 'the whole drawing inside the panel again', (s) => s.fits, 5_000);
    console.log(`view: zoomed ${zoomed.transform}; reset ${reset.transform}`);
    await p.mouse.move(5, 400);
    const file = await screenshot(p, 'topology-toolbar');
    console.log(`screenshot: ${file}`);
  });
});
