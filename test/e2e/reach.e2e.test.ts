/**
 * Tier 4 for the connectivity doctor: the packaged VSIX in code-server, driven in Chromium, against
 * the real engine. Two containers on two bridge networks (Docker isolates bridges from each other):
 * right-click the first -> Check Connectivity To… -> pick the second, no port, no name -> the
 * report in the Markdown preview says "not reachable", names the rule and the fix, and says it was
 * observed; the topology diagram opens with the path drawn and the node where it stops marked.
 * Then the same question between two containers on one network: reachable, path drawn, no stop.
 * Then a DROP rule added by hand in DOCKER-USER between those two: the report opens with the
 * disagreement between explanation and observation and names the rule.
 * Packets go only between the containers this test creates. Everything carries dne.test=1.
 */
import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  answer, contextMenu, screenshot,
  topologyWebview, waitForRow,
} from '../harness/browser';
import { createNetwork, docker, removeLabelled, runContainer } from '../support/dockerCli';
import { waitFor } from '../support/waitFor';
import { closeExtensionWorkbench, ensureDocker, ExtensionWorkbench, openExtensionWorkbench } from '../harness/workbench';

const LABEL = 'dne.test.reache2e';
const NET_A = 'dne-reach-a';
const NET_B = 'dne-reach-b';
const A = 'dne-reach-1';
const B = 'dne-reach-2';
const C = 'dne-reach-3';

/** The texts of the frames (Markdown previews) that show a connectivity report now. */
async function reportTexts(page: Page): Promise<string[]> {
  const texts: string[] = [];
  for (const frame of page.frames()) {
    const text = await frame.locator('body').innerText({ timeout: 1000 }).catch(() => '');
    if (/^Can .+ reach .+\?/m.test(text)) texts.push(text);
  }
  return texts;
}

/** The report for `from -> to` that was not shown before (each report says when it was made). */
async function newReportText(page: Page, from: string, to: string, before: readonly string[], timeoutMs = 60_000): Promise<string> {
  const title = new RegExp(`Can ${from} reach ${to}\\?`);
  return waitFor(
    `a new connectivity report ${from} -> ${to}`,
    async () => (await reportTexts(page)).find((text) => title.test(text) && !before.includes(text)),
    { timeoutMs, intervalMs: 250 },
  );
}

/** Which diagram nodes carry the path's classes (read from the rendered SVG). */
async function pathClasses(page: Page): Promise<{ path: number; stop: number }> {
  const frame = topologyWebview(page);
  return { path: await frame.locator('g.node.reachPath').count(), stop: await frame.locator('g.node.reachStop').count() };
}

async function check(page: Page, from: string, to: string): Promise<string> {
  const before = await reportTexts(page);
  await waitForRow(page, 'Containers', [from], 20_000);
  await contextMenu(page, 'Containers', [from], /^Check Connectivity To/);
  await answer(page, new RegExp(`From ${from} to \\(B\\)`), to);
  await answer(page, /TCP port to connect to/, '');
  await answer(page, /Name to reach the target by/, '');
  return newReportText(page, from, to, before);
}

describe('connectivity doctor (e2e: VSIX in code-server + Chromium + real engine)', { timeout: 600_000 }, () => {
  let workbench: ExtensionWorkbench | undefined;
  let page: Page | undefined;

  before(async () => {
    ensureDocker();
    removeLabelled(LABEL);
    createNetwork(NET_A, [], LABEL);
    createNetwork(NET_B, [], LABEL);
    // No outside DNS: a name the embedded DNS does not know is never forwarded off this machine.
    runContainer(A, ['--network', NET_A, '--dns', '127.0.0.1'], LABEL);
    runContainer(B, ['--network', NET_B, '--dns', '127.0.0.1'], LABEL);
    runContainer(C, ['--network', NET_A, '--dns', '127.0.0.1'], LABEL);
    workbench = await openExtensionWorkbench('docker-network-explorer-reach-e2e', { width: 1400, height: 900, views: ['Containers'] });
    page = workbench.page;
  });

  after(async () => {
    await closeExtensionWorkbench(workbench, 'reach-e2e-final');
    removeLabelled(LABEL);
  });

  it('explains and observes why two containers on different bridges cannot talk, and draws where it stops', async () => {
    const p = page!;
    const text = await check(p, A, B);
    await screenshot(p, 'reach-e2e-not-reachable');
    assert.match(text, /✗ not reachable/, text);
    assert.match(text, new RegExp(`${A} and ${B} share no network`), text);
    assert.match(text, /Docker isolates bridge networks from each other/, text);
    assert.match(text, new RegExp(`Connect ${A} to ${NET_B}|Connect ${B} to ${NET_A}`), text);
    assert.match(text, /Observed from inside/, text);
    // Observed for real: what ping inside A says.
    const targetAddress = docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${NET_B}").IPAddress}}`, B]);
    assert.throws(() => execFileSync('docker', ['exec', A, 'ping', '-c', '1', '-W', '1', targetAddress], { stdio: 'ignore', timeout: 10_000 }), 'ping inside A fails too');
    const classes = await waitFor('the path on the diagram, with its stop', async () => {
      const found = await pathClasses(p);
      return found.stop === 1 && found.path > 0 ? found : undefined;
    }, { timeoutMs: 30_000, intervalMs: 250 });
    assert.equal(classes.stop, 1);
    await screenshot(p, 'reach-e2e-diagram');
  });

  it('says two containers on one network reach each other, and draws the path without a stop', async () => {
    const p = page!;
    const text = await check(p, A, C);
    assert.match(text, /✓ reachable/, text);
    assert.doesNotMatch(text, /not reachable/, text);
    assert.match(text, new RegExp(NET_A), text);
    await waitFor('the new path on the diagram', async () => {
      const found = await pathClasses(p);
      // Scoped to their network: both containers' eth0, both veths and the bridge.
      return found.stop === 0 && found.path >= 5 ? found : undefined;
    }, { timeoutMs: 30_000, intervalMs: 250 });
  });

  it('says first that explanation and observation disagree when a hand-made DOCKER-USER rule drops, and names the rule', async () => {
    const p = page!;
    const address = (container: string) => docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${NET_A}").IPAddress}}`, container]);
    const rule = ['DOCKER-USER', '-s', `${address(A)}/32`, '-d', `${address(C)}/32`, '-j', 'DROP'];
    execFileSync('iptables', ['-I', ...rule]);
    try {
      const text = await check(p, A, C);
      await screenshot(p, 'reach-e2e-disagreement');
      const disagreement = text.indexOf('The explanation and the observation disagree.');
      assert.ok(disagreement >= 0, text);
      assert.ok(disagreement < text.indexOf('✗ not reachable'), 'the disagreement comes before the verdict');
      assert.match(text, /DOCKER-USER/, text);
      assert.match(text, /The engine's facts say reachable; from inside the source, it is not reachable/, text);
    } finally {
      execFileSync('iptables', ['-D', ...rule]);
    }
  });
});
