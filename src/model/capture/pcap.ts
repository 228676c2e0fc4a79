/**
 * An incremental reader of the classic pcap stream tcpdump writes with `-w -`: the global header
 * (either byte order, microsecond or nanosecond magic), then records. Chunks may split a header or
 * a record anywhere: what is not yet complete waits for the next chunk, so the view decodes each
 * packet as soon as its last byte arrives. Pure (no fs, no streams): bytes in, packets out.
 */
import type { PcapPacket } from './types';

/** The link types tcpdump writes for the interfaces we capture on. */
export const LINKTYPE = { NULL: 0, ETHERNET: 1, RAW: 101, LINUX_SLL: 113, IPV4: 228, IPV6: 229, LINUX_SLL2: 276 } as const;

export interface PcapHeader {
  littleEndian: boolean;
  nanoseconds: boolean;
  versionMajor: number;
  versionMinor: number;
  snapLength: number;
  linkType: number;
}

/** Why a stream cannot be read on (the file stays as written; the view says so). */
export type PcapError = 'badMagic' | 'recordTooLong';

const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
/** Larger than any snap length tcpdump accepts (262144): a longer record means the stream is not pcap. */
const MAX_RECORD = 1 << 20;

export class PcapStreamParser {
  private pending: Uint8Array = new Uint8Array(0);
  private header?: PcapHeader;
  private failure?: PcapError;
  /** Bytes received, for the counts at the end. */
  bytes = 0;

  get linkHeader(): PcapHeader | undefined {
    return this.header;
  }

  get error(): PcapError | undefined {
    return this.failure;
  }

  /** Feeds one chunk; returns the packets it completed (none once the stream is known bad). */
  push(chunk: Uint8Array): PcapPacket[] {
    this.bytes += chunk.length;
    if (this.failure) {
      return [];
    }
    const data = this.pending.length === 0 ? chunk : concat(this.pending, chunk);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let offset = 0;
    if (!this.header) {
      if (data.length < GLOBAL_HEADER) {
        this.pending = data;
        return [];
      }
      this.header = readGlobalHeader(view);
      if (!this.header) {
        this.failure = 'badMagic';
        this.pending = new Uint8Array(0);
        return [];
      }
      offset = GLOBAL_HEADER;
    }
    const { littleEndian, nanoseconds } = this.header;
    const packets: PcapPacket[] = [];
    while (data.length - offset >= RECORD_HEADER) {
      const seconds = view.getUint32(offset, littleEndian);
      const fraction = view.getUint32(offset + 4, littleEndian);
      const included = view.getUint32(offset + 8, littleEndian);
      const original = view.getUint32(offset + 12, littleEndian);
      if (included > MAX_RECORD) {
        this.failure = 'recordTooLong';
        this.pending = new Uint8Array(0);
        return packets;
      }
      if (data.length - offset - RECORD_HEADER < included) {
        break;
      }
      const start = offset + RECORD_HEADER;
      packets.push({
        timestamp: seconds + fraction / (nanoseconds ? 1e9 : 1e6),
        originalLength: original,
        // A view, not a copy: a flood delivers thousands a second, and a stream's chunks are not reused.
        data: data.subarray(start, start + included),
      });
      offset = start + included;
    }
    this.pending = data.subarray(offset);
    return packets;
  }

  /** Bytes of an unfinished record at the end (a capture killed mid-write leaves some). */
  get leftover(): number {
    return this.pending.length;
  }
}

function readGlobalHeader(view: DataView): PcapHeader | undefined {
  const magics: Array<[number, boolean, boolean]> = [
    [0xa1b2c3d4, false, false],
    [0xa1b23c4d, false, true],
  ];
  for (const littleEndian of [true, false]) {
    const magic = view.getUint32(0, littleEndian);
    for (const [value, , nanoseconds] of magics) {
      if (magic === value) {
        return {
          littleEndian,
          nanoseconds,
          versionMajor: view.getUint16(4, littleEndian),
          versionMinor: view.getUint16(6, littleEndian),
          snapLength: view.getUint32(16, littleEndian),
          // The upper bits carry FCS flags in newer writers; the link type is the low 16 bits.
          linkType: view.getUint32(20, littleEndian) & 0xffff,
        };
      }
    }
  }
  return undefined;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
