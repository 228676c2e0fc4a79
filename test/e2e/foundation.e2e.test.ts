/**
 * Tier 4, end to end: the packaged VSIX installed in code-server, driven in Chromium, against the
 * real Docker engine on this machine.
 *
 *  1. Networks tree shows dev -> es -> search (network, endpoint, alias).
 *  2. `docker network connect dev <other>` from outside shows up under dev within 2 s, no click.
 *  3. dockerd stopped -> the Networks view's welcome message names the cause (Retry, Open Settings).
 *  4. dockerd restarted with scripts/ensure-docker.sh -> the tree comes back.
 *
 * Everything this test creates carries the label dne.test=1 and is removed in `after`, even on
 * failure. Screenshots go to test-output/ (networks-tree.png is the README one).
 * Set DNE_E2E_KEEP_ENGINE=1 to skip steps 3-4 (they stop the machine's Docker engine).
 */
import * as assert from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CodeServer, REPO_ROOT } from '../harness/codeServer';
import { closeExtensionWorkbench, ensureDocker, openExtensionWorkbench } from '../harness/workbench';
import { docker, removeLabelled } from '../support/dockerCli';
import {
  dismissNotifications, ensureViewExpanded, expandRow, openViewContainer,
  readTree, screenshot, setSidebarWidth, viewPane, waitForRow, waitForTree, waitForWelcome, welcomeButtons,
} from '../harness/browser';
import { sleep } from '../support/waitFor';

const LABEL = 'dne.test=1';
const NET = 'dev';
const CONTAINER = 'es';
const ALIAS = 'search';
const OTHER = 'dne-e2e-other';
/** OTHER starts on its own network: the default bridge is not needed (and was seen broken by 20.10's
 * "stale default bridge" bug after another test's failed macvlan create). */
const AUX_NET = 'dne-e2e-aux';
const IMAGE = 'local/busybox:latest';
const VIEW = 'Networks';
const CAUSE_RE = /socket|permission|TLS|timed out|not running|refused/i;
const LIVE_BUDGET_MS = 2000;

function engineAnswers(): boolean {
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

function removeTestObjects(): void {
  removeLabelled(LABEL);
}

/**
 * The dockerd serving this engine: the one its pid file names (scripts/engine28.sh run says which
 * with DNE_ENGINE_PIDFILE; 20.10's default is /var/run/docker.pid), else every dockerd. Another
 * engine on the machine (Docker 28 beside 20.10) is left alone.
 */
function dockerdPids(): number[] {
  try {
    const pid = Number(fs.readFileSync(process.env.DNE_ENGINE_PIDFILE ?? '/var/run/docker.pid', 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd') {
      return [pid];
    }
  } catch {
    // no pid file, or its process is gone
  }
  try {
    return execFileSync('pidof', ['dockerd'], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Starts the engine again the way it was started: Docker 28 beside 20.10 through
 * scripts/engine28.sh; a plain `dockerd` through scripts/ensure-docker.sh (which also checks the
 * test image), a dockerd with arguments with the same command line (setsid, so it outlives this
 * test), then ensure-docker.sh to wait and check.
 */
async function restartEngine(cmdline: string[]): Promise<void> {
  if (process.env.DNE_ENGINE === '28') {
    execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'engine28.sh'), 'ensure'], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 180_000 });
  } else if (cmdline.length > 1 && !engineAnswers()) {
    const cache = process.env.DNE_CACHE || path.join(os.homedir(), '.cache', 'docker-network-explorer');
    fs.mkdirSync(cache, { recursive: true });
    const log = fs.openSync(path.join(cache, 'dockerd.log'), 'a');
    const child = spawn('setsid', cmdline, { detached: true, stdio: ['ignore', log, log] });
    child.unref();
    fs.closeSync(log);
    for (let i = 0; i < 120 && !engineAnswers(); i++) await sleep(500);
  }
  ensureDocker();
}

describe('foundation (e2e: VSIX in code-server + Chromium + real engine)', { timeout: 600_000 }, () => {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let engineStopped = false;
  let restartCmdline: string[] = [];

  before(async () => {
    ensureDocker();
    removeTestObjects();
    const clash = docker(['network', 'ls', '-q', '--filter', `name=^${NET}$`]);
    assert.strictEqual(clash, '', `a network named "${NET}" without label ${LABEL} already exists; remove it first`);
    assert.strictEqual(docker(['ps', '-aq', '--filter', `name=^/?${CONTAINER}$`]), '', `a container named "${CONTAINER}" already exists`);
    docker(['network', 'create', '--label', LABEL, NET]);
    docker(['run', '-d', '--name', CONTAINER, '--label', LABEL, '--network', NET, '--network-alias', ALIAS, IMAGE, 'sleep', '100000']);
    docker(['network', 'create', '--label', LABEL, AUX_NET]);
    docker(['run', '-d', '--name', OTHER, '--label', LABEL, '--network', AUX_NET, IMAGE, 'sleep', '100000']);

    // No views opened here: the first test opens the Docker Networks container itself.
    ({ server, browser, page } = await openExtensionWorkbench('docker-network-explorer-e2e', { width: 1280, height: 800 }));
  });

  after(async () => {
    await closeExtensionWorkbench({ server, browser, page }, 'e2e-final');
    if (engineStopped || !engineAnswers()) {
      try {
        await restartEngine(restartCmdline);
      } catch (e) {
        console.error(`after: could not restart the engine: ${(e as Error).message}`);
      }
    }
    removeTestObjects();
  });

  it('shows dev -> es -> search in the Networks tree', async () => {
    const p = page!;
    await openViewContainer(p, 'Docker Networks');
    await ensureViewExpanded(p, VIEW);
    await waitForRow(p, VIEW, [NET], 20_000);
    await expandRow(p, VIEW, [NET]);
    await waitForRow(p, VIEW, [NET, CONTAINER], 10_000);
    await expandRow(p, VIEW, [NET, CONTAINER]);
    await waitForRow(p, VIEW, [NET, CONTAINER, ALIAS], 10_000);
    // What the user reads, compared with what `docker inspect` says.
    const inspected = JSON.parse(docker(['inspect', CONTAINER]))[0] as { Id: string; NetworkSettings: { Networks: Record<string, { IPAddress: string; IPPrefixLen: number }> } };
    const onNet = inspected.NetworkSettings.Networks[NET];
    const rows = await readTree(p, VIEW);
    const endpointRow = rows.find((r) => r.level === 2 && r.label === CONTAINER)!;
    assert.equal(endpointRow.description, `${onNet.IPAddress}/${onNet.IPPrefixLen} · running`);
    const names = rows.filter((r) => r.level === 3);
    assert.deepEqual(
      names.map((r) => [r.label, r.description]),
      [
        [ALIAS, 'network alias'],
        [CONTAINER, 'DNS name: container name'],
        [inspected.Id.slice(0, 12), 'DNS name: container id'],
      ],
    );
    await dismissNotifications(p);
    await setSidebarWidth(p, 520);
    await p.mouse.move(1000, 600);
    await sleep(1000); // let the sash highlight and hover effects fade before the screenshot
    const shot = await screenshot(p, 'networks-tree');
    await screenshot(p, 'networks-tree-sidebar', { locator: p.locator('.part.sidebar') });
    console.log(`screenshot: ${shot}`);
  });

  it(`shows an endpoint connected from outside within ${LIVE_BUDGET_MS} ms, without a click`, async () => {
    const p = page!;
    const t0 = Date.now();
    docker(['network', 'connect', NET, OTHER]);
    const cliMs = Date.now() - t0;
    await waitForRow(p, VIEW, [NET, OTHER], 10_000, 20);
    const latency = Date.now() - t0;
    console.log(`live update latency: ${latency} ms (docker network connect itself took ${cliMs} ms)`);
    await screenshot(p, 'networks-tree-live');
    assert.ok(latency <= LIVE_BUDGET_MS, `endpoint appeared after ${latency} ms (budget ${LIVE_BUDGET_MS} ms)`);
  });

  it('names the cause when the engine stops, and recovers when it is back', { skip: process.env.DNE_E2E_KEEP_ENGINE ? 'DNE_E2E_KEEP_ENGINE set' : false }, async (t) => {
    const p = page!;
    const pids = dockerdPids();
    assert.ok(pids.length > 0, 'no dockerd process found (the engine must be a local dockerd for this test)');
    const cmdline = fs.readFileSync(`/proc/${pids[0]}/cmdline`, 'utf8').split('\0').filter(Boolean);
    console.log(`stopping dockerd (pid ${pids.join(',')}, started as: ${cmdline.join(' ')})`);
    restartCmdline = cmdline;
    engineStopped = true;
    for (const pid of pids) process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 150 && dockerdPids().some((x) => pids.includes(x)); i++) await sleep(200);
    assert.ok(!engineAnswers(), 'engine still answers after SIGTERM');

    // Two subtests: the recovery is checked (and the engine restarted) even when the first fails.
    await t.test('the Networks view names the cause, with Retry and Open Settings', async () => {
      let text: string;
      try {
        text = await waitForWelcome(p, VIEW, CAUSE_RE, 20_000);
      } finally {
        await screenshot(p, 'engine-down');
      }
      console.log(`welcome message: ${JSON.stringify(text)}`);
      const buttons = await welcomeButtons(p, VIEW);
      assert.ok(buttons.some((b) => /retry/i.test(b)), `no Retry button; buttons: ${JSON.stringify(buttons)}`);
      assert.ok(buttons.some((b) => /settings/i.test(b)), `no Open Settings button; buttons: ${JSON.stringify(buttons)}`);
    });

    await t.test('the tree comes back when the engine is back', async () => {
      await restartEngine(restartCmdline);
      engineStopped = false;
      const t0 = Date.now();
      const back = (rows: { level: number; label: string }[]) => rows.some((r) => r.level === 1 && r.label === NET);
      try {
        await waitForTree(p, VIEW, back, 20_000, `network "${NET}" back`);
        console.log(`tree came back ${Date.now() - t0} ms after the engine answered (no click)`);
      } catch {
        // Not back by itself: the Retry button must bring it back (reported, not hidden).
        console.log('NOTE: tree did not come back by itself within 20 s; clicking Retry');
        await viewPane(p, VIEW).locator('.welcome-view-content .monaco-button', { hasText: /retry/i }).first().click();
        await waitForTree(p, VIEW, back, 15_000, `network "${NET}" back after Retry`);
      }
      await screenshot(p, 'engine-back');
    });
  });
});
