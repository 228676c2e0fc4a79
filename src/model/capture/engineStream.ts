/**
 * The Engine API's stream framing for a container attached without a TTY (`POST /containers/{id}/attach`,
 * exec start): every frame is an 8-byte header — the stream (0 stdin, 1 stdout, 2 stderr), three zero
 * bytes, the payload's length as a big-endian uint32 — then the payload. A helper capture's stdout is
 * tcpdump's pcap stream (`-w -`) and its stderr tcpdump's messages, so the frames must be split
 * exactly: a header cut across two network chunks, or a frame longer than a chunk, is the normal case.
 * Pure: bytes in, frames out.
 */

export type EngineStreamName = 'stdin' | 'stdout' | 'stderr';

export interface EngineStreamFrame {
  stream: EngineStreamName;
  data: Uint8Array;
}

const HEADER_BYTES = 8;
const STREAMS: Record<number, EngineStreamName> = { 0: 'stdin', 1: 'stdout', 2: 'stderr' };

/** A frame header that is not one (a TTY stream, or bytes out of step): the stream cannot be read on. */
export class EngineStreamError extends Error {
  constructor(readonly header: Uint8Array) {
    super(`not an engine stream frame header: ${Array.from(header, (byte) => byte.toString(16).padStart(2, '0')).join(' ')}`);
  }
}

/** Splits the multiplexed byte stream into frames, whatever the chunk boundaries. */
export class EngineStreamDemuxer {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private failed = false;

  /** Bytes waiting for the rest of their frame. */
  get buffered(): number {
    return this.pendingBytes;
  }

  /** Takes one chunk as it came off the connection; returns the frames it completed. Throws EngineStreamError on a bad header. */
  push(chunk: Uint8Array): EngineStreamFrame[] {
    if (this.failed) {
      return [];
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const frames: EngineStreamFrame[] = [];
    while (this.pendingBytes >= HEADER_BYTES) {
      const header = this.peek(HEADER_BYTES);
      const stream = STREAMS[header[0]];
      if (stream === undefined || header[1] !== 0 || header[2] !== 0 || header[3] !== 0) {
        this.failed = true;
        throw new EngineStreamError(header);
      }
      const length = ((header[4] << 24) >>> 0) + (header[5] << 16) + (header[6] << 8) + header[7];
      if (this.pendingBytes < HEADER_BYTES + length) {
        break;
      }
      this.take(HEADER_BYTES);
      frames.push({ stream, data: this.take(length) });
    }
    return frames;
  }

  /** The first `count` pending bytes, without consuming them. */
  private peek(count: number): Uint8Array {
    const out = new Uint8Array(count);
    let filled = 0;
    for (const part of this.pending) {
      const piece = part.subarray(0, count - filled);
      out.set(piece, filled);
      filled += piece.length;
      if (filled === count) {
        break;
      }
    }
    return out;
  }

  /** Consumes `count` pending bytes (a view of the chunk when the bytes sit in one, else a copy). */
  private take(count: number): Uint8Array {
    if (count === 0) {
      return new Uint8Array(0);
    }
    const first = this.pending[0];
    let out: Uint8Array;
    if (first.length >= count) {
      out = first.subarray(0, count);
      if (first.length === count) {
        this.pending.shift();
      } else {
        this.pending[0] = first.subarray(count);
      }
    } else {
      out = new Uint8Array(count);
      let filled = 0;
      while (filled < count) {
        const part = this.pending[0];
        const piece = part.subarray(0, count - filled);
        out.set(piece, filled);
        filled += piece.length;
        if (piece.length === part.length) {
          this.pending.shift();
        } else {
          this.pending[0] = part.subarray(piece.length);
        }
      }
    }
    this.pendingBytes -= count;
    return out;
  }
}
