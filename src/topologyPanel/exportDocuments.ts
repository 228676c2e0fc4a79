/**
 * The export documents as text (no `vscode` here, so plain Node tests can read them): each says
 * how deep the probe looked, in the line the panel gives (levelLine in src/messages/diagramLabels.ts).
 */

/** A Markdown document holding the probe level line, then the diagram as a `mermaid` code block. */
export function markdownDocument(title: string, levelLine: string, mermaidSource: string): string {
  return `# ${title}\n\n${levelLine}\n\n\`\`\`mermaid\n${mermaidSource}\`\`\`\n`;
}

function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The SVG with the probe level line as a comment before it and as the <desc> of its root element. */
export function svgDocument(svg: string, levelLine: string): string {
  const comment = `<!-- ${levelLine.replace(/-{2,}/g, '-')} -->\n`;
  const withDesc = svg.replace(/<svg\b[^>]*>/, (open) => `${open}<desc>${xmlText(levelLine)}</desc>`);
  return svg.startsWith('<?xml') ? withDesc.replace(/\?>\s*/, (decl) => `${decl.trimEnd()}\n${comment}`) : comment + withDesc;
}
