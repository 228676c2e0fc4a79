/**
 * A capture as the user follows it, whoever runs tcpdump (the local runner, or a helper container
 * on the engine): any RunningCapture in, and out come the pcap file written as the bytes arrive,
 * one decoded line per packet, the last few thousand lines kept in memory (the rest only in the
 * file), view updates batched (every `batchMs`, never one per packet, so a flood cannot drown the
 * extension host), and the counts at the end. Every packet is counted as it arrives, but decoded
 * only when a batch goes out, and only the last `keptLines` of a burst: in a flood the lines
 * nobody could read on screen cost nothing but the count (they are in the file). No VS Code: the
 * view, the CLI and the doctor use it.
 */
import { createWriteStream, WriteStream } from 'node:fs';
import { decodePacket } from '../../model/capture/decode';
import { LastLines } from '../../model/capture/lines';
import { PcapStreamParser } from '../../model/capture/pcap';
import type { PcapError } from '../../model/capture/pcap';
import type { CaptureCounts, CaptureEnd, DecodedPacket, PcapPacket, RunningCapture } from '../../model/capture/types';

export const DEFAULT_KEPT_LINES = 5_000;
export const DEFAULT_BATCH_MS = 150;

/** What a view receives, at most every `batchMs`. */
export interface CaptureBatch {
  /** New lines since the last batch (at most `keptLines`: older ones of a burst went to the file only). */
  packets: DecodedPacket[];
  /** Packets received so far (decoded or not). */
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
  /** Packets read from the stream (each counted; the last `keptLines` of each burst decoded). */
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
  /** Packets not decoded yet (the last `keptLines` of them: older ones of a burst are only counted). */
  private fresh: PcapPacket[] = [];
  private received = 0;
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
    this.decodeFresh();
    return this.lines.toArray();
  }

  /** Packets received so far. */
  get total(): number {
    return this.received;
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
    this.received += packets.length;
    const keep = this.lines.capacity;
    // Copies (a packet is a view into a chunk): the kept ones must not hold whole chunks alive.
    for (const packet of packets.length > keep ? packets.slice(-keep) : packets) {
      this.fresh.push({ ...packet, data: packet.data.slice() });
    }
    if (this.fresh.length > 2 * keep) {
      this.fresh = this.fresh.slice(-keep);
    }
    this.timer ??= setTimeout(() => this.flush(), this.options.batchMs ?? DEFAULT_BATCH_MS);
  }

  /** Decodes the waiting packets (the last `keptLines`) into the kept lines; returns them. */
  private decodeFresh(): DecodedPacket[] {
    const linkType = this.parser.linkHeader?.linkType;
    const waiting = this.fresh.slice(-this.lines.capacity);
    this.fresh = [];
    if (linkType === undefined) {
      return [];
    }
    const decoded = waiting.map((packet) => decodePacket(packet, linkType));
    decoded.forEach((line) => this.lines.push(line));
    return decoded;
  }

  private flush(): void {
    this.timer = undefined;
    const packets = this.decodeFresh();
    if (packets.length > 0) {
      this.options.onBatch?.({ packets, total: this.received, bytes: this.parser.bytes });
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
      decoded: this.received,
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
