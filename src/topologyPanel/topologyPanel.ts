/**
 * The topology webview panel, host side: its lifecycle. One panel at a time (TopologyPanels.show,
 * which commands reach through Services), restored after a reload (revive, via the serializer in
 * register.ts), every disposable owned and
 * released in dispose. The page is static HTML with a CSP and a script nonce; the diagram travels
 * by postMessage (the first one while the page loads: VS Code delivers it once the page listens),
 * never interpolated into the HTML.
 *
 * The parts, each in its own file: what to draw (viewState.ts, owned here, on the host), when to
 * redraw (renderScheduler.ts), one redraw (topologyDiagram.ts), the exports (fileExport.ts).
 * Every message from the page is shape-checked (protocol.ts) before it is acted on.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import * as vscode from 'vscode';
import type { EngineSession } from '../engine/engineSession';
import type { ReachPath } from '../model/reachability/types';
import { DEFAULT_DIAGRAM_OPTIONS, TopologyScope } from '../model/topology/types';
import { ALIVE_LEASE_MS, parseWebviewMessage, type PanelToWebview, type TopologyToggles, type WebviewToPanel } from './protocol';
import type { Services } from '../services';
import { copyMermaidSource, saveMarkdown, saveSvg } from './fileExport';
import { RenderScheduler } from './renderScheduler';
import { pickScope } from './scopePicker';
import { TopologyDiagram } from './topologyDiagram';
import { TrafficOverlayHost } from './trafficOverlay';
import { scopeFromValue, TopologyViewState } from './viewState';

import type { CaptureTarget } from '../model/capture/types';

export const TOPOLOGY_VIEW_TYPE = 'dockerNetworks.topology';
/** Wait after a change of the host's interfaces before redrawing: a burst of them makes one redraw. */
const REDRAW_DELAY_MS = 250;
/** After a session refresh, which already gathered a burst of engine events: at once (the next turn). */
const SESSION_REDRAW_DELAY_MS = 0;

/** A fresh script nonce per page: unpredictable, so only our bundled script can run. */
function nonce(): string {
  return randomBytes(24).toString('base64');
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** For the log: the stack when there is one. */
function errorDetail(error: unknown): string {
  return error instanceof Error ? error.stack ?? error.message : String(error);
}

/** A short, safe description of a refused message for the log. */
function describeMessage(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  text ??= String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * The page: a toolbar, a status line and the diagram's viewport; our bundled script only. The script
 * is an ES module whose chunks (dist/webview/chunks/: Mermaid, the flowchart, dagre) it imports
 * itself; they inherit the nonce of the script element that started the module graph.
 */
function topologyHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'topology.js'));
  const n = nonce();
  const preloads = firstDiagramChunks(extensionUri)
    .map((file) => `<link rel="modulepreload" nonce="${n}" href="${webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'chunks', file))}">`)
    .join('\n');
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
${preloads}
</head>
<body>
<div id="toolbar" role="toolbar"></div>
<div id="status" role="status"></div>
<div id="viewport"><div id="stage"><div id="diagram"></div></div></div>
<script type="module" nonce="${n}" src="${script}"></script>
</body>
</html>`;
}

/**
 * The chunks the first diagram loads (Mermaid's core and what it shares, the flowchart, dagre),
 * fetched and compiled while the page boots, side by side, instead of one after the other once the
 * page asks for them. KaTeX and the other lazy chunks stay unfetched until a diagram needs them.
 */
function firstDiagramChunks(extensionUri: vscode.Uri): string[] {
  try {
    return readdirSync(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'chunks').fsPath).filter((file) => /^(chunk|mermaid\.core|flowDiagram|dagre)-[\w-]+\.js$/.test(file));
  } catch {
    return []; // only slower: the page imports them itself
  }
}

/** The panel's title: it names the engine when several are shown. */
function panelTitle(services: Services): string {
  return services.engine ? vscode.l10n.t('Docker Network Topology · {0}', services.engine.label) : vscode.l10n.t('Docker Network Topology');
}

/** The toggles of a first panel: the diagram's defaults, MAC addresses as the setting says. */
function defaultToggles(): TopologyToggles {
  return {
    showIPs: DEFAULT_DIAGRAM_OPTIONS.showIPs,
    showMACs: vscode.workspace.getConfiguration('dockerNetworks').get<boolean>('topology.showMacAddresses', false),
    showStopped: DEFAULT_DIAGRAM_OPTIONS.showStopped,
    showUnmanaged: DEFAULT_DIAGRAM_OPTIONS.showUnmanaged,
    showInferred: DEFAULT_DIAGRAM_OPTIONS.showInferred,
  };
}

/**
 * The window's one topology panel: opened or revealed (show), restored after a reload (revive),
 * forgotten when it closes. The extension owns one; commands reach it through Services.topologyPanel.
 */
export class TopologyPanels {
  private panel: TopologyPanel | undefined;

  /** The open panel, if any (the extension's test API reads it). */
  get current(): TopologyPanel | undefined {
    return this.panel;
  }

  /** Opens the panel on these services' engine, or reveals the open one, which follows that engine. */
  show(services: Services, scope?: TopologyScope): TopologyPanel {
    if (this.panel) {
      this.panel.reveal(services, scope);
      return this.panel;
    }
    const created = TopologyPanel.create(services, scope, () => this.forget(created));
    this.panel = created;
    return created;
  }

  /** A panel restored after a reload replaces the open one, if any. */
  revive(webviewPanel: vscode.WebviewPanel, services: Services): void {
    this.panel?.dispose();
    const revived = TopologyPanel.revive(webviewPanel, services, () => this.forget(revived));
    this.panel = revived;
  }

  /** What the open panel's drawn node captures on (its context menu). */
  captureTargetAt(nodeId: string): CaptureTarget | undefined {
    return this.panel?.captureTargetAt(nodeId);
  }

  /** Several engines: the engine the open panel draws while it is the active editor. */
  activeEngine(): string | undefined {
    return this.panel?.activeEngine;
  }

  private forget(panel: TopologyPanel): void {
    if (this.panel === panel) {
      this.panel = undefined;
    }
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

export class TopologyPanel {
  private readonly disposables: vscode.Disposable[] = [];
  private sessionListener: { dispose(): void } | undefined;
  private sessionsListener: { dispose(): void } | undefined;
  private readonly viewState: TopologyViewState;
  private readonly diagram: TopologyDiagram;
  private readonly scheduler: RenderScheduler;
  /** The Traffic overlay: samples only while the panel is visible and the toggle on. */
  private readonly traffic: TrafficOverlayHost;
  private disposed = false;
  /** The last diagram posted (posted again when the page that loaded with it says it is ready). */
  private lastDiagram: PanelToWebview | undefined;
  /** When the page began loading (the log says how long a webview takes to boot). */
  private pageLoadStartedAt: number | undefined = Date.now();

  /** A new panel beside the editor (TopologyPanels.show: there is none open). */
  static create(services: Services, scope: TopologyScope | undefined, onDisposed: () => void): TopologyPanel {
    const panel = vscode.window.createWebviewPanel(TOPOLOGY_VIEW_TYPE, panelTitle(services), TopologyPanel.column(), TopologyPanel.webviewOptions(services.context.extensionUri));
    return new TopologyPanel(panel, services, onDisposed, scope ?? { kind: 'host' });
  }

  /** A panel restored after a reload: its view state is the host's (workspaceState), not the page's. */
  static revive(panel: vscode.WebviewPanel, services: Services, onDisposed: () => void): TopologyPanel {
    panel.webview.options = TopologyPanel.webviewOptions(services.context.extensionUri);
    return new TopologyPanel(panel, services, onDisposed);
  }

  private static column(): vscode.ViewColumn {
    return vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
  }

  /** Shows this panel again, following these services' engine and, given a scope, drawing it. */
  reveal(services: Services, scope?: TopologyScope): void {
    this.panel.reveal(TopologyPanel.column());
    this.useEngine(services);
    if (scope) {
      this.showScope(scope);
    }
  }

  private static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
  }

  /** How many times this panel probed the host (tests read it; the log has one line per probe). */
  get probeCount(): number {
    return this.diagram.probeCount;
  }

  /** The probe level of the last diagram drawn, as a sentence (tests read it: a remote engine is drawn from the API). */
  get lastLevelLine(): string {
    return this.diagram.lastLevelLine;
  }

  /** The Mermaid source of the last diagram drawn. */
  get lastSource(): string {
    return this.diagram.lastSource;
  }

  /**
   * Several engines: the engine this panel draws while it is the active editor (its title bar, or
   * the palette with the panel in front), else undefined.
   */
  get activeEngine(): string | undefined {
    return this.panel.active ? this.services.engine?.key : undefined;
  }

  /** The Traffic overlay's state (the extension's test API reads it: no sampling while hidden or off). */
  get trafficState(): { on: boolean; sampling: boolean; samplesTaken: number } {
    return { on: this.viewState.traffic, sampling: this.traffic.sampling, samplesTaken: this.traffic.samplesTaken };
  }

  /** Whether the panel is shown (a hidden panel neither probes nor draws). */
  get visible(): boolean {
    return this.panel.visible;
  }

  /** What the drawn node `nodeId` captures on (its context menu), when it is a capturable interface. */
  captureTargetAt(nodeId: string): CaptureTarget | undefined {
    return this.diagram.captureTargets.get(nodeId);
  }

  /** Draws a connectivity check's path over the diagram (kept across redraws until the next check). */
  highlightPath(path: ReachPath): void {
    this.diagram.highlight = path;
    this.scheduler.request(0);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private services: Services,
    /** Tells the owner (TopologyPanels) that this panel is gone. */
    private readonly onDisposed: () => void,
    /** The scope asked for (a new panel); a restored panel keeps the one it had. */
    scope?: TopologyScope,
  ) {
    this.viewState = new TopologyViewState(services.context.workspaceState, defaultToggles());
    if (scope) {
      // Before the prefetch below, which reads what this scope draws.
      this.viewState.setScope(scope);
    }
    this.diagram = new TopologyDiagram(services, this.viewState);
    this.traffic = new TrafficOverlayHost(() => this.services, (message) => this.post(message));
    const render = async (requestId: number) => {
      const posted = await this.diagram.render((message) => this.post(message), requestId);
      this.traffic.setDiagram(this.diagram.drawn);
      // The page measured its viewport while this overview was laid out: lay it out again for it.
      if (posted && this.diagram.layoutIsStale && !this.disposed) {
        this.diagram.relayout();
        this.scheduler.request(0);
      }
      return posted;
    };
    this.scheduler = new RenderScheduler(render, {
      delayMs: REDRAW_DELAY_MS,
      onError: (error) => this.renderFailed(error),
      leaseMs: ALIVE_LEASE_MS,
      reloadsWhenShown: true, // retainContextWhenHidden is false
      repost: () => {
        if (this.lastDiagram) {
          this.post(this.lastDiagram);
        }
      },
    });
    this.scheduler.setVisible(panel.visible);
    this.traffic.setVisible(panel.visible);
    this.traffic.setEnabled(this.viewState.traffic);
    this.panel.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'network.svg');
    this.panel.webview.html = topologyHtml(this.panel.webview, services.context.extensionUri);
    this.disposables.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState((event) => {
        this.scheduler.setVisible(event.webviewPanel.visible);
        this.traffic.setVisible(event.webviewPanel.visible);
      }),
      this.panel.webview.onDidReceiveMessage((value: unknown) => this.receive(value)),
    );
    this.follow(services);
    // The page takes longer to boot than the host takes to collect: collect meanwhile, and post the
    // diagram while the page loads (VS Code delivers it once the page listens).
    this.diagram.prefetch();
    this.scheduler.pageLoading();
  }

  /** Follows the engine these services act on (and its next session when the settings change). */
  private follow(services: Services): void {
    this.services = services;
    // A panel restored after a reload draws this engine again (several engines).
    this.viewState.setEngine(services.engine?.key);
    this.diagram.services = services;
    this.panel.title = panelTitle(services);
    this.sessionsListener?.dispose();
    this.sessionsListener = services.onDidChangeSession((session) => this.watch(session));
    this.watch(services.session);
  }

  /** Several engines: "Show Topology" on another engine's node draws that engine in this panel. */
  private useEngine(services: Services): void {
    if (services.engine?.key !== this.services.engine?.key) {
      this.follow(services);
    }
  }

  /** Draws this scope (the tree's "Show Topology" on a node, or the palette's choice). */
  showScope(scope: TopologyScope): void {
    if (this.viewState.setScope(scope)) {
      this.scheduler.request(0);
    }
  }

  private watch(session: EngineSession): void {
    this.sessionListener?.dispose();
    // The session already gathered the engine's events (eventDebounceMs): redraw at once.
    this.sessionListener = session.onDidChange(() => this.scheduler.request(SESSION_REDRAW_DELAY_MS));
    // A hidden panel only marks itself stale on these: nothing is probed until it is shown.
    // A redraw already waiting will read the host after this change: it is not postponed.
    this.diagram.attach(this.services.topologySource, () => {
      if (!this.scheduler.pending) {
        this.scheduler.request();
      }
    });
    this.scheduler.request(0);
  }

  /** Posts to the page; a render still in flight when the panel closes has nowhere to post. */
  private post(message: PanelToWebview): void {
    if (this.disposed) {
      return;
    }
    if (message.type === 'diagram') {
      this.lastDiagram = message;
    }
    void this.panel.webview.postMessage(message);
  }

  private renderFailed(error: unknown): void {
    if (this.disposed) {
      return;
    }
    this.services.log.error(`topology: ${errorDetail(error)}`);
    this.post({ type: 'error', message: vscode.l10n.t('Could not draw the topology: {0}', errorText(error)) });
  }

  /** The searchable scope picker, asked for by the page; the chosen scope is drawn. */
  private async pickScope(): Promise<void> {
    const inventory = this.services.session.inventory;
    if (!inventory) {
      return;
    }
    const chosen = await pickScope(inventory, {
      title: vscode.l10n.t('Topology scope'),
      placeHolder: vscode.l10n.t('Type part of a name, a driver, a subnet or an address'),
      showStopped: this.viewState.toggles.showStopped,
      current: this.viewState.scopeValue,
      engine: this.services.engine?.label,
    });
    if (chosen && !this.disposed) {
      this.showScope(scopeFromValue(chosen));
    }
  }

  /** A message from the page: acted on if it has the shape of one, else logged and ignored. */
  private receive(value: unknown): void {
    const message = parseWebviewMessage(value);
    if (!message) {
      this.services.log.warn(`topology: ignored a malformed message from the webview: ${describeMessage(value)}`);
      return;
    }
    this.handle(message).catch((error: unknown) => {
      this.services.log.error(`topology: ${message.type} failed: ${errorDetail(error)}`);
    });
  }

  private async handle(message: WebviewToPanel): Promise<void> {
    // Any message says the page is there (a closed browser tab says nothing: see ALIVE_LEASE_MS).
    this.scheduler.heard();
    if (message.type === 'setScope' || message.type === 'setToggles' || message.type === 'setTraffic' || message.type === 'refresh' || message.type === 'pickScope') {
      // The user acts in the page: it is there, whatever it has acknowledged so far.
      this.scheduler.pageActed();
    }
    switch (message.type) {
      case 'ready':
        if (this.pageLoadStartedAt !== undefined) {
          this.services.log.info(`topology: page ready ${Date.now() - this.pageLoadStartedAt} ms after it began loading`);
          this.pageLoadStartedAt = undefined;
        }
        this.scheduler.pageReady();
        break;
      case 'alive':
        break;
      case 'viewport':
        // The overview is laid out for the panel's size: resized (side bar, split), it is laid out again.
        if (this.viewState.setPanel(message) && this.diagram.overview) {
          this.diagram.relayout();
          this.scheduler.request(REDRAW_DELAY_MS);
        }
        break;
      case 'setScope':
        // Unchanged, the page still wants an answer: it shows what it asked for until told otherwise.
        this.viewState.setScope(scopeFromValue(message.scope));
        this.scheduler.request(0);
        break;
      case 'pickScope':
        await this.pickScope();
        break;
      case 'setToggles':
        this.viewState.changeToggles(message.toggles);
        this.scheduler.request(0);
        break;
      case 'setTraffic':
        this.viewState.setTraffic(message.on);
        this.traffic.setEnabled(message.on);
        break;
      case 'refresh':
        this.diagram.readEverythingNextTime();
        await this.services.refreshNow().catch(() => undefined);
        this.scheduler.request(0);
        break;
      case 'reveal':
        if (this.diagram.overview) {
          // The overview drills down: the clicked network or container, with its plumbing.
          this.showScope(message.target.kind === 'network' ? { kind: 'network', networkId: message.target.id } : { kind: 'container', containerId: message.target.id });
        }
        await this.services.revealInTree(message.target);
        break;
      case 'copySource':
        await copyMermaidSource(this.diagram.lastSource);
        break;
      case 'exportSvg':
        if (!(await saveSvg(message.svg, this.diagram.lastLevelLine))) {
          this.services.log.warn(`topology: the page sent no SVG to export (${message.svg.length} characters)`);
        }
        break;
      case 'saveMarkdown':
        await saveMarkdown(this.diagram.lastSource, this.diagram.lastLevelLine);
        break;
      case 'rendered':
        this.services.log.info(`topology: rendered revision ${message.revision} (${message.nodeCount} nodes) in ${message.milliseconds} ms, after ${message.waitedMs} ms in the page`);
        this.scheduler.acknowledged(message.revision);
        break;
      case 'renderError':
        this.services.log.error(`topology: Mermaid could not render: ${message.message}`);
        this.scheduler.acknowledged(message.revision);
        break;
    }
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.onDisposed();
    this.scheduler.dispose();
    this.traffic.dispose();
    this.sessionListener?.dispose();
    this.sessionsListener?.dispose();
    this.diagram.detach();
    this.panel.dispose();
    while (this.disposables.length > 0) {
      this.disposables.pop()?.dispose();
    }
  }
}
