/**
 * Tier 4, Workspace Trust: the packaged VSIX in code-server with Workspace Trust on, a folder that
 * is not trusted (Restricted Mode) and whose .vscode/settings.json points `dockerNetworks.dockerHost`
 * at another engine (tcp://127.0.0.1:9, where nothing listens) and lists two engines in
 * `dockerNetworks.engines` (that one and the local socket).
 *
 *  1. In Restricted Mode the extension runs (capabilities.untrustedWorkspaces "limited") and the
 *     folder's dockerHost and engines are ignored: the Networks view shows the local engine's
 *     networks at the top level (no engine roots).
 *  2. Once the user trusts the folder, its settings apply: one root per engine, the one at
 *     127.0.0.1:9 unreachable, the local one with its networks.
 *
 * The network this file creates carries dne.test=1 and dne.test.restricted=1 (cleaned before and after).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureViewExpanded, openViewContainer, paneText, screenshot, waitForRow } from '../harness/browser';
import { CodeServer, REPO_ROOT } from '../harness/codeServer';
import { closeExtensionWorkbench, ensureDocker, openExtensionWorkbench } from '../harness/workbench';
import { docker, removeLabelled } from '../support/dockerCli';
import { waitFor } from '../support/waitFor';

const OWN_LABEL = 'dne.test.restricted=1';
const NET = 'dne-rm-net';
const FOREIGN_HOST = 'tcp://127.0.0.1:9';

/** The status bar's "Restricted Mode" entry (shown while the folder is not trusted). */
function restrictedModeItem(page: Page) {
  return page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first();
}

describe('Restricted Mode (e2e: VSIX in code-server with Workspace Trust on)', { timeout: 300_000 }, () => {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;

  before(async () => {
    ensureDocker();
    removeLabelled(OWN_LABEL);
    docker(['network', 'create', '--label', 'dne.test=1', '--label', OWN_LABEL, NET]);
    const workspace = fs.mkdtempSync(path.join(REPO_ROOT, 'test-output', 'restricted-workspace-'));
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'dockerNetworks.dockerHost': FOREIGN_HOST, 'dockerNetworks.engines': [FOREIGN_HOST, 'unix:///var/run/docker.sock'] }, null, 2));
    // No views opened here: the test first looks for the Restricted Mode indicator.
    ({ server, browser, page } = await openExtensionWorkbench('docker-network-explorer-restricted-e2e', {
      width: 1280,
      height: 800,
      workspace,
      workspaceTrust: true,
      settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' },
    }));
  });

  after(async () => {
    await closeExtensionWorkbench({ server, browser, page }, 'restricted-mode-final', 60);
    if (server) fs.rmSync(server.workspace, { recursive: true, force: true });
    removeLabelled(OWN_LABEL);
  });

  it('runs in Restricted Mode and ignores the folder\'s dockerHost and engines', async () => {
    const p = page!;
    await restrictedModeItem(p).waitFor({ state: 'visible', timeout: 30_000 });
    await openViewContainer(p, 'Docker Networks');
    await ensureViewExpanded(p, 'Networks');
    await waitForRow(p, 'Networks', [NET], 30_000).catch(async (error: Error) => {
      throw new Error(`${error.message}; the view shows: ${await paneText(p, 'Networks')}`);
    });
    await screenshot(p, 'restricted-mode');
  });

  it('uses the folder\'s engines once the folder is trusted', async () => {
    const p = page!;
    await restrictedModeItem(p).click(); // opens the Workspace Trust editor
    const trust = p.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust( Folder)?$/ }).first();
    await trust.waitFor({ state: 'visible', timeout: 10_000 });
    await trust.click();
    await openViewContainer(p, 'Docker Networks');
    // Two roots: the folder's engines apply (the unreachable one says so, the local one lists its networks).
    const text = await waitFor('both engine roots in the Networks view', async () => {
      const shown = await paneText(p, 'Networks');
      return /127\.0\.0\.1:9/.test(shown) && /unreachable/i.test(shown) && shown.includes(NET) ? shown : undefined;
    }, { timeoutMs: 30_000 }).catch(async (error: Error) => {
      throw new Error(`${error.message}; the view shows: ${await paneText(p, 'Networks')}`);
    });
    console.log(`trusted: the Networks view shows: ${text.split('\n').slice(0, 3).join(' | ')}`);
  });
});
