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

/** Mermaid's flowchart font size (px at scale 1). */
export const MERMAID_FONT_PX = 16;
/**
 * The smallest label the page fits an overview to (px on screen): below it, it fits the width and
 * lets the user pan (issue 22 asked for at least 10 px; 11 leaves room for the layout's estimates).
 */
export const READABLE_FONT_PX = 11;
/** The page's margin around the drawing (px), on each side. */
export const VIEW_MARGIN_PX = 16;
/** The largest scale the page fits a drawing to (a small drawing is not blown up further). */
export const MAX_FIT_SCALE = 1.5;
