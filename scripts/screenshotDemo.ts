/**
 * Makes the README's first picture, media/screenshot-topology.png, from the real thing: it runs
 * `npm run demo` (scripts/demo.sh: networks devops and prod, AppDev, AppProd with the alias api) on
 * its own port, opens the served VS Code in Chromium, shows the trees and the topology of the whole
 * host, saves the screenshot, then stops the demo and removes it (`scripts/demo.sh --clean`).
 *
 *   npx tsc -p test/tsconfig.json && node out/scripts/screenshotDemo.js
 *
 * PORT chooses the demo's port (default 8095). The engine should hold the demo alone (the whole host
 * is drawn): other networks and containers would be in the picture. Look at the picture before
 * committing it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  dismissNotifications, ensureViewExpanded, expandRow, launchBrowser, openViewContainer, openWorkbench,
  runCommandFromPalette, screenshot, setSidebarWidth, topologyWebview, waitForQuickInput, waitForRow,
} from '../test/harness/browser';
import { REPO_ROOT } from '../test/harness/codeServer';
import { sleep, waitFor } from '../test/support/waitFor';

const PORT = process.env.PORT || '8095';
const MEDIA = path.join(REPO_ROOT, 'media', 'screenshot-topology.png');
/** What the demo makes (scripts/demo.sh), as the diagram and the trees name it. */
const DEMO_NAMES = ['devops', 'prod', 'AppDev', 'AppProd', 'api'];

/** The engine's networks and containers that are neither predefined nor the demo's: they would be in the picture. */
function othersOnEngine(): string[] {
  const list = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean);
  const ours = new Set([...DEMO_NAMES, 'bridge', 'host', 'none', 'docker_gwbridge', 'ingress']);
  return [...list(['network', 'ls', '--format', '{{.Name}}']), ...list(['ps', '-a', '--format', '{{.Names}}'])].filter((name) => !ours.has(name));
}

/** Starts the demo in its own process group; resolves with the URL it prints once it serves. */
async function startDemo(): Promise<{ demo: ChildProcess; url: string }> {
  const demo = spawn('bash', [path.join(REPO_ROOT, 'scripts', 'demo.sh')], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  demo.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await waitFor(
    'the demo to serve',
    async () => {
      if (demo.exitCode !== null) throw new Error(`the demo stopped (${demo.exitCode}):\n${output}`);
      const printed = /demo: Docker Network Explorer in code-server: (\S+)/.exec(output)?.[1];
      return printed && (await fetch(printed).then((response) => response.ok, () => false)) ? printed : undefined;
    },
    { timeoutMs: 15 * 60_000, intervalMs: 500, lastSeen: () => output.split('\n').slice(-5).join('\n') },
  );
  return { demo, url };
}

/** The text the topology webview shows (node and namespace labels). */
async function diagramText(page: Page): Promise<string> {
  return (await topologyWebview(page).locator('#diagram svg').first().textContent({ timeout: 1000 }).catch(() => '')) ?? '';
}

/** Opens the trees and the topology of the whole host as a new user would, and waits for the demo to be drawn. */
async function showDemo(page: Page): Promise<void> {
  await dismissNotifications(page);
  await openViewContainer(page);
  for (const view of ['Networks', 'Containers']) await ensureViewExpanded(page, view);
  await waitForRow(page, 'Networks', ['devops'], 30_000);
  await expandRow(page, 'Networks', ['devops']);
  await waitForRow(page, 'Networks', ['devops', 'AppProd'], 30_000);
  await runCommandFromPalette(page, 'Docker Networks: Show Topology');
  await waitForQuickInput(page, /Whole host/);
  await page.keyboard.press('Enter');
  const text = await waitFor('the demo topology to be drawn', async () => {
    const shown = await diagramText(page);
    return DEMO_NAMES.every((name) => shown.includes(name)) ? shown : undefined;
  }, { timeoutMs: 60_000, intervalMs: 200, lastSeen: () => diagramText(page) });
  if (/alert\(|dne-|dnefix-/.test(text)) throw new Error(`the engine holds more than the demo: ${text.slice(-2000)}`);
}

async function main(): Promise<void> {
  let browser: Browser | undefined;
  let demo: ChildProcess | undefined;
  const others = othersOnEngine();
  if (others.length > 0) {
    throw new Error(`the engine holds more than the demo, the whole host would show it: ${others.slice(0, 10).join(', ')}${others.length > 10 ? ` and ${others.length - 10} more` : ''}`);
  }
  try {
    const started = await startDemo();
    demo = started.demo;
    browser = await launchBrowser();
    const page = await openWorkbench(browser, started.url, { width: 1400, height: 860 });
    await showDemo(page);
    await dismissNotifications(page);
    await setSidebarWidth(page, 300);
    await page.mouse.move(5, 400);
    await sleep(1000);
    fs.copyFileSync(await screenshot(page, 'demo-topology'), MEDIA);
    console.log(`screenshotDemo: wrote ${path.relative(REPO_ROOT, MEDIA)}`);
  } finally {
    await browser?.close().catch(() => undefined);
    // The demo's own process group (bash, then the code-server it became); --clean removes the rest.
    if (demo?.pid && demo.exitCode === null) process.kill(-demo.pid, 'SIGTERM');
    execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'demo.sh'), '--clean'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
