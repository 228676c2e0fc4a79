/**
 * The Mermaid settings the topology webview renders with, shared with scripts/bench.mjs so the
 * benchmark measures exactly what the panel does. The webview adds the theme and font of the
 * current VS Code theme.
 */
export const MERMAID_RENDER_CONFIG = {
  startOnLoad: false,
  securityLevel: 'strict',
  maxTextSize: 10_000_000,
  maxEdges: 100_000,
  // Mermaid 12 lays flowcharts out with ELK by default; dagre draws the same diagrams in about
  // 60% of the time (`npm run bench`: 100 collapsed container namespaces ~0.9 s instead of
  // ~1.5 s; 2000 in 16-29 s, where ELK did not finish in 40 s) with the classic look.
  layout: 'dagre',
  flowchart: { htmlLabels: true, useMaxWidth: false, curve: 'basis' },
} as const;
