/**
 * Extension-host tier: the topology panel probes only while it is shown, and nothing after it
 * is closed. The real engine; the panel's own page (code-server's webview in Chromium) draws.
 * Counted with the panel's probeCount (one probe per redraw that reached the engine). The engine
 * is shared: a change of the session made by someone else's test may redraw a shown panel, so
 * the session's changes are counted beside the probes.
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { docker, removeLabelled } from '../support/dockerCli';
import { sleep, waitFor } from '../support/waitFor';

const EXTENSION_ID = 'docker-network-explorer.docker-network-explorer';
const LABEL = 'dne.test.scalepanel';
const NETWORK = 'dne-scp-net';

interface PanelLike {
  readonly probeCount: number;
  readonly visible: boolean;
  dispose(): void;
}
interface TestApi {
  topologyPanel(): PanelLike | undefined;
  services: { session: { onDidChange(listener: () => void): { dispose(): void } } };
}

/** Counts the session's changes (each would make a shown panel redraw) until disposed. */
function countChanges(api: TestApi): { readonly count: number; dispose(): void } {
  let count = 0;
  const listener = api.services.session.onDidChange(() => count++);
  return { get count() { return count; }, dispose: () => listener.dispose() };
}


/** Engine events and session refreshes: what would make a shown panel redraw. */
async function stir(times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    docker(['network', 'create', '--label', 'dne.test=1', '--label', `${LABEL}=1`, `${NETWORK}-${i}`]);
    await vscode.commands.executeCommand('dockerNetworks.refresh');
    docker(['network', 'rm', `${NETWORK}-${i}`]);
  }
}

describe('topology panel: probes only while shown', function () {
  this.timeout(120_000);
  let api: TestApi;

  before(async () => {
    removeLabelled(LABEL);
    const ext = vscode.extensions.getExtension<TestApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this host`);
    api = ext.isActive ? ext.exports : await ext.activate();
  });

  after(async () => {
    api?.topologyPanel()?.dispose();
    removeLabelled(LABEL);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('hidden: refreshes and engine events make no probe; shown again: one; closed: none ever again', async () => {
    const bridgeId = docker(['network', 'inspect', '--format', '{{.Id}}', 'bridge']);
    await vscode.commands.executeCommand('dockerNetworks.showTopology', { kind: 'network', networkId: bridgeId });
    const panel = await waitFor('the panel to probe once', async () => {
      const current = api.topologyPanel();
      return current && current.probeCount >= 1 ? current : undefined;
    }, { timeoutMs: 60_000, intervalMs: 100 });

    const document = await vscode.workspace.openTextDocument({ content: 'hides the panel' });
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Active, preview: false });
    await waitFor('the panel to be hidden', async () => (panel.visible ? undefined : true), { timeoutMs: 10_000, intervalMs: 50 });
    await sleep(1000);
    const hidden = panel.probeCount;
    const whileHidden = countChanges(api);
    await stir(5);
    await sleep(2000);
    whileHidden.dispose();
    assert.ok(whileHidden.count >= 1, 'the events did not reach the session');
    assert.strictEqual(panel.probeCount, hidden, `the hidden panel probed (${whileHidden.count} session changes)`);

    const afterReveal = countChanges(api);
    await vscode.commands.executeCommand('dockerNetworks.showTopology', { kind: 'network', networkId: bridgeId });
    await waitFor('the shown panel to probe', async () => (panel.probeCount > hidden ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
    await sleep(2000);
    afterReveal.dispose();
    console.log(`      topology: ${whileHidden.count} session changes while hidden, 0 probes; ${panel.probeCount - hidden} probes after the reveal, ${afterReveal.count} session changes after it`);
    // One probe for the reveal; more only for changes of the session after it (other tests' events).
    assert.ok(panel.probeCount - hidden <= 1 + afterReveal.count, `shown again: ${panel.probeCount - hidden} probes for ${afterReveal.count} later session changes`);

    panel.dispose();
    assert.strictEqual(api.topologyPanel(), undefined);
    const closed = panel.probeCount;
    const whileClosed = countChanges(api);
    await stir(3);
    await sleep(2000);
    whileClosed.dispose();
    assert.ok(whileClosed.count >= 1, 'the events did not reach the session');
    assert.strictEqual(panel.probeCount, closed, 'the closed panel probed');
  });
});
