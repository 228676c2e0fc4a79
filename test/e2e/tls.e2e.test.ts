/**
 * Tier 4 for TLS engines: the packaged VSIX in code-server, its engine a real TLS endpoint (socat
 * with openssl-made certificates in front of the local engine) whose certificate comes from a CA
 * the client does not have. With DOCKER_TLS (no verify) the trees fill and the views' header warns
 * "TLS not verified"; a docker context that verifies is refused with the unknown-CA sentence. The
 * host URL carries a password, which the user never sees.
 */
import * as assert from 'node:assert';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCommandFromPalette, screenshot, viewPane, waitForQuickInput, waitForRow, waitForWelcome } from '../harness/browser';
import { closeExtensionWorkbench, ensureDocker, ExtensionWorkbench, openExtensionWorkbench } from '../harness/workbench';
import { makeTlsMaterial, removeTlsMaterial, startTlsEndpoint, TlsEndpoint, TlsMaterial } from '../support/tlsEndpoint';
import { waitFor } from '../support/waitFor';

const SECRET = 's3cr3t-pw';
const CONTEXT = 'dne-tls-verified';

/** A docker config folder with one context that verifies the server against our CA. */
function writeVerifyingContext(config: string, host: string, material: TlsMaterial): void {
  const id = createHash('sha256').update(CONTEXT).digest('hex');
  mkdirSync(path.join(config, 'contexts', 'meta', id), { recursive: true });
  writeFileSync(path.join(config, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: CONTEXT, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
  const tls = path.join(config, 'contexts', 'tls', id, 'docker');
  mkdirSync(tls, { recursive: true });
  for (const file of ['ca.pem', 'cert.pem', 'key.pem']) copyFileSync(path.join(material.clientFolder, file), path.join(tls, file));
}

describe('e2e: a TLS engine in the views', () => {
  let material: TlsMaterial;
  let endpoint: TlsEndpoint;
  let config: string;
  let workbench: ExtensionWorkbench | undefined;

  before(async () => {
    ensureDocker();
    material = makeTlsMaterial();
    endpoint = await startTlsEndpoint({ cert: material.otherServerCert, key: material.otherServerKey, ca: material.ca });
    const host = `tcp://admin:${SECRET}@127.0.0.1:${endpoint.port}`;
    config = mkdtempSync(path.join(os.tmpdir(), 'dne-tls-config-'));
    writeVerifyingContext(config, host, material);
    workbench = await openExtensionWorkbench('tls', {
      views: ['Networks'],
      env: { DOCKER_HOST: host, DOCKER_TLS: '1', DOCKER_TLS_VERIFY: undefined, DOCKER_CERT_PATH: material.clientFolder, DOCKER_CONFIG: config, DOCKER_CONTEXT: undefined },
    });
  });

  after(async () => {
    await closeExtensionWorkbench(workbench, 'tls-e2e-final');
    await endpoint?.stop();
    if (material) removeTlsMaterial(material);
    if (config) rmSync(config, { recursive: true, force: true });
  });

  it('skip-verify: the trees fill, the header says "TLS not verified", and no password is shown', async () => {
    const page = workbench!.page;
    await waitForRow(page, 'Networks', ['bridge'], 30_000);
    const paneHeader = viewPane(page, 'Networks').locator('.pane-header').first();
    let seen = '';
    const header = await waitFor(
      'the header with the engine version',
      async () => {
        seen = ((await paneHeader.innerText().catch(() => '')) ?? '').trim();
        return /Docker \d/.test(seen) ? seen : undefined;
      },
      { lastSeen: () => seen },
    );
    await screenshot(page, 'tls-e2e-unverified-header', { locator: viewPane(page, 'Networks') });
    await screenshot(page, 'tls-e2e-unverified');
    assert.match(header, /admin:\*\*\*@127\.0\.0\.1/);
    // First, so that a narrow side bar does not cut it off.
    assert.match(header, /^Networks\s+⚠ TLS not verified · tcp:\/\/admin:\*\*\*@127\.0\.0\.1/);
    assert.ok(!(await page.locator('body').innerText()).includes(SECRET), 'the password is on screen');
  });

  it('a context that verifies is refused, and the notice names the unknown CA; the context list masks the password', async () => {
    const page = workbench!.page;
    await runCommandFromPalette(page, 'Switch Engine Context');
    const pick = await waitForQuickInput(page, new RegExp(CONTEXT));
    assert.ok(pick.includes('admin:***@127.0.0.1'), pick);
    assert.ok(!pick.includes(SECRET), pick);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: CONTEXT }).first().click();
    await waitForWelcome(page, 'Networks', /TLS/, 20_000);
    const toast = page.locator('.notification-toast', { hasText: 'certificate authority that is not trusted' }).first();
    await toast.waitFor({ state: 'visible', timeout: 15_000 });
    await screenshot(page, 'tls-e2e-refused');
    assert.ok(!(await page.locator('body').innerText()).includes(SECRET), 'the password is on screen');
  });
});
