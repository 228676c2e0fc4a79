/**
 * Extension-host tier for TLS engines: what the user sees when the engine is reached over TLS
 * whose certificate is not checked, with a password in the host URL: the views' header warns
 * "TLS not verified" and never shows the password, nor does the log. A refused connection logs
 * the sentence that names the failed check. Real TLS endpoint: test/support/tlsEndpoint.ts.
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../src/extension';
import { makeTlsMaterial, removeTlsMaterial, startTlsEndpoint, TlsEndpoint, TlsMaterial } from '../support/tlsEndpoint';
import { waitFor } from '../support/waitFor';

const EXTENSION_ID = 'docker-network-explorer.docker-network-explorer';
const SECRET = 's3cr3t-pw';
const TLS_VARIABLES = ['DOCKER_TLS', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'] as const;

describe('TLS engines in the views', function () {
  this.timeout(60_000);
  let api: ExtensionTestApi;
  let material: TlsMaterial;
  let endpoint: TlsEndpoint;
  const saved = new Map<string, string | undefined>();
  const logged: string[] = [];

  before(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID)!;
    api = extension.isActive ? extension.exports : await extension.activate();
    material = makeTlsMaterial();
    // The server's certificate comes from a CA the client does not have: only skip-verify connects.
    endpoint = await startTlsEndpoint({ cert: material.otherServerCert, key: material.otherServerKey, ca: material.ca });
    for (const name of TLS_VARIABLES) saved.set(name, process.env[name]);
    // Everything the session manager logs, as it logs it.
    const log = api.services.log as unknown as Record<'info' | 'warn' | 'error', (message: string) => void>;
    for (const level of ['info', 'warn', 'error'] as const) {
      const original = log[level].bind(log);
      log[level] = (message: string) => {
        logged.push(message);
        original(message);
      };
    }
  });

  after(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await vscode.workspace.getConfiguration('dockerNetworks').update('dockerHost', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('connected to the local engine again', () => api.services.session.state.kind === 'connected' && !api.services.session.target.tls);
    await endpoint?.stop();
    if (material) removeTlsMaterial(material);
  });

  const useHost = async (host: string, variables: Partial<Record<(typeof TLS_VARIABLES)[number], string>>) => {
    for (const name of TLS_VARIABLES) delete process.env[name];
    Object.assign(process.env, variables);
    logged.length = 0;
    await vscode.workspace.getConfiguration('dockerNetworks').update('dockerHost', host, vscode.ConfigurationTarget.Global);
    await waitFor(`a session for ${host.replace(SECRET, '***')}`, () => api.services.session.target.host === host);
  };

  it('skip-verify connects, the header says "TLS not verified", and the password is shown nowhere', async () => {
    await useHost(`tcp://admin:${SECRET}@127.0.0.1:${endpoint.port}`, { DOCKER_TLS: '1', DOCKER_CERT_PATH: material.clientFolder });
    await waitFor('connected over unverified TLS', () => api.services.session.state.kind === 'connected', {
      lastSeen: () => JSON.stringify(api.services.session.state),
    });
    const description = await waitFor('the header with the engine version', () => (/Docker/.test(api.viewDescription() ?? '') ? api.viewDescription() : undefined));
    assert.ok(description!.includes('admin:***@127.0.0.1'), description);
    assert.ok(description!.includes('TLS not verified'), description);
    assert.ok(!description!.includes(SECRET), description);
    assert.ok(logged.some((line) => /TLS not verified/.test(line)), logged.join('\n'));
    assert.ok(!logged.some((line) => line.includes(SECRET)), logged.join('\n'));
  });

  it('several engines: the root of the unverified one says so; labels, ids and the stored view hold no secret', async () => {
    const TOKEN = 'tok3n-xyz';
    const entry = `tcp://admin:p@${SECRET}@127.0.0.1:${endpoint.port}/?token=${TOKEN}`;
    for (const name of TLS_VARIABLES) delete process.env[name];
    Object.assign(process.env, { DOCKER_TLS: '1', DOCKER_CERT_PATH: material.clientFolder });
    logged.length = 0;
    const config = vscode.workspace.getConfiguration('dockerNetworks');
    await config.update('engines', [entry, 'unix:///var/run/docker.sock'], vscode.ConfigurationTarget.Global);
    try {
      const roots = await waitFor('two roots, both connected', async () => {
        const nodes = (await api.networksTree.getChildren()) ?? [];
        const found = await Promise.all(nodes.map(async (node) => ({ node, item: await api.networksTree.getTreeItem(node) })));
        return found.length === 2 && found.every((row) => String(row.item.description).startsWith('connected')) ? found : undefined;
      }, { timeoutMs: 20_000 });
      const [unverified, verified] = roots;
      assert.match(String(unverified.item.description), /^connected, certificate not verified · /);
      assert.match(String(verified.item.description), /^connected · /);
      assert.strictEqual(unverified.item.label, `tcp://admin:***@127.0.0.1:${endpoint.port}/?token=***`);
      assert.ok((unverified.item.tooltip as vscode.MarkdownString).value.includes('certificate is not verified'));
      // Open the topology on that engine: the view state it stores names the engine by its key.
      await vscode.commands.executeCommand('dockerNetworks.showTopology', unverified.node);
      await waitFor('the panel drawing the unverified engine', () => (api.topologyPanel()?.lastSource ? true : undefined), { timeoutMs: 20_000 });
      const stored = JSON.stringify(api.services.context.workspaceState.get('dockerNetworks.topology.lastView'));
      const children = (await api.networksTree.getChildren(unverified.node)) ?? [];
      const items = await Promise.all([unverified.node, ...children].map((node) => api.networksTree.getTreeItem(node)));
      const shown = [stored, JSON.stringify(unverified.node), ...children.map((node) => JSON.stringify(node)), ...items.map((item) => `${item.id} ${String(item.label)}`), ...logged];
      for (const secret of [SECRET, TOKEN, 'p@']) {
        assert.ok(!shown.some((text) => text.includes(secret)), `${secret} in:\n${shown.join('\n')}`);
      }
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await config.update('engines', undefined, vscode.ConfigurationTarget.Global);
      await waitFor('one engine again', () => (api.services.severalEngines().length === 0 ? true : undefined));
    }
  });

  it('a verified connection to that server is refused, and the log names the unknown CA', async () => {
    await useHost(`tcp://admin:${SECRET}@localhost:${endpoint.port}`, { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: material.clientFolder });
    const state = await waitFor('refused', () => (api.services.session.state.kind === 'unreachable' ? api.services.session.state : undefined));
    assert.strictEqual(state.kind === 'unreachable' && state.tls?.check, 'unknownCa');
    await waitFor('the unknown-CA sentence in the log', () => logged.some((line) => line.includes('signed by a certificate authority that is not trusted')), {
      lastSeen: () => logged.join('\n'),
    });
    assert.ok(!api.viewDescription()?.includes('TLS not verified'), api.viewDescription());
    assert.ok(!logged.some((line) => line.includes(SECRET)), logged.join('\n'));
  });
});
