/**
 * The topology webview: renders the Mermaid text the panel posts (never HTML from the host), with
 * Mermaid bundled (no CDN) in `securityLevel: 'strict'`, a toolbar of webview-ui-toolkit
 * components, pan and zoom that survive redraws and reloads (vscode state), and clicks on
 * network and container nodes that reveal them in the tree.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
} from '@vscode/webview-ui-toolkit';
import mermaid from 'mermaid';
import { MERMAID_RENDER_CONFIG } from '../../src/model/topology/renderConfig';
import type { PanelToWebview, ScopeValue, TopologyToggles, WebviewStrings, WebviewToPanel } from '../../src/protocol';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption());

interface VsCodeApi {
  postMessage(message: WebviewToPanel): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface ViewState {
  x: number;
  y: number;
  scale: number;
  /** Fit every redraw to the panel until the user pans or zooms (Reset view turns it back on). */
  auto?: boolean;
}
interface SavedState {
  scope?: ScopeValue;
  toggles?: TopologyToggles;
  view?: ViewState;
}

const vscode = acquireVsCodeApi();
const saved = (vscode.getState() as SavedState | undefined) ?? {};
let view: ViewState = saved.view ?? { x: 16, y: 16, scale: 1, auto: true };
let last: Extract<PanelToWebview, { type: 'diagram' }> | undefined;
let renderCount = 0;

const style = document.createElement('style');
style.textContent = `
  html, body { height: 100%; margin: 0; padding: 0; overflow: hidden; }
  body { display: flex; flex-direction: column; color: var(--vscode-foreground); background: var(--vscode-editor-background);
         font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  #toolbar { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; padding: 6px 10px;
             border-bottom: 1px solid var(--vscode-panel-border, transparent); }
  #toolbar label.scope { display: flex; align-items: center; gap: 6px; }
  #toolbar vscode-dropdown { min-width: 220px; }
  #status { padding: 2px 10px; font-size: 0.9em; color: var(--vscode-descriptionForeground); min-height: 1.2em; }
  #status.error { color: var(--vscode-errorForeground); }
  #viewport { flex: 1; overflow: hidden; position: relative; cursor: grab; }
  #viewport.panning { cursor: grabbing; }
  #stage { transform-origin: 0 0; position: absolute; left: 0; top: 0; }
  #diagram svg { max-width: none !important; height: auto; }
  #diagram .clickable { cursor: pointer; }
  #diagram .clickable:hover > rect, #diagram .clickable:hover > polygon, #diagram .clickable:hover > path { stroke: var(--vscode-focusBorder) !important; }
`;
document.head.appendChild(style);

const toolbar = document.getElementById('toolbar')!;
const status = document.getElementById('status')!;
const viewport = document.getElementById('viewport')!;
const stage = document.getElementById('stage')!;
const diagram = document.getElementById('diagram')!;

function post(message: WebviewToPanel): void {
  vscode.postMessage(message);
}

function saveState(): void {
  vscode.setState({ scope: last?.scope ?? saved.scope, toggles: last?.toggles ?? saved.toggles, view } satisfies SavedState);
}

function applyView(): void {
  stage.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;
}
applyView();

// ---- pan and zoom ---------------------------------------------------------------------------------
viewport.addEventListener(
  'wheel',
  (event) => {
    event.preventDefault();
    const rect = viewport.getBoundingClientRect();
    const px = event.clientX - rect.left;
    const py = event.clientY - rect.top;
    const factor = Math.exp(-event.deltaY * 0.0015);
    const scale = Math.min(8, Math.max(0.05, view.scale * factor));
    view = { scale, x: px - ((px - view.x) * scale) / view.scale, y: py - ((py - view.y) * scale) / view.scale, auto: false };
    applyView();
    saveState();
  },
  { passive: false },
);
let drag: { x: number; y: number; startX: number; startY: number; moved: boolean } | undefined;
viewport.addEventListener('pointerdown', (event) => {
  drag = { x: view.x, y: view.y, startX: event.clientX, startY: event.clientY, moved: false };
});
window.addEventListener('pointermove', (event) => {
  if (!drag) return;
  const dx = event.clientX - drag.startX;
  const dy = event.clientY - drag.startY;
  if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
  drag.moved = true;
  viewport.classList.add('panning');
  view = { ...view, x: drag.x + dx, y: drag.y + dy, auto: false };
  applyView();
});
window.addEventListener('pointerup', () => {
  if (drag?.moved) saveState();
  viewport.classList.remove('panning');
  setTimeout(() => (drag = undefined), 0);
});

function fitToView(): void {
  const svg = diagram.querySelector('svg');
  if (!svg) return;
  const box = svg.getBoundingClientRect();
  const width = box.width / view.scale;
  const height = box.height / view.scale;
  const rect = viewport.getBoundingClientRect();
  if (width <= 0 || height <= 0 || rect.width < 64 || rect.height < 64) return; // hidden or not laid out yet
  const scale = Math.min(1.5, Math.max(0.05, Math.min((rect.width - 32) / width, (rect.height - 32) / height)));
  view = { scale, x: 16, y: 16, auto: true };
  applyView();
  saveState();
}
// A panel resized (side bar, split editor) keeps the diagram fitted unless the user moved it.
new ResizeObserver(() => {
  if (view.auto !== false) fitToView();
}).observe(viewport);

// ---- toolbar --------------------------------------------------------------------------------------
const toggleKeys: (keyof TopologyToggles)[] = ['showIPs', 'showMACs', 'showStopped', 'showUnmanaged', 'showInferred'];
const toggleLabel: Record<keyof TopologyToggles, keyof WebviewStrings> = {
  showIPs: 'ips',
  showMACs: 'macs',
  showStopped: 'stopped',
  showUnmanaged: 'unmanaged',
  showInferred: 'inferred',
};
let scopeLabel: HTMLSpanElement | undefined;
let scopeDropdown: HTMLElement & { value: string } = undefined as never;
const checkboxes = new Map<keyof TopologyToggles, HTMLElement & { checked: boolean }>();
const buttons = new Map<keyof WebviewStrings, HTMLElement>();

function button(key: keyof WebviewStrings, onClick: () => void): void {
  const element = document.createElement('vscode-button');
  element.setAttribute('appearance', key === 'refresh' ? 'primary' : 'secondary');
  element.dataset.action = key;
  element.addEventListener('click', onClick);
  toolbar.appendChild(element);
  buttons.set(key, element);
}

function buildToolbar(): void {
  const label = document.createElement('label');
  label.className = 'scope';
  scopeLabel = document.createElement('span');
  scopeDropdown = document.createElement('vscode-dropdown') as unknown as HTMLElement & { value: string };
  scopeDropdown.id = 'scope';
  scopeDropdown.addEventListener('change', () => {
    const value = scopeDropdown.value as ScopeValue;
    if (last && value && value !== last.scope) {
      post({ type: 'setScope', scope: value });
    }
  });
  label.append(scopeLabel, scopeDropdown);
  toolbar.appendChild(label);
  for (const key of toggleKeys) {
    const checkbox = document.createElement('vscode-checkbox') as unknown as HTMLElement & { checked: boolean };
    checkbox.dataset.toggle = key;
    checkbox.addEventListener('change', () => {
      if (!last) return;
      const toggles = { ...last.toggles, [key]: checkbox.checked };
      if (toggles[key] !== last.toggles[key]) {
        last.toggles = toggles;
        post({ type: 'setToggles', toggles });
      }
    });
    toolbar.appendChild(checkbox);
    checkboxes.set(key, checkbox);
  }
  button('refresh', () => post({ type: 'refresh' }));
  button('exportSvg', () => {
    const svg = diagram.querySelector('svg');
    if (svg) post({ type: 'exportSvg', svg: new XMLSerializer().serializeToString(svg) });
  });
  button('copySource', () => post({ type: 'copySource' }));
  button('saveMarkdown', () => post({ type: 'saveMarkdown' }));
  button('resetView', fitToView);
}
buildToolbar();

function updateToolbar(message: Extract<PanelToWebview, { type: 'diagram' }>): void {
  scopeLabel!.textContent = message.strings.scope;
  const options = message.scopes.map((choice) => {
    const option = document.createElement('vscode-option');
    option.setAttribute('value', choice.value);
    option.textContent = choice.label;
    return option;
  });
  scopeDropdown.replaceChildren(...options);
  scopeDropdown.value = message.scope;
  for (const [key, checkbox] of checkboxes) {
    checkbox.textContent = message.strings[toggleLabel[key]];
    checkbox.checked = message.toggles[key];
  }
  for (const [key, element] of buttons) {
    element.textContent = message.strings[key];
  }
}

// ---- rendering ------------------------------------------------------------------------------------
function themeName(): 'dark' | 'default' {
  // High contrast light carries both vscode-high-contrast and vscode-high-contrast-light.
  const classes = document.body.classList;
  if (classes.contains('vscode-light') || classes.contains('vscode-high-contrast-light')) return 'default';
  return classes.contains('vscode-dark') || classes.contains('vscode-high-contrast') ? 'dark' : 'default';
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function initializeMermaid(): void {
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  mermaid.initialize({
    ...MERMAID_RENDER_CONFIG,
    flowchart: { ...MERMAID_RENDER_CONFIG.flowchart },
    theme: themeName(),
    fontFamily: cssVar('--vscode-font-family', 'sans-serif'),
    themeVariables: highContrast ? { lineColor: cssVar('--vscode-contrastBorder', '#6fc3df'), primaryBorderColor: cssVar('--vscode-contrastBorder', '#6fc3df') } : {},
  });
}

function domIdToNodeId(element: Element): string | undefined {
  const dataId = element.getAttribute('data-id');
  if (dataId) return dataId;
  const match = /-flowchart-(.+)-\d+$/.exec(element.id);
  return match ? match[1] : element.id || undefined;
}

function wireClicks(targets: Extract<PanelToWebview, { type: 'diagram' }>['nodeTargets']): void {
  for (const element of diagram.querySelectorAll('g.node, g.cluster')) {
    const id = domIdToNodeId(element);
    const target = id ? targets[id] : undefined;
    if (!target) continue;
    element.classList.add('clickable');
    element.setAttribute('data-reveal', `${target.kind}:${target.id}`);
    element.addEventListener('click', (event) => {
      if (drag?.moved) return;
      event.stopPropagation();
      post({ type: 'reveal', target });
    });
  }
}

let rendering: Promise<void> = Promise.resolve();

function render(message: Extract<PanelToWebview, { type: 'diagram' }>): void {
  rendering = rendering.then(async () => {
    initializeMermaid();
    const started = performance.now();
    try {
      const { svg } = await mermaid.render(`topology-${++renderCount}`, message.source);
      diagram.innerHTML = svg;
      wireClicks(message.nodeTargets);
      const milliseconds = Math.round(performance.now() - started);
      diagram.dataset.revision = String(message.revision);
      diagram.dataset.renderMs = String(milliseconds);
      status.classList.remove('error');
      status.textContent = message.levelText;
      post({ type: 'rendered', revision: message.revision, milliseconds, nodeCount: diagram.querySelectorAll('g.node').length });
      // Keeps the user's pan and zoom across redraws; fits while they have not moved it.
      if (view.auto !== false) fitToView();
    } catch (error) {
      status.classList.add('error');
      status.textContent = `${message.strings.renderError}: ${error instanceof Error ? error.message : String(error)}`;
      post({ type: 'renderError', message: error instanceof Error ? error.message : String(error) });
    }
  });
}

window.addEventListener('message', (event: MessageEvent<PanelToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'diagram':
      last = message;
      updateToolbar(message);
      saveState();
      render(message);
      break;
    case 'busy':
      document.body.setAttribute('aria-busy', 'true');
      break;
    case 'notice':
      status.classList.remove('error');
      status.textContent = message.message;
      break;
    case 'error':
      status.classList.add('error');
      status.textContent = message.message;
      break;
  }
  if (message.type !== 'busy') document.body.removeAttribute('aria-busy');
});

// Redraw with the new theme when VS Code switches it (body class changes).
new MutationObserver(() => {
  if (last) render(last);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

post({ type: 'ready' });
