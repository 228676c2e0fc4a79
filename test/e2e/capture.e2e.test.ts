/**
 * Capture Packets in a real VS Code: the packaged VSIX in code-server, driven in Chromium, against
 * the real engine (code-server runs as root here, so the host's tcpdump runs in the container's
 * namespace). Right-click a container -> Capture Packets… -> eth0 -> a wrong filter first (tcpdump's
 * refusal must show at the field), then `icmp` -> 6 packets -> the file. The live view must show
 * decoded echo lines between the two containers as they come, then tcpdump's counts; the file on
 * disk is read back with `tcpdump -r`. The time from the last Enter (the capture starts) to the
 * first line on screen is printed. Packets only between the two containers the test made.
 */
import * as assert from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { answer, chooseFromContextMenu, contextMenu, runCommandFromPalette, screenshot, topologyWebview, waitForQuickInput, waitForRow } from '../harness/browser';
import { closeExtensionWorkbench, ensureDocker, ExtensionWorkbench, openExtensionWorkbench } from '../harness/workbench';
import { createNetwork, docker, removeLabelled, runContainer } from '../support/dockerCli';
import { sleep, waitFor } from '../support/waitFor';

const LABEL = 'dne.test.capturee2e';
const suffix = process.pid.toString(36);
const NET = `dne-cape2e-net-${suffix}`;
const A = `dne-cape2e-a-${suffix}`;
const B = `dne-cape2e-b-${suffix}`;

function captureView(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview[src*="extensionId=docker-network-explorer.docker-network-explorer"]').last().frameLocator('#active-frame');
}

describe('Capture Packets (e2e: VSIX in code-server + Chromium + real engine)', { timeout: 300_000 }, () => {
  let workbench: ExtensionWorkbench | undefined;
  let folder: string;

  before(async () => {
    ensureDocker();
    removeLabelled(LABEL);
    folder = mkdtempSync(path.join(os.tmpdir(), 'dne-cape2e-'));
    createNetwork(NET, ['--subnet', '10.252.41.0/24'], LABEL);
    runContainer(A, ['--network', NET], LABEL);
    runContainer(B, ['--network', NET], LABEL);
    workbench = await openExtensionWorkbench('docker-network-explorer-capture-e2e', { views: ['Containers'], workspace: folder });
  });

  after(async () => {
    await closeExtensionWorkbench(workbench, 'capture-e2e-final');
    removeLabelled(LABEL);
    rmSync(folder, { recursive: true, force: true });
  });

  it('captures from a right-click on a container: the filter checked at the field, decoded lines live, the pcap on disk', async () => {
    const page = workbench!.page;
    const addressA = docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${NET}").IPAddress}}`, A]);
    const addressB = docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${NET}").IPAddress}}`, B]);
    await waitForRow(page, 'Containers', [A], 20_000);
    // The shared engine's events from other suites may redraw the tree between the right-click and
    // the click; VS Code then runs the command without the row (the palette's target pick): retry.
    for (let attempt = 1; ; attempt++) {
      await contextMenu(page, 'Containers', [A], /^Capture Packets/);
      const asked = await waitForQuickInput(page, new RegExp(`Capture Packets on ${A}|Where to capture`));
      if (asked.includes(`Capture Packets on ${A}`)) break;
      assert.ok(attempt < 3, 'the right-click reached the command with its container');
      await page.keyboard.press('Escape');
      await sleep(500);
    }
    await answer(page, new RegExp(`Capture Packets on ${A}`), 'eth0');

    // A wrong filter: tcpdump's own compiler refuses it, and the field says why.
    await waitForQuickInput(page, /tcpdump \(BPF\) filter/);
    const input = page.locator('.quick-input-widget input').first();
    await input.fill('tcp port');
    const refusal = await waitForQuickInput(page, /tcpdump refuses this filter: can't parse filter expression: syntax error/);
    assert.match(refusal, /syntax error/);
    // A good one: the refusal goes, the prompt comes back, and Enter accepts it.
    await input.fill('icmp');
    await waitForQuickInput(page, /tcpdump \(BPF\) filter/);
    await page.keyboard.press('Enter');
    await answer(page, /Stop after this many packets/, '6');

    // The save dialog (code-server's own, a quick input with the path): its default, in the workspace folder.
    await waitForQuickInput(page, /Capture Packets: pcap file/);
    await sleep(500);
    const ping = spawn('docker', ['exec', A, 'ping', '-c', '20', '-i', '0.2', addressB], { stdio: 'ignore' });
    const pinged = new Promise((resolve) => ping.on('close', resolve));
    await page.keyboard.press('Enter');
    const started = Date.now();
    const view = captureView(page);
    const firstLine = await waitFor('the first decoded line in the capture view', async () => {
      const rows = await view.locator('tr.packet').allInnerTexts().catch(() => []);
      return rows.length > 0 ? rows[0] : undefined;
    }, { timeoutMs: 30_000, intervalMs: 20 });
    const shownAt = Date.now();
    const packetClock = /^(\d\d):(\d\d):(\d\d\.\d+)/.exec(firstLine);
    const midnight = new Date(shownAt);
    midnight.setHours(0, 0, 0, 0);
    const packetAt = packetClock ? midnight.getTime() + (Number(packetClock[1]) * 3600 + Number(packetClock[2]) * 60 + Number(packetClock[3])) * 1000 : NaN;
    console.log(
      `capture e2e: ${shownAt - started} ms from Capture (Enter on the file) to the first decoded line on screen; ` +
        `${Math.round(shownAt - packetAt)} ms from that packet on the wire to its line on screen`,
    );

    const status = await waitFor('the end line with tcpdump\'s counts', async () => {
      const text = await view.locator('#status').innerText().catch(() => '');
      return /Ended at its packet limit/.test(text) ? text : undefined;
    }, { timeoutMs: 30_000, intervalMs: 100 });
    await screenshot(page, 'capture-e2e-view');
    await pinged;
    assert.match(status, /6 packets captured, 0 dropped by the kernel/);
    const rows = await view.locator('tr.packet').allInnerTexts();
    assert.equal(rows.length, 6, rows.join('\n'));
    assert.match(firstLine, new RegExp(`${addressA.replace(/\./g, '\\.')}\\s+${addressB.replace(/\./g, '\\.')}\\s+ICMP\\s+\\d+\\s+echo request, id \\d+, seq \\d+`));
    assert.ok(rows.some((row) => row.includes(addressB) && row.includes('echo reply')), rows.join('\n'));

    const written = readdirSync(folder).filter((name) => /^capture-.*\.pcap$/.test(name));
    assert.equal(written.length, 1, `one capture file in the workspace folder: ${written.join(', ')}`);
    const file = path.join(folder, written[0]);
    const read = spawnSync('tcpdump', ['-r', file, '-nn'], { encoding: 'utf8' });
    assert.equal(read.status, 0, read.stderr);
    const lines = read.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 6, read.stdout);
    assert.ok(lines.some((line) => line.includes(`IP ${addressA} > ${addressB}: ICMP echo request`)), read.stdout);
    assert.ok(lines.some((line) => line.includes(`IP ${addressB} > ${addressA}: ICMP echo reply`)), read.stdout);
  });
  it("offers Capture Packets… in the topology's context menu of a drawn interface: the network's bridge, straight to the filter", async () => {
    const page = workbench!.page;
    // The bridge's id part (the label may wrap after `br-`).
    const bridgeId = docker(['network', 'inspect', '-f', '{{.Id}}', NET]).slice(0, 12);
    // The first test's capture view is a webview too: close it, so the topology is the page's webview.
    await runCommandFromPalette(page, 'View: Close All Editors');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    await sleep(500);
    await runCommandFromPalette(page, 'Docker Networks: Show Topology');
    const scope = page.locator('.quick-input-widget .monaco-list-row', { hasText: NET }).first();
    await scope.waitFor({ state: 'visible', timeout: 15_000 });
    await scope.click();
    // The bridge's node carries VS Code's webview context (data-vscode-context), which the menu reads.
    const node = topologyWebview(page).locator('g.node[data-vscode-context]', { hasText: bridgeId }).first();
    await node.waitFor({ state: 'visible', timeout: 60_000 });
    const context = JSON.parse((await node.getAttribute('data-vscode-context')) ?? '{}') as { webviewSection?: string };
    assert.equal(context.webviewSection, 'diagramInterface');
    await chooseFromContextMenu(page, 'the bridge drawn in the topology', async () => node, /^Capture Packets/, async () => { await screenshot(page, 'capture-e2e-diagram-menu'); });
    // The node named its target: no "Where to capture" pick, no interface pick; the filter comes first.
    const asked = await waitForQuickInput(page, /tcpdump \(BPF\) filter|Where to capture|Capture Packets on/);
    assert.match(asked, /tcpdump \(BPF\) filter/);
    await page.keyboard.press('Escape');
  });
});
