/**
 * The topology's exports: the rendered SVG (made by the webview), the Mermaid source as a
 * Markdown file, the Mermaid source to the clipboard.
 */
import * as vscode from 'vscode';

/** A Markdown document holding the diagram as a `mermaid` code block. */
export function markdownDocument(title: string, mermaidSource: string): string {
  return `# ${title}\n\n\`\`\`mermaid\n${mermaidSource}\`\`\`\n`;
}

export async function copyMermaidSource(mermaidSource: string): Promise<void> {
  await vscode.env.clipboard.writeText(mermaidSource);
  void vscode.window.showInformationMessage(vscode.l10n.t('Mermaid source copied to the clipboard.'));
}

export async function saveSvg(svg: string): Promise<void> {
  await saveFile(svg, 'svg', vscode.l10n.t('SVG image'));
}

export async function saveMarkdown(mermaidSource: string): Promise<void> {
  await saveFile(markdownDocument(vscode.l10n.t('Docker Network Topology'), mermaidSource), 'md', vscode.l10n.t('Markdown'));
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
