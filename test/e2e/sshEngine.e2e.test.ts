/**
 * An ssh:// engine as a user meets it: the packaged VSIX in code-server (its own HOME, so its own
 * ~/.ssh, and no SSH agent), DOCKER_HOST pointing at a private OpenSSH server on 127.0.0.1 whose
 * `docker system dial-stdio` reaches the local engine. The first connection shows a modal warning
 * with the host key's fingerprint; Continue, then the passphrase of the only identity file in a
 * password input; then the trees show the engine (the header names it), and known_hosts holds the key.
 *
 * It creates nothing on the engine; the sshd, its keys and the HOME folder are removed in `after`.
 */
import * as assert from 'node:assert';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ensureViewExpanded, screenshot, waitForQuickInput, waitForRow } from '../harness/browser';
import { closeExtensionWorkbench, ensureDocker, ExtensionWorkbench, openExtensionWorkbench } from '../harness/workbench';
import { waitFor } from '../support/waitFor';
import { KEY_PASSPHRASE, SshTestServer, startSshServer } from '../support/sshServer';

describe('ssh:// engine (e2e: VSIX in code-server + Chromium + a real sshd)', { timeout: 600_000, skip: !existsSync('/usr/sbin/sshd') && 'openssh-server is not installed' }, () => {
  let server: SshTestServer | undefined;
  let home = '';
  let workbench: ExtensionWorkbench | undefined;
  let page: Page | undefined;

  before(async () => {
    ensureDocker();
    server = await startSshServer();
    home = mkdtempSync(path.join(os.tmpdir(), 'dne-ssh-e2e-home-'));
    mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
    copyFileSync(server.passphraseKey, path.join(home, '.ssh', 'id_ed25519'));
    workbench = await openExtensionWorkbench('docker-network-explorer-ssh-e2e', {
      width: 1280,
      height: 900,
      views: [],
      // DOCKER_HOST, as a user's shell would set it (the machine-overridable setting is not read
      // from code-server's user settings).
      env: { HOME: home, SSH_AUTH_SOCK: '', DOCKER_HOST: `ssh://${server.user}@127.0.0.1:${server.port}` },
    });
    page = workbench.page;
  });

  after(async () => {
    await closeExtensionWorkbench(workbench, 'ssh-e2e-final');
    await server?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('asks about the unknown host key with its fingerprint, then the passphrase once, and shows the engine', async () => {
    const p = page!;
    const dialog = p.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 60_000 });
    const text = await dialog.innerText();
    assert.ok(text.includes(`The authenticity of host "[127.0.0.1]:${server!.port}" can't be established.`), text);
    assert.ok(text.includes(`ssh-ed25519 key fingerprint is ${server!.hostFingerprint()}.`), text);
    await screenshot(p, 'ssh-e2e-host-key');
    await dialog.locator('.monaco-button', { hasText: /^Continue$/ }).first().click();

    await waitForQuickInput(p, /passphrase/i, 30_000);
    const input = p.locator('.quick-input-widget input').first();
    assert.equal(await input.getAttribute('type'), 'password');
    await screenshot(p, 'ssh-e2e-passphrase');
    await input.fill(KEY_PASSPHRASE);
    await p.keyboard.press('Enter');

    const pane = await ensureViewExpanded(p, 'Networks');
    // The engine is shared (other test files may list dozens of networks): the predefined bridge,
    // and the header naming the ssh:// engine with its version, say the trees come over SSH.
    await waitForRow(p, 'Networks', ['bridge'], 30_000);
    const where = `ssh://${server!.user}@127.0.0.1:${server!.port}`;
    const header = await waitFor(`the Networks header to name ${where} and its Docker version`, async () => {
      const text = (await pane.locator('.pane-header').first().innerText().catch(() => '')) ?? '';
      return text.includes(`${where} · Docker `) ? text : undefined;
    }, { timeoutMs: 30_000 });
    assert.ok(header.includes(where));
    await screenshot(p, 'ssh-e2e-connected');
    assert.match(readFileSync(path.join(home, '.ssh', 'known_hosts'), 'utf8'), /^\|1\|\S+ ssh-ed25519 /);
    assert.equal(await p.locator('.quick-input-widget input:visible').count(), 0, 'the passphrase is not asked again');
  });
});
