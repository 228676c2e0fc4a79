/**
 * Tier 4, the topology panel when the host is busy: the packaged VSIX in code-server, Chromium, the
 * real engine.
 *
 *  1. Opened, the panel probes once and the page draws once (its first diagram, posted while it
 *     loads, comes again when it is ready and is not drawn twice). Hidden behind another editor tab, the panel does not probe: 20 engine events (a test
 *     container disconnected from and connected to a network, 10 times) add no "topology: probe #"
 *     line to the extension's log (the "Docker Network Explorer" log file the workbench writes).
 *  2. Shown again, it draws the current state, the address of the last connect, with one probe
 *     (more only for engine events after the reveal: the engine is shared with other tests).
 *  3. The toolbar's "Search scopes…" opens VS Code's quick pick: typing part of a subnet finds the
 *     network (matched on its description), typing part of its name and Enter draws that network
 *     alone (a container on another network only is no longer drawn).
 *
 *  4. A veth made by hand on that network's bridge (as the labs do) appears in the diagram without a
 *     click and without any engine event: the host's interfaces are watched (ip monitor).
 *  5. The browser tab closed while the panel is open (the extension host lives on): once the page's
 *     lease has run out (it said "alive" every 5 s), 20 engine events cause no probe.
 *
 * Everything carries dne.test=1 and dne.test.scale=1 (cleaned before and after); the hand-made
 * veth is deleted in `after`, even on failure.
 * Screenshots: test-output/topology-scale-revealed.png, test-output/topology-scale-picker.png.
 */
import * as assert from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { runCommandFromPalette, screenshot, topologyWebview, waitForQuickInput } from '../harness/browser';
import { CodeServer, extensionLogFiles } from '../harness/codeServer';
import { closeExtensionWorkbench, ensureDocker, openExtensionWorkbench } from '../harness/workbench';
import { docker, removeLabelled, TEST_IMAGE } from '../support/dockerCli';
import { sleep, waitFor } from '../support/waitFor';

const OWN_LABEL = 'dne.test.scale=1';
const labelArgs = ['--label', 'dne.test=1', '--label', OWN_LABEL];
const HOME = 'dne-sc-home';
const MOVING = 'dne-sc-moving';
const APP = 'dne-sc-app';
const BYSTANDER = 'dne-sc-bystander';
const MOVING_SUBNET = '10.213.57.0/24';
/** The address of connect number i (1..10): each connect its own, so the last one is recognizable. */
const addressOf = (i: number) => `10.213.57.${20 + i}`;
const PROBE_LINE = /topology: probe #\d+/g;
/** A veth pair made by hand, its host end put on the scoped network's bridge (no Docker event). */
const HAND_MADE = 'dnescale-h0';
const HAND_MADE_PEER = 'dnescale-h1';

/** How many probes the panel logged so far. */
function probesLogged(server: CodeServer): number {
  const file = extensionLogFiles(server.userDataDir)[0];
  return file ? (fs.readFileSync(file, 'utf8').match(PROBE_LINE) ?? []).length : 0;
}

interface Shown {
  revision: number;
  text: string;
}

/** The diagram's revision and text, or undefined while the page is not there (hidden, loading). */
async function shown(page: Page): Promise<Shown | undefined> {
  const body = topologyWebview(page).locator('body');
  if (!(await body.count().catch(() => 0))) return undefined;
  return body.evaluate((element: unknown) => {
    const root = element as { querySelector(s: string): { dataset: Record<string, string | undefined>; querySelector(s: string): { textContent: string | null } | null } | null };
    const diagram = root.querySelector('#diagram');
    return { revision: Number(diagram?.dataset.revision ?? '-1'), text: diagram?.querySelector('svg')?.textContent ?? '' };
  }).catch(() => undefined);
}

async function waitForPanel(page: Page, what: string, check: (s: Shown) => boolean, timeoutMs = 30_000): Promise<Shown> {
  let last: Shown | undefined;
  return waitFor(what, async () => {
    last = await shown(page);
    return last && last.revision >= 0 && check(last) ? last : undefined;
  }, { timeoutMs, intervalMs: 100, lastSeen: () => `the panel shows: ${JSON.stringify(last && { ...last, text: last.text.slice(0, 1500) })}` });
}

/** The rows the quick pick shows now. */
async function quickPickRows(page: Page): Promise<string[]> {
  return page.locator('.quick-input-widget .monaco-list-row').allInnerTexts();
}

/** Network and container events of the (shared) engine between two instants: other tests' too. */
function engineEventsBetween(sinceMs: number, untilMs: number): number {
  const out = docker(['events', '--since', (sinceMs / 1000).toFixed(3), '--until', (untilMs / 1000).toFixed(3),
    '--filter', 'type=network', '--filter', 'type=container', '--format', '{{.Type}}']);
  return out.split('\n').filter(Boolean).length;
}

/** The engine up, then the two networks and two containers (none of that name may exist already). */
function createResources(): void {
  ensureDocker();
  removeLabelled(OWN_LABEL);
  for (const network of [HOME, MOVING]) {
    assert.strictEqual(docker(['network', 'ls', '-q', '--filter', `name=^${network}$`]), '', `a network "${network}" not made by this test exists`);
  }
  docker(['network', 'create', ...labelArgs, HOME]);
  docker(['network', 'create', ...labelArgs, '--subnet', MOVING_SUBNET, MOVING]);
  for (const container of [APP, BYSTANDER]) {
    docker(['run', '-d', '--name', container, ...labelArgs, '--network', HOME, TEST_IMAGE, 'sleep', '100000']);
  }
  docker(['network', 'connect', '--ip', addressOf(0), MOVING, APP]);
}


describe('topology at scale (e2e: VSIX in code-server + Chromium + real engine)', { timeout: 600_000 }, () => {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;

  before(async () => {
    createResources();
    ({ server, browser, page } = await openExtensionWorkbench('docker-network-explorer-scale-e2e', { width: 1400, height: 860, views: ['Networks'] }));
  });

  after(async () => {
    // No final screenshot: the last test closes the tab.
    await closeExtensionWorkbench({ server, browser, page }, undefined, 60);
    removeLabelled(OWN_LABEL);
    spawnSync('ip', ['link', 'del', HAND_MADE], { stdio: 'ignore' });
  });

  it('hidden behind another tab, 20 engine events cause no probe; shown again, it draws the last connect with one probe', async () => {
    const p = page!;
    // The session settled: just after it connects it refreshes once more (what changed before its
    // event stream began), and a panel opened meanwhile draws that refresh too.
    await waitFor('the session to connect', async () => (/connected to /.test(fs.readFileSync(extensionLogFiles(server!.userDataDir)[0] ?? '/dev/null', 'utf8')) ? true : undefined), { timeoutMs: 30_000, intervalMs: 200 });
    await sleep(2000);
    await runCommandFromPalette(p, 'Docker Networks: Show Topology');
    const whole = p.locator('.quick-input-widget .monaco-list-row', { hasText: 'Whole host' }).first();
    await whole.waitFor({ state: 'visible', timeout: 10_000 });
    const openedAt = Date.now();
    await whole.click();
    await waitForPanel(p, `${APP} at ${addressOf(0)}`, (s) => s.text.includes(APP) && s.text.includes(addressOf(0)), 60_000);
    await waitFor('the first probe in the log', async () => (probesLogged(server!) > 0 ? true : undefined), { timeoutMs: 10_000, intervalMs: 200 });
    // The first diagram is posted while the page loads, and once more when it is ready: one probe,
    // and the page draws it once (more only for engine events meanwhile: the engine is shared).
    await sleep(2000);
    const opening = engineEventsBetween(openedAt, Date.now());
    const log = fs.readFileSync(extensionLogFiles(server!.userDataDir)[0], 'utf8');
    const firstRenders = (log.match(/topology: rendered revision 1 /g) ?? []).length;
    const renders = (log.match(/topology: rendered revision \d+ /g) ?? []).length;
    console.log(`  opened: ${probesLogged(server!)} probe(s), ${renders} render(s), ${opening} engine event(s) meanwhile`);
    assert.strictEqual(firstRenders, 1, 'the page drew the first diagram twice (the repost when it said it was ready)');
    const logged = () => log.split('\n').filter((line) => /topology:|connected to|event stream/.test(line)).slice(-12).join('\n');
    assert.ok(probesLogged(server!) <= 1 + opening, `opening the panel probed ${probesLogged(server!)} times for ${opening} engine events; the log:\n${logged()}`);
    assert.ok(renders <= 1 + opening, `opening the panel drew ${renders} times for ${opening} engine events`);

    // Another editor in the panel's group hides it.
    await runCommandFromPalette(p, 'File: New Untitled Text File');
    await waitFor('the panel to be hidden', async () => ((await shown(p)) === undefined ? true : undefined), { timeoutMs: 10_000, intervalMs: 100 });
    await sleep(1000);
    const before = probesLogged(server!);

    for (let i = 1; i <= 10; i++) {
      docker(['network', 'disconnect', MOVING, APP]);
      docker(['network', 'connect', '--ip', addressOf(i), MOVING, APP]);
    }
    // Beyond the redraw delay and the session's refresh after the events.
    await sleep(5000);
    assert.strictEqual(probesLogged(server!) - before, 0, 'the hidden panel probed the host');

    const revealedAt = Date.now();
    await p.locator('.tabs-container .tab', { hasText: 'Docker Network Topology' }).first().click();
    const revealed = await waitForPanel(p, `the last connect (${addressOf(10)})`, (s) => s.text.includes(addressOf(10)), 30_000);
    assert.ok(!revealed.text.includes(addressOf(9)), 'an earlier address is still drawn');
    await sleep(2000);
    await screenshot(p, 'topology-scale-revealed');
    // One probe for the reveal; more only for engine events after it (the engine is shared).
    const later = engineEventsBetween(revealedAt, Date.now());
    const probes = probesLogged(server!) - before;
    console.log(`  shown again: ${probes} probe(s), ${later} engine event(s) after the reveal`);
    assert.ok(probes >= 1 && probes <= 1 + later, `shown again, the panel probed ${probes} times for ${later} later engine events`);
  });

  it('"Search scopes…" finds a network by part of its subnet or its name; Enter draws that network', async () => {
    const p = page!;
    await topologyWebview(p).locator('vscode-button[data-action="pickScope"]').click();
    await waitForQuickInput(p, /Type part of a name/);
    const input = p.locator('.quick-input-widget .quick-input-box input').first();

    await input.fill('10.213.57');
    const bySubnet = await waitFor('the subnet to find the network', async () => {
      const rows = await quickPickRows(p);
      return rows.some((row) => row.includes(MOVING)) ? rows : undefined;
    }, { timeoutMs: 10_000, intervalMs: 100 });
    assert.ok(!bySubnet.some((row) => row.includes(HOME)), `the subnet also matched ${HOME}: ${bySubnet.join(' | ')}`);

    await input.fill('sc-movi');
    const byName = await waitFor('the name to find the network', async () => {
      const rows = await quickPickRows(p);
      return rows.length > 0 && rows.every((row) => row.includes(MOVING)) ? rows : undefined;
    }, { timeoutMs: 10_000, intervalMs: 100, lastSeen: () => 'rows other than the network stay' });
    assert.ok(byName.length >= 1);
    await screenshot(p, 'topology-scale-picker');
    await p.keyboard.press('Enter');

    const scoped = await waitForPanel(p, `only ${MOVING} drawn`, (s) => s.text.includes(APP) && !s.text.includes(BYSTANDER), 30_000);
    assert.ok(scoped.text.includes(addressOf(10)), `${APP}'s address on ${MOVING} is drawn`);
    const scope = await topologyWebview(p).locator('#scope').evaluate((element: unknown) => (element as { value: string }).value);
    const movingId = docker(['network', 'inspect', '--format', '{{.Id}}', MOVING]);
    assert.strictEqual(scope, `network:${movingId}`, 'the toolbar shows the chosen scope');
  });

  it('a veth made by hand on the bridge appears without a click (the host interfaces are watched)', async () => {
    const p = page!;
    const before = await waitForPanel(p, `${MOVING} drawn`, (s) => s.text.includes(APP), 30_000);
    assert.ok(!before.text.includes(HAND_MADE));
    const bridge = `br-${docker(['network', 'inspect', '--format', '{{.Id}}', MOVING]).slice(0, 12)}`;
    spawnSync('ip', ['link', 'del', HAND_MADE], { stdio: 'ignore' });
    execFileSync('ip', ['link', 'add', HAND_MADE, 'type', 'veth', 'peer', 'name', HAND_MADE_PEER]);
    execFileSync('ip', ['link', 'set', HAND_MADE, 'master', bridge]);
    execFileSync('ip', ['link', 'set', HAND_MADE, 'up']);
    const t0 = Date.now();
    const after = await waitForPanel(p, `${HAND_MADE} drawn on ${bridge}`, (s) => s.text.includes(HAND_MADE), 10_000);
    console.log(`hand-made veth drawn ${Date.now() - t0} ms after ip link set master (no click, no engine event)`);
    assert.ok(after.revision > before.revision);
    await screenshot(p, 'topology-scale-handmade');
  });

  it('the browser tab closed with the panel open: after the page\'s lease (15 s) no engine event probes the host', async () => {
    const p = page!;
    await waitForPanel(p, `${APP} drawn`, (s) => s.text.includes(APP), 30_000);
    await p.close();
    page = undefined;
    // The last words of the page may still count for ALIVE_LEASE_MS (15 s).
    await sleep(17_000);
    const before = probesLogged(server!);
    for (let i = 1; i <= 10; i++) {
      docker(['network', 'disconnect', MOVING, APP]);
      docker(['network', 'connect', '--ip', addressOf(i), MOVING, APP]);
    }
    await sleep(6000);
    const probes = probesLogged(server!) - before;
    console.log(`  tab closed: ${probes} probe(s) for 20 engine events`);
    assert.strictEqual(probes, 0, 'the extension host probed for a closed tab');
  });
});
