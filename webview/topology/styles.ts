/** The page's styles: VS Code's colours and fonts through its --vscode-* variables. */
const CSS = `
  html, body { height: 100%; margin: 0; padding: 0; overflow: hidden; }
  body { display: flex; flex-direction: column; color: var(--vscode-foreground); background: var(--vscode-editor-background);
         font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  #toolbar { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; padding: 6px 10px;
             border-bottom: 1px solid var(--vscode-panel-border, transparent); }
  #toolbar label.scope { display: flex; align-items: center; gap: 6px; }
  #toolbar vscode-dropdown { min-width: 220px; }
  #panHint { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
  #panHint[hidden] { display: none; }
  #status { padding: 2px 10px; font-size: 0.9em; color: var(--vscode-descriptionForeground); min-height: 1.2em; }
  #status.error { color: var(--vscode-errorForeground); }
  #viewport { flex: 1; overflow: hidden; position: relative; cursor: grab; }
  #viewport.panning { cursor: grabbing; }
  #stage { transform-origin: 0 0; position: absolute; left: 0; top: 0; }
  #diagram svg { max-width: none !important; height: auto; }
  #diagram .clickable { cursor: pointer; }
  #trafficLegend { padding: 2px 10px; font-size: 0.9em; color: var(--vscode-descriptionForeground); }
  #trafficLegend[hidden] { display: none; }
  #toolbar vscode-button[data-action="traffic"] svg { width: 16px; height: 16px; fill: currentColor; vertical-align: text-bottom; margin-inline-end: 4px; }
  #diagram .traffic-rate { font-size: 12px; fill: var(--vscode-charts-blue, #3794ff); pointer-events: none; }
  #diagram path[data-traffic="idle"] { opacity: 0.25; }
  #diagram path[data-traffic="active"] { stroke-width: 2.5px !important; }
  /* Not orange: orange already says "not managed by Docker". */
  #diagram path[data-traffic="busiest"] { stroke: var(--vscode-charts-blue, #3794ff) !important; stroke-width: 4px !important; }
  #diagram .clickable:hover > rect, #diagram .clickable:hover > polygon, #diagram .clickable:hover > path { stroke: var(--vscode-focusBorder) !important; }
`;

export function installStyles(): void {
  const style = document.createElement('style');
  style.textContent = CSS;
  document.head.appendChild(style);
}
