/**
 * Connectivity reports as read-only Markdown documents under their own scheme
 * (docker-network-reach:/<n>/connectivity-report.md), opened in VS Code's Markdown preview beside
 * the editor; a new report replaces the previous one's preview instead of opening one more column.
 * The provider keeps the last reports' text; a report is made once, when the check ran.
 */
import * as vscode from 'vscode';
import type { ReachReport } from '../model/reachability/types';
import { reachReportMarkdown } from './reachReport';

export const REACH_SCHEME = 'docker-network-reach';
/** Reports kept for re-opening (a preview may ask again after a reload). */
const KEPT = 20;
const FILE_NAME = 'connectivity-report.md';

export class ReachDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private count = 0;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(REACH_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? vscode.l10n.t('This connectivity report is no longer available: run Check Connectivity again.');
  }

  /** Stores the report and shows it in the Markdown preview. */
  async show(report: ReachReport): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: REACH_SCHEME, path: `/${++this.count}/${FILE_NAME}` });
    this.texts.set(uri.path, reachReportMarkdown(report));
    for (const old of [...this.texts.keys()].slice(0, Math.max(0, this.texts.size - KEPT))) {
      this.texts.delete(old);
    }
    await this.closeEarlierPreviews();
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    return uri;
  }

  /** The previews of earlier reports (Markdown preview tabs titled after the report file). */
  private async closeEarlierPreviews(): Promise<void> {
    const earlier = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.includes('markdown.preview') && tab.label.includes(FILE_NAME));
    if (earlier.length > 0) {
      await vscode.window.tabGroups.close(earlier);
    }
  }

  dispose(): void {
    this.registration.dispose();
    this.texts.clear();
  }
}
