/**
 * The live capture view (one webview panel per capture): decoded lines as they come (batched by
 * the capture session, at most every 150 ms), Stop, the end line with tcpdump's counts, Open,
 * Reveal in file explorer, and Open in Wireshark when `wireshark` is on PATH. Closing the panel
 * stops its capture; so does deactivating the extension (every panel is in the context's
 * subscriptions). Messages from the page are checked on arrival: a known type, nothing else.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { followCapture } from '../engine/capture/captureSession';
import type { CaptureBatch, CaptureSession, CaptureSummary } from '../engine/capture/captureSession';
import { captureEndSentence, notPcapSentence } from '../messages/captureMessages';
import { formatClock } from '../model/capture/lines';
import type { DecodedPacket, RunningCapture } from '../model/capture/types';
import { captureHtml, captureNonce, MAX_ROWS } from './captureHtml';

const INBOUND = new Set(['ready', 'stop', 'open', 'reveal', 'wireshark']);

/** `wireshark` on the PATH (an executable file), or undefined. */
export function wiresharkOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!path.isAbsolute(dir)) {
      continue; // a relative PATH entry would depend on the current folder
    }
    const candidate = path.join(dir, 'wireshark');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

interface LineMessage {
  time: string;
  source: string;
  destination: string;
  protocol: string;
  length: number;
  summary: string;
}

function lineOf(packet: DecodedPacket): LineMessage {
  const offset = new Date(packet.timestamp * 1000).getTimezoneOffset();
  return { time: formatClock(packet.timestamp, offset), source: packet.source, destination: packet.destination, protocol: packet.protocol, length: packet.length, summary: packet.summary };
}

export interface CaptureViewOptions {
  title: string;
  /** One line under the title: interface, filter, limit, file. */
  detail: string;
  file: string;
  log?: vscode.LogOutputChannel;
}

/** Every open capture view: deactivation closes them (and so stops their captures). */
const openViews = new Set<CaptureView>();

export function disposeAllCaptureViews(): void {
  [...openViews].forEach((view) => view.dispose());
}

export class CaptureView implements vscode.Disposable {
  readonly session: CaptureSession;
  private readonly panel: vscode.WebviewPanel;
  private ready = false;
  private waiting: LineMessage[] = [];
  private total = 0;
  private ended?: CaptureSummary;
  private disposed = false;

  constructor(capture: RunningCapture, private readonly options: CaptureViewOptions) {
    this.panel = vscode.window.createWebviewPanel('dockerNetworks.capture', options.title, vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [] });
    this.panel.webview.html = captureHtml(captureNonce(), this.panel.webview.cspSource);
    this.panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message));
    this.panel.onDidDispose(() => this.dispose());
    this.session = followCapture(capture, { file: options.file, onBatch: (batch) => this.lines(batch) });
    void this.session.done.then((summary) => this.end(summary));
    openViews.add(this);
  }

  private status(): string {
    return vscode.l10n.t('Capturing… {0} packets', this.total);
  }

  private lines(batch: CaptureBatch): void {
    this.total = batch.total;
    const lines = batch.packets.map(lineOf);
    if (!this.ready) {
      this.waiting = [...this.waiting, ...lines].slice(-MAX_ROWS);
      return;
    }
    void this.panel.webview.postMessage({ type: 'lines', lines, status: this.status() });
  }

  private endStatus(summary: CaptureSummary): string {
    const sentence = captureEndSentence(summary.end, summary.counts, summary.decoded, summary.error, vscode.l10n);
    return summary.pcapError ? `${sentence} ${notPcapSentence(vscode.l10n)}` : sentence;
  }

  private end(summary: CaptureSummary): void {
    this.ended = summary;
    this.options.log?.info(`capture ended (${summary.end}): ${summary.decoded} packets, ${summary.bytes} bytes to ${summary.file}${summary.error ? `: ${summary.error}` : ''}`);
    if (this.ready && !this.disposed) {
      void this.panel.webview.postMessage({ type: 'end', status: this.endStatus(summary), failed: summary.end === 'failed', wireshark: wiresharkOnPath() !== undefined });
    }
  }

  private receive(message: unknown): void {
    const type = message && typeof message === 'object' && 'type' in message ? (message as { type: unknown }).type : undefined;
    if (typeof type !== 'string' || !INBOUND.has(type) || Object.keys(message as object).length !== 1) {
      this.options.log?.warn(`capture view: message refused: ${JSON.stringify(message).slice(0, 200)}`);
      return;
    }
    const file = vscode.Uri.file(this.options.file);
    switch (type) {
      case 'ready':
        this.onReady();
        return;
      case 'stop':
        void this.session.stop();
        return;
      case 'open':
        void vscode.commands.executeCommand('vscode.open', file);
        return;
      case 'reveal':
        void vscode.commands.executeCommand('revealFileInOS', file);
        return;
      case 'wireshark':
        this.openInWireshark();
        return;
    }
  }

  private onReady(): void {
    this.ready = true;
    const labels = {
      stop: vscode.l10n.t('Stop'),
      open: vscode.l10n.t('Open'),
      reveal: vscode.l10n.t('Reveal in File Explorer'),
      wireshark: vscode.l10n.t('Open in Wireshark'),
      'h-time': vscode.l10n.t('Time'),
      'h-source': vscode.l10n.t('Source'),
      'h-destination': vscode.l10n.t('Destination'),
      'h-protocol': vscode.l10n.t('Protocol'),
      'h-length': vscode.l10n.t('Length'),
      'h-summary': vscode.l10n.t('Summary'),
    };
    void this.panel.webview.postMessage({ type: 'init', title: this.options.title, detail: this.options.detail, status: this.status(), labels });
    if (this.waiting.length > 0) {
      void this.panel.webview.postMessage({ type: 'lines', lines: this.waiting, status: this.status() });
      this.waiting = [];
    }
    if (this.ended) {
      this.end(this.ended);
    }
  }

  private openInWireshark(): void {
    const wireshark = wiresharkOnPath();
    if (!wireshark) {
      return;
    }
    const child = spawn(wireshark, ['-r', this.options.file], { detached: true, stdio: 'ignore' });
    child.on('error', (error) => this.options.log?.warn(`wireshark: ${error.message}`));
    child.unref();
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    openViews.delete(this);
    void this.session.stop();
    this.panel.dispose();
  }
}
