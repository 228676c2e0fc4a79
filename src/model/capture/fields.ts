/**
 * How the capture's lines write addresses and numbers: MACs in lower-case hex, IPv4 dotted, IPv6
 * in its canonical compressed form (RFC 5952, as tcpdump prints it), ethertypes as 0x0000. Pure.
 */
import { Address6 } from 'ip-address';
import type { DecodedPacket } from './types';

/** What a layer found: the line's fields, the timestamp and length added by decodePacket. */
export type Decoded = Omit<DecodedPacket, 'timestamp' | 'length'>;

export function mac(bytes: Uint8Array, offset: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 6; i += 1) {
    parts.push(bytes[offset + i].toString(16).padStart(2, '0'));
  }
  return parts.join(':');
}

export function ipv4(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

export function ipv6(bytes: Uint8Array, offset: number): string {
  return Address6.fromByteArray(Array.from(bytes.subarray(offset, offset + 16))).correctForm();
}

export function hex16(value: number): string {
  return `0x${value.toString(16).padStart(4, '0')}`;
}
