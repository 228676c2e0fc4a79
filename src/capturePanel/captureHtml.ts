/**
 * The capture view's page: static HTML under a CSP with a fresh nonce (`default-src 'none'`, the
 * one inline script allowed by its nonce, no eval). Nothing from the engine or the packets is put
 * in the HTML: the title, the labels and every line arrive by postMessage and are set as text
 * (textContent), so a crafted name or DNS answer cannot become markup. The page keeps at most
 * MAX_ROWS rows (the oldest go first): the whole capture is in the file.
 */
import { randomBytes } from 'node:crypto';

export const MAX_ROWS = 5_000;

export function captureNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

const SCRIPT = `
const vscode = acquireVsCodeApi();
const $ = (id) => document.getElementById(id);
const MAX_ROWS = ${MAX_ROWS};
let follow = true;
function button(id, message) { $(id).addEventListener('click', () => vscode.postMessage({ type: message })); }
button('stop', 'stop'); button('open', 'open'); button('reveal', 'reveal'); button('wireshark', 'wireshark');
$('rows-scroll').addEventListener('scroll', (event) => {
  const el = event.target; follow = el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
});
function cell(row, text, cls) { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; row.appendChild(td); }
window.addEventListener('message', (event) => {
  const m = event.data;
  if (!m || typeof m.type !== 'string') return;
  if (m.type === 'init') {
    $('title').textContent = m.title; $('detail').textContent = m.detail; $('status').textContent = m.status;
    for (const [id, text] of Object.entries(m.labels)) { const el = $(id); if (el) el.textContent = text; }
  } else if (m.type === 'lines') {
    const body = $('rows');
    const fragment = document.createDocumentFragment();
    for (const line of m.lines) {
      const tr = document.createElement('tr'); tr.className = 'packet';
      cell(tr, line.time, 'time'); cell(tr, line.source); cell(tr, line.destination); cell(tr, line.protocol, 'proto'); cell(tr, String(line.length), 'num'); cell(tr, line.summary);
      fragment.appendChild(tr);
    }
    body.appendChild(fragment);
    while (body.rows.length > MAX_ROWS) body.deleteRow(0);
    $('status').textContent = m.status;
    if (follow) $('rows-scroll').scrollTop = $('rows-scroll').scrollHeight;
  } else if (m.type === 'end') {
    $('status').textContent = m.status; $('status').className = m.failed ? 'failed' : 'ended';
    $('stop').disabled = true; $('wireshark').hidden = !m.wireshark;
  }
});
vscode.postMessage({ type: 'ready' });
`;

export function captureHtml(nonce: string, cspSource: string): string {
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${cspSource} 'unsafe-inline'`].join('; ');
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 12px; display: flex; flex-direction: column; height: 100vh; box-sizing: border-box; margin: 0; }
header { padding: 8px 0; }
h1 { font-size: 1.1em; margin: 0 0 4px; }
#detail { opacity: 0.8; font-family: var(--vscode-editor-font-family); }
#status { margin: 4px 0; }
#status.failed { color: var(--vscode-errorForeground); }
.actions button { margin-right: 6px; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 3px 10px; cursor: pointer; }
.actions button:disabled { opacity: 0.5; cursor: default; }
#rows-scroll { flex: 1; overflow: auto; border-top: 1px solid var(--vscode-panel-border); }
table { border-collapse: collapse; width: 100%; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
th { text-align: left; position: sticky; top: 0; background: var(--vscode-editor-background); }
td, th { padding: 1px 8px 1px 0; white-space: nowrap; }
td.num { text-align: right; }
tr.packet:hover { background: var(--vscode-list-hoverBackground); }
</style>
</head>
<body>
<header>
<h1 id="title"></h1>
<div id="detail"></div>
<div id="status" role="status" aria-live="polite"></div>
<div class="actions"><button id="stop"></button><button id="open"></button><button id="reveal"></button><button id="wireshark" hidden></button></div>
</header>
<div id="rows-scroll"><table><thead><tr><th id="h-time"></th><th id="h-source"></th><th id="h-destination"></th><th id="h-protocol"></th><th id="h-length"></th><th id="h-summary"></th></tr></thead><tbody id="rows"></tbody></table></div>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}
