/**
 * A capture as the user follows it, whoever runs tcpdump (the local runner, or a helper container
 * on the engine): any RunningCapture in, and out come the pcap file written as the bytes arrive,
 * one decoded line per packet, the last few thousand lines kept in memory (the rest only in the
 * file), view updates batched (every `batchMs`, never one per packet, so a flood cannot drown the
 * extension host), and the counts at the end. No VS Code: the view, the CLI and the doctor use it.
 */
import { createWriteStream, WriteStream } from 'node:fs';
import { decodePacket } from '../../model/capture/decode';
import { LastLines } from '../../model/capture/lines';
import { PcapStreamParser } from '../../model/capture/pcap';
import type { PcapError } from '../../model/capture/pcap';
import type { CaptureCounts, CaptureEnd, DecodedPacket, RunningCapture } from '../../model/capture/types';

export const DEFAULT_KEPT_LINES = 5_000;
export const DEFAULT_BATCH_MS = 150;

/** What a view receives, at most every `batchMs`. */
export interface CaptureBatch {
  /** New lines since the last batch (at most `keptLines`: older ones of a burst went to the file only). */
  packets: DecodedPacket[];
  /** Packets decoded so far. */
  total: number;
  /** Pcap bytes written so far. */
  bytes: number;
}

export interface CaptureSummary {
  end: CaptureEnd;
  /** tcpdump's closing counts (captured, dropped by the kernel), when it printed them. */
  counts?: CaptureCounts;
  /** Why it failed (tcpdump's or the file's sentence). */
  error?: string;
  /** Packets decoded from the stream. */
  decoded: number;
  /** Bytes written to the file. */
  bytes: number;
  file: string;
  /** The stream was not pcap (or broke): decoding stopped, the file holds what came. */
  pcapError?: PcapError;
}

export interface CaptureSessionOptions {
  file: string;
  keptLines?: number;
  batchMs?: number;
  onBatch?: (batch: CaptureBatch) => void;
}

export class CaptureSession {
  private readonly parser = new PcapStreamParser();
  private readonly lines: LastLines<DecodedPacket>;
  private readonly out: WriteStream;
  private fresh: DecodedPacket[] = [];
  private timer?: NodeJS.Timeout;
  private fileError?: string;
  /** Settles when the capture has ended, the file is closed and the last batch was sent. */
  readonly done: Promise<CaptureSummary>;

  constructor(private readonly capture: RunningCapture, private readonly options: CaptureSessionOptions) {
    this.lines = new LastLines(options.keptLines ?? DEFAULT_KEPT_LINES);
    this.out = createWriteStream(options.file, { flags: 'w', mode: 0o644 });
    this.out.on('error', (error) => {
      // The file failed (disk full, removed folder): stop the capture rather than run on blind.
      this.fileError ??= error.message;
      void capture.stop();
    });
    capture.onPcap((chunk) => this.receive(chunk));
    this.done = this.finish();
  }

  /** The lines kept (the last `keptLines`), oldest first. */
  keptLines(): DecodedPacket[] {
    return this.lines.toArray();
  }

  get total(): number {
    return this.lines.total;
  }

  stop(): Promise<void> {
    return this.capture.stop();
  }

  private receive(chunk: Uint8Array): void {
    if (!this.fileError) {
      this.out.write(chunk);
    }
    const packets = this.parser.push(chunk);
    const header = this.parser.linkHeader;
    if (!header || packets.length === 0) {
      return;
    }
    const keep = this.lines.capacity;
    for (const packet of packets) {
      const decoded = decodePacket(packet, header.linkType);
      this.lines.push(decoded);
      this.fresh.push(decoded);
    }
    if (this.fresh.length > 2 * keep) {
      this.fresh = this.fresh.slice(-keep);
    }
    this.timer ??= setTimeout(() => this.flush(), this.options.batchMs ?? DEFAULT_BATCH_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const packets = this.fresh.slice(-this.lines.capacity);
    this.fresh = [];
    if (packets.length > 0) {
      this.options.onBatch?.({ packets, total: this.lines.total, bytes: this.parser.bytes });
    }
  }

  private async finish(): Promise<CaptureSummary> {
    const result = await this.capture.done;
    await new Promise<void>((resolve) => (this.out.closed ? resolve() : this.out.end(() => resolve())));
    clearTimeout(this.timer);
    this.flush();
    const error = this.fileError ?? result.error;
    return {
      end: this.fileError ? 'failed' : result.end,
      counts: result.counts,
      error,
      decoded: this.lines.total,
      bytes: this.parser.bytes,
      file: this.options.file,
      pcapError: this.parser.error,
    };
  }
}

/** Follows a running capture: writes its file, decodes its lines, batches its updates. */
export function followCapture(capture: RunningCapture, options: CaptureSessionOptions): CaptureSession {
  return new CaptureSession(capture, options);
}
