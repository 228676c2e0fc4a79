/**
 * The topology webview panel, host side: one panel at a time (createOrShow), restored after a
 * reload (revive, via the serializer in register.ts), every disposable owned and released in
 * dispose. The diagram text travels by postMessage once the webview said it is ready; it is never
 * interpolated into the HTML. Redraws follow the engine's events (the session's change event),
 * debounced.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { EngineSession } from '../engine/engineSession';
import type { ProbeLevel, ProbeReason } from '../model/topology/facts';
import { generateMermaid } from '../model/topology/mermaid';
import { DEFAULT_DIAGRAM_OPTIONS, TopologyScope } from '../model/topology/types';
import { parseWebviewMessage, type PanelToWebview, type ScopeChoice, type ScopeValue, type TopologyToggles, type WebviewToPanel } from '../protocol';
import type { Services } from '../services';
import { collectTopology, isLocalEngine } from './collect';
import { localizedDiagramLabels, localizedWebviewStrings } from './localizedLabels';

export const TOPOLOGY_VIEW_TYPE = 'dockerNetworks.topology';
/**
 * The last scope and toggles, also kept in workspaceState: the webview's own state (vscode.setState)
 * is written by the workbench only now and then, so a reload soon after a change restored the old one.
 */
const REMEMBERED_KEY = 'dockerNetworks.topology.lastView';

export interface TopologyPanelState {
  scope?: ScopeValue;
  toggles?: TopologyToggles;
}

export function scopeToValue(scope: TopologyScope): ScopeValue {
  return scope.kind === 'host' ? 'host' : scope.kind === 'network' ? `network:${scope.networkId}` : `container:${scope.containerId}`;
}

export function scopeFromValue(value: ScopeValue | undefined): TopologyScope {
  if (value?.startsWith('network:')) {
    return { kind: 'network', networkId: value.slice('network:'.length) };
  }
  if (value?.startsWith('container:')) {
    return { kind: 'container', containerId: value.slice('container:'.length) };
  }
  return { kind: 'host' };
}

/** A fresh script nonce per page: unpredictable, so only our bundled script can run. */
function nonce(): string {
  return randomBytes(24).toString('base64');
}

export function levelText(level: ProbeLevel, reason: ProbeReason): string {
  if (level === 'netns') {
    return vscode.l10n.t('Observed on the host as root: bridges, veth pairs and every namespace under /var/run/docker/netns.');
  }
  if (level === 'sysfs') {
    switch (reason) {
      case 'noIpTool':
        return vscode.l10n.t('Observed through /sys and /proc (ip or nsenter missing): overlay and ingress namespaces are inferred.');
      case 'limitedByOption':
        return vscode.l10n.t('Observed through /sys and /proc (limited by request): overlay and ingress namespaces are inferred.');
      default:
        return vscode.l10n.t('Observed without root through /sys and /proc: overlay and ingress namespaces are inferred.');
    }
  }
  switch (reason) {
    case 'remoteEngine':
      return vscode.l10n.t('Engine is remote: host plumbing inferred from the Engine API (dashed).');
    case 'notLinux':
      return vscode.l10n.t('Not a Linux host: host plumbing inferred from the Engine API (dashed).');
    case 'noSysfs':
      return vscode.l10n.t('/sys/class/net is not readable: host plumbing inferred from the Engine API (dashed).');
    default:
      return vscode.l10n.t('Host plumbing inferred from the Engine API (dashed).');
  }
}

export class TopologyPanel {
  static current: TopologyPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private sessionListener: { dispose(): void } | undefined;
  private ready = false;
  private timer: NodeJS.Timeout | undefined;
  private updating = false;
  private updateAgain = false;
  private revision = 0;
  private lastSource = '';
  private engineName: { session: EngineSession; name?: string } | undefined;
  private scope: TopologyScope;
  private toggles: TopologyToggles;

  static createOrShow(services: Services, scope?: TopologyScope): TopologyPanel {
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
    if (TopologyPanel.current) {
      TopologyPanel.current.panel.reveal(column);
      if (scope) {
        TopologyPanel.current.setScope(scope);
      }
      return TopologyPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(TOPOLOGY_VIEW_TYPE, vscode.l10n.t('Docker Network Topology'), column, TopologyPanel.webviewOptions(services.context.extensionUri));
    TopologyPanel.current = new TopologyPanel(panel, services, scope ?? { kind: 'host' }, undefined);
    return TopologyPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, services: Services, state: TopologyPanelState | undefined): void {
    panel.webview.options = TopologyPanel.webviewOptions(services.context.extensionUri);
    TopologyPanel.current?.dispose();
    const remembered = services.context.workspaceState.get<TopologyPanelState>(REMEMBERED_KEY) ?? state;
    TopologyPanel.current = new TopologyPanel(panel, services, scopeFromValue(remembered?.scope), remembered?.toggles);
  }

  private static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: Services,
    scope: TopologyScope,
    toggles: TopologyToggles | undefined,
  ) {
    this.scope = scope;
    const showMACs = vscode.workspace.getConfiguration('dockerNetworks').get<boolean>('topology.showMacAddresses', false);
    this.toggles = toggles ?? services.context.workspaceState.get<TopologyPanelState>(REMEMBERED_KEY)?.toggles ?? {
      showIPs: DEFAULT_DIAGRAM_OPTIONS.showIPs,
      showMACs,
      showStopped: DEFAULT_DIAGRAM_OPTIONS.showStopped,
      showUnmanaged: DEFAULT_DIAGRAM_OPTIONS.showUnmanaged,
      showInferred: DEFAULT_DIAGRAM_OPTIONS.showInferred,
    };
    this.panel.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'network.svg');
    this.panel.webview.html = this.html();
    this.disposables.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((value: unknown) => this.receive(value)),
      this.services.onDidChangeSession((session) => this.watch(session)),
    );
    this.watch(services.session);
    this.remember();
  }

  private watch(session: EngineSession): void {
    this.sessionListener?.dispose();
    this.sessionListener = session.onDidChange(() => this.schedule(250));
    this.schedule(0);
  }

  setScope(scope: TopologyScope): void {
    this.scope = scope;
    this.remember();
    this.schedule(0);
  }

  private remember(): void {
    const state: TopologyPanelState = { scope: scopeToValue(this.scope), toggles: this.toggles };
    void this.services.context.workspaceState.update(REMEMBERED_KEY, state);
  }

  private post(message: PanelToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private schedule(delayMs: number): void {
    if (!this.ready) {
      return;
    }
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.update();
    }, delayMs);
  }

  private async update(): Promise<void> {
    if (this.updating) {
      this.updateAgain = true;
      return;
    }
    this.updating = true;
    try {
      await this.render();
    } catch (error) {
      this.services.log.error(`topology: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      this.post({ type: 'error', message: vscode.l10n.t('Could not draw the topology: {0}', error instanceof Error ? error.message : String(error)) });
    } finally {
      this.updating = false;
      if (this.updateAgain) {
        this.updateAgain = false;
        void this.update();
      }
    }
  }

  private async engineHostName(session: EngineSession): Promise<string | undefined> {
    if (this.engineName?.session !== session) {
      let name: string | undefined;
      try {
        name = (await session.client.info()).Name;
      } catch {
        name = undefined;
      }
      this.engineName = { session, name };
    }
    return this.engineName.name;
  }

  private async render(): Promise<void> {
    const session = this.services.session;
    const snapshot = session.snapshot;
    if (session.state.kind === 'connecting' || (session.state.kind === 'connected' && !snapshot)) {
      // The session's change event brings the first snapshot: no error meanwhile (panel restored at startup).
      this.post({ type: 'notice', message: vscode.l10n.t('Connecting to the Docker engine…') });
      return;
    }
    if (session.state.kind !== 'connected' || !snapshot) {
      this.post({ type: 'error', message: vscode.l10n.t('The Docker engine is not reachable.') });
      return;
    }
    this.post({ type: 'busy' });
    const started = Date.now();
    const local = isLocalEngine(session.target, await this.engineHostName(session));
    const { inventory, topology, facts } = await collectTopology({ snapshot, inspect: (id) => session.containerDetails(id), local });
    // A scope whose object is gone falls back to the whole host.
    if (
      (this.scope.kind === 'network' && !inventory.networkById.has(this.scope.networkId)) ||
      (this.scope.kind === 'container' && !inventory.containerById.has(this.scope.containerId))
    ) {
      this.scope = { kind: 'host' };
    }
    const diagram = generateMermaid(topology, this.scope, { ...DEFAULT_DIAGRAM_OPTIONS, ...this.toggles }, localizedDiagramLabels());
    this.lastSource = diagram.text;
    const scopes: ScopeChoice[] = [
      { value: 'host', label: vscode.l10n.t('Whole host') },
      ...inventory.networks.map((network) => ({ value: `network:${network.id}` as ScopeValue, label: vscode.l10n.t('Network: {0}', network.name) })),
      ...inventory.containers
        .filter((container) => container.running || this.toggles.showStopped)
        .map((container) => ({ value: `container:${container.id}` as ScopeValue, label: vscode.l10n.t('Container: {0}', container.name) })),
    ];
    this.revision++;
    this.post({
      type: 'diagram',
      source: diagram.text,
      nodeTargets: diagram.nodeTargets,
      scope: scopeToValue(this.scope),
      scopes,
      toggles: this.toggles,
      levelText: levelText(facts.level, facts.reason),
      strings: localizedWebviewStrings(),
      revision: this.revision,
    });
    this.services.log.info(
      `topology: level ${facts.level} (${facts.reason}), ${topology.namespaces.length} namespaces, ${diagram.nodeCount} nodes, probe ${facts.elapsedMs ?? 0} ms, total ${Date.now() - started} ms`,
    );
    for (const warning of facts.warnings) {
      this.services.log.warn(`topology probe: ${warning}`);
    }
  }

  /** A message from the page: acted on if it has the shape of one, else logged and ignored. */
  private receive(value: unknown): void {
    const message = parseWebviewMessage(value);
    if (!message) {
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch {
        text = undefined;
      }
      this.services.log.warn(`topology: ignored a malformed message from the webview: ${(text ?? String(value)).slice(0, 200)}`);
      return;
    }
    this.onMessage(message).catch((error: unknown) => {
      this.services.log.error(`topology: ${message.type} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    });
  }

  private async onMessage(message: WebviewToPanel): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.schedule(0);
        break;
      case 'setScope':
        this.setScope(scopeFromValue(message.scope));
        break;
      case 'setToggles':
        this.toggles = { ...this.toggles, ...message.toggles };
        this.remember();
        this.schedule(0);
        break;
      case 'refresh':
        await this.services.refreshNow().catch(() => undefined);
        this.schedule(0);
        break;
      case 'reveal':
        await this.services.revealInTree(message.target);
        break;
      case 'copySource':
        await vscode.env.clipboard.writeText(this.lastSource);
        void vscode.window.showInformationMessage(vscode.l10n.t('Mermaid source copied to the clipboard.'));
        break;
      case 'exportSvg':
        await this.save(message.svg, 'svg', vscode.l10n.t('SVG image'));
        break;
      case 'saveMarkdown':
        await this.save(`# ${vscode.l10n.t('Docker Network Topology')}\n\n\`\`\`mermaid\n${this.lastSource}\`\`\`\n`, 'md', vscode.l10n.t('Markdown'));
        break;
      case 'rendered':
        this.services.log.info(`topology: rendered revision ${message.revision} (${message.nodeCount} nodes) in ${message.milliseconds} ms`);
        break;
      case 'renderError':
        this.services.log.error(`topology: Mermaid could not render: ${message.message}`);
        break;
    }
  }

  private async save(content: string, extension: string, filterName: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, `docker-topology.${extension}`) : undefined,
      filters: { [filterName]: [extension] },
    });
    if (target) {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
      void vscode.window.showInformationMessage(vscode.l10n.t('Saved {0}', target.fsPath || target.toString()));
    }
  }

  private html(): string {
    const webview = this.panel.webview;
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.services.context.extensionUri, 'dist', 'webview', 'topology.js'));
    const n = nonce();
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${n}'`,
      `style-src ${webview.cspSource} 'unsafe-inline'`,
      `img-src ${webview.cspSource} data:`,
      `font-src ${webview.cspSource}`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${vscode.l10n.t('Docker Network Topology')}</title>
</head>
<body>
<div id="toolbar" role="toolbar"></div>
<div id="status" role="status"></div>
<div id="viewport"><div id="stage"><div id="diagram"></div></div></div>
<script nonce="${n}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (TopologyPanel.current === this) {
      TopologyPanel.current = undefined;
    }
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.sessionListener?.dispose();
    this.panel.dispose();
    while (this.disposables.length > 0) {
      this.disposables.pop()?.dispose();
    }
  }
}
