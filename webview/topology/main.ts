/**
 * The topology webview: renders the Mermaid text the panel posts (never HTML from the host), with
 * Mermaid bundled (no CDN) in `securityLevel: 'strict'`, a toolbar of webview-ui-toolkit
 * components, pan and zoom that survive redraws and reloads, and clicks on network and container
 * nodes that reveal them in the tree.
 *
 * One small app object. What to draw (scope, toggles) is the host's: the page shows what the last
 * `diagram` message says and sends the user's changes as requests. Its own state (vscode.setState)
 * is the pan and zoom only. Every message from the host is shape-checked before it is used.
 */
import type { Mermaid } from 'mermaid';
import { MERMAID_FONT_PX, MERMAID_RENDER_CONFIG, READABLE_FONT_PX } from '../../src/model/topology/renderConfig';
import { ALIVE_INTERVAL_MS, parsePanelMessage, RENDER_ERROR_MAX, type DiagramMessage, type PanelToWebview, type WebviewToPanel } from '../../src/topologyPanel/protocol';
import { PanZoom, parseViewTransform, type ViewTransform } from './panZoom';
import { domIdToNodeId } from './nodeIds';
import { installStyles } from './styles';
import { Toolbar } from './toolbar';
import { TrafficLayer } from './trafficLayer';

interface VsCodeApi {
  postMessage(message: WebviewToPanel): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** The page's own state: pan and zoom only. */
interface PageState {
  view?: ViewTransform;
}

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---- Mermaid, themed like VS Code ----------------------------------------------------------------
let mermaidModule: Promise<Mermaid> | undefined;

/**
 * Mermaid's core (its own chunks; the flowchart and dagre follow at the first render), fetched once,
 * while the host collects the first diagram: the page says it is ready before Mermaid is parsed.
 */
function loadMermaid(): Promise<Mermaid> {
  mermaidModule ??= import('mermaid').then((module) => module.default);
  return mermaidModule;
}

function themeName(): 'dark' | 'default' {
  // High contrast light carries both vscode-high-contrast and vscode-high-contrast-light.
  const classes = document.body.classList;
  if (classes.contains('vscode-light') || classes.contains('vscode-high-contrast-light')) return 'default';
  return classes.contains('vscode-dark') || classes.contains('vscode-high-contrast') ? 'dark' : 'default';
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function initializeMermaid(mermaid: Mermaid): void {
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  mermaid.initialize({
    ...MERMAID_RENDER_CONFIG,
    flowchart: { ...MERMAID_RENDER_CONFIG.flowchart },
    theme: themeName(),
    fontFamily: cssVar('--vscode-font-family', 'sans-serif'),
    themeVariables: highContrast ? { lineColor: cssVar('--vscode-contrastBorder', '#6fc3df'), primaryBorderColor: cssVar('--vscode-contrastBorder', '#6fc3df') } : {},
  });
}


class TopologyApp {
  private readonly vscode = acquireVsCodeApi();
  private readonly status = element('status');
  private readonly diagram = element('diagram');
  private readonly panZoom: PanZoom;
  private readonly toolbar: Toolbar;
  private readonly traffic: TrafficLayer;
  /** The last diagram the host sent (redrawn when the theme changes). */
  private last: DiagramMessage | undefined;
  private renderCount = 0;
  private rendering: Promise<void> = Promise.resolve();

  constructor() {
    const saved = this.vscode.getState() as PageState | undefined;
    this.panZoom = new PanZoom(
      element('viewport'),
      element('stage'),
      this.diagram,
      parseViewTransform(saved?.view),
      (view) => this.vscode.setState({ view } satisfies PageState),
      (overflowing) => this.toolbar.showPanHint(overflowing),
    );
    this.toolbar = new Toolbar(element('toolbar'), {
      setScope: (scope) => this.post({ type: 'setScope', scope }),
      pickScope: () => this.post({ type: 'pickScope' }),
      setToggle: (key, value) => this.post({ type: 'setToggles', toggles: { [key]: value } }),
      refresh: () => this.post({ type: 'refresh' }),
      exportSvg: () => {
        const svg = this.diagram.querySelector('svg');
        if (svg) this.post({ type: 'exportSvg', svg: new XMLSerializer().serializeToString(svg) });
      },
      copySource: () => this.post({ type: 'copySource' }),
      saveMarkdown: () => this.post({ type: 'saveMarkdown' }),
      resetView: () => this.panZoom.fit(),
      setTraffic: (on) => this.post({ type: 'setTraffic', on }),
    });
    const legend = document.createElement('div');
    legend.id = 'trafficLegend';
    legend.setAttribute('role', 'note');
    legend.hidden = true;
    element('status').after(legend);
    this.traffic = new TrafficLayer(this.diagram, legend);
  }

  start(): void {
    window.addEventListener('message', (event: MessageEvent<unknown>) => this.receive(event.data));
    // Redraw with the new theme when VS Code switches it (body class changes).
    new MutationObserver(() => {
      if (this.last) this.render(this.last);
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.post({ type: 'ready' });
    this.reportViewport();
    // While the document is shown, say so now and then: the host stops drawing for a page that
    // went quiet (a closed browser tab keeps its extension host for minutes).
    const alive = () => {
      if (document.visibilityState === 'visible') this.post({ type: 'alive' });
    };
    setInterval(alive, ALIVE_INTERVAL_MS);
    document.addEventListener('visibilitychange', alive);
    // Mermaid loads its flowchart and layout modules at its first render (a quarter of a second
    // here): a tiny one now, while the host collects the first diagram, which then draws warm.
    // When that diagram came first (the host collected while the page booted), it is drawn at once.
    this.rendering = loadMermaid()
      .then(async (mermaid) => {
        if (this.last) return;
        initializeMermaid(mermaid);
        await mermaid.render('topology-warmup', 'flowchart LR\n  a --> b');
      })
      .catch(() => undefined); // a failure shows at the first render
  }

  /**
   * Tells the host the viewport's size now and after every resize (side bar, split editor, window),
   * once the resizing pauses: the overview is laid out for it.
   */
  private reportViewport(): void {
    const viewport = element('viewport');
    let timer: ReturnType<typeof setTimeout> | undefined;
    let sent = '';
    const send = () => {
      const { width, height } = viewport.getBoundingClientRect();
      const size = { width: Math.round(width), height: Math.round(height) };
      if (size.width < 64 || size.height < 64 || JSON.stringify(size) === sent) return; // hidden, or unchanged
      sent = JSON.stringify(size);
      this.post({ type: 'viewport', ...size });
    };
    send();
    new ResizeObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(send, 200);
    }).observe(viewport);
  }

  private post(message: WebviewToPanel): void {
    this.vscode.postMessage(message);
  }

  private receive(data: unknown): void {
    const message = parsePanelMessage(data);
    if (!message) {
      console.warn('topology: ignored a malformed message from the extension');
      return;
    }
    this.handle(message);
    if (message.type !== 'busy' && message.type !== 'traffic') document.body.removeAttribute('aria-busy');
  }

  private handle(message: PanelToWebview): void {
    switch (message.type) {
      case 'diagram':
        if (this.last?.revision === message.revision && this.last.source === message.source) {
          // The host posts the diagram it sent while this page loaded once more when the page is ready.
          break;
        }
        this.last = message;
        this.toolbar.show(message);
        this.render(message);
        break;
      case 'traffic':
        this.toolbar.showTraffic(message.on);
        this.traffic.show(message);
        break;
      case 'busy':
        document.body.setAttribute('aria-busy', 'true');
        break;
      case 'notice':
        this.showStatus(message.message, false);
        break;
      case 'error':
        this.showStatus(message.message, true);
        break;
    }
  }

  private showStatus(text: string, error: boolean): void {
    this.status.classList.toggle('error', error);
    this.status.textContent = text;
  }

  /** Draws one diagram message; draws run one after the other. */
  private render(message: DiagramMessage): void {
    const arrived = performance.now();
    this.rendering = this.rendering.then(() => this.draw(message, arrived));
  }

  private async draw(message: DiagramMessage, arrived: number): Promise<void> {
    try {
      const mermaid = await loadMermaid();
      initializeMermaid(mermaid);
      const started = performance.now();
      const waitedMs = Math.round(started - arrived);
      const { svg } = await mermaid.render(`topology-${++this.renderCount}`, message.source);
      this.diagram.innerHTML = svg;
      this.wireClicks(message.nodeTargets);
      this.wireContextMenus(message.captureNodes);
      this.traffic.redrawn();
      const milliseconds = Math.round(performance.now() - started);
      this.diagram.dataset.revision = String(message.revision);
      // The size the overview was laid out for (the tests compare it with the viewport's).
      this.diagram.dataset.laidOutFor = message.laidOutFor ? `${message.laidOutFor.width}x${message.laidOutFor.height}` : '';
      this.diagram.dataset.renderMs = String(milliseconds);
      this.showStatus(message.levelText, false);
      this.post({ type: 'rendered', revision: message.revision, milliseconds, waitedMs, nodeCount: this.diagram.querySelectorAll('g.node').length });
      // The overview is never fitted below a readable label (its width is, the rest is panned to);
      // the full plumbing is fitted whole.
      this.panZoom.setFloor(message.kind === 'overview' ? READABLE_FONT_PX / this.labelFontPx() : undefined);
      // Keeps the user's pan and zoom across redraws; fits while they have not moved it.
      this.panZoom.fitIfAuto();
      // When the frame that shows it was painted (epoch ms: the benchmark compares it with the moment
      // the user asked for the diagram, without the delay of polling the page from outside).
      const diagram = this.diagram;
      requestAnimationFrame(() => setTimeout(() => (diagram.dataset.paintedAt = String(Date.now())), 0));
    } catch (error) {
      this.showStatus(`${message.strings.renderError}: ${errorText(error)}`, true);
      this.post({ type: 'renderError', revision: message.revision, message: errorText(error).slice(0, RENDER_ERROR_MAX) });
    }
  }

  /** The drawn labels' font size (px at scale 1): Mermaid's, or the theme's when it sets one. */
  private labelFontPx(): number {
    const label = this.diagram.querySelector('.nodeLabel');
    const size = label ? parseFloat(getComputedStyle(label).fontSize) : NaN;
    return Number.isFinite(size) && size > 0 ? size : MERMAID_FONT_PX;
  }

  /**
   * VS Code's own context menu on the drawn interfaces one can capture on (package.json's
   * webview/context menu reads `webviewSection`; the command receives `dneNode`).
   */
  private wireContextMenus(captureNodes: readonly string[]): void {
    const capturable = new Set(captureNodes);
    for (const node of this.diagram.querySelectorAll('g.node')) {
      const id = domIdToNodeId(node);
      if (id && capturable.has(id)) {
        node.setAttribute('data-vscode-context', JSON.stringify({ webviewSection: 'diagramInterface', dneNode: id, preventDefaultContextMenuItems: true }));
      }
    }
  }

  private wireClicks(targets: DiagramMessage['nodeTargets']): void {
    for (const node of this.diagram.querySelectorAll('g.node, g.cluster')) {
      const id = domIdToNodeId(node);
      const target = id ? targets[id] : undefined;
      if (!target) continue;
      node.classList.add('clickable');
      node.setAttribute('data-reveal', `${target.kind}:${target.id}`);
      node.addEventListener('click', (event) => {
        if (this.panZoom.dragging) return;
        event.stopPropagation();
        this.post({ type: 'reveal', target });
      });
    }
  }
}

installStyles();
new TopologyApp().start();
