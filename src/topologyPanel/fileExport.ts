/**
 * The topology's exports: the rendered SVG (made by the webview), the Mermaid source as a
 * Markdown file, the Mermaid source to the clipboard. Each says how deep the probe looked: the
 * Mermaid source in its first comment, the Markdown in a line above the diagram, the SVG in a
 * comment and its <desc>.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { markdownDocument, svgDocument } from './exportDocuments';
import type * as SafeSvgModule from './safeSvg';

/**
 * The sanitizer (sanitize-html and postcss, about 200 KiB) is its own bundle, dist/safeSvg.js,
 * required on the first export: the extension's activation does not parse it.
 */
function loadSafeSvg(): typeof SafeSvgModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(__dirname, 'safeSvg.js')) as typeof SafeSvgModule;
}

export async function copyMermaidSource(mermaidSource: string): Promise<void> {
  await vscode.env.clipboard.writeText(mermaidSource);
  void vscode.window.showInformationMessage(vscode.l10n.t('Mermaid source copied to the clipboard.'));
}

/**
 * Writes the SVG the page sent, sanitized (safeSvg.ts): the host writes only what it can vouch for.
 * Returns false, writing nothing, when what the page sent is not an SVG.
 */
export async function saveSvg(svg: string, levelLine: string): Promise<boolean> {
  const { safeSvg } = loadSafeSvg();
  const safe = safeSvg(svg);
  if (safe === undefined) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The topology page sent no SVG image to export.'));
    return false;
  }
  await saveFile(svgDocument(safe, levelLine), 'svg', vscode.l10n.t('SVG image'));
  return true;
}

export async function saveMarkdown(mermaidSource: string, levelLine: string): Promise<void> {
  await saveFile(markdownDocument(vscode.l10n.t('Docker Network Topology'), levelLine, mermaidSource), 'md', vscode.l10n.t('Markdown'));
}

/** Asks where (docker-topology.<extension> in the first workspace folder by default) and writes. */
async function saveFile(content: string, extension: string, filterName: string): Promise<void> {
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
