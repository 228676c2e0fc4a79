/**
 * What IPv4 and IPv6 carry, in tcpdump's words: ICMP and ICMPv6 (echo with id and seq, neighbour
 * discovery, MLD), TCP (ports, flags as tcpdump writes them, absolute seq/ack like `tcpdump -S`,
 * payload length), UDP, and DNS over UDP port 53 (dns.ts). Pure.
 */
import { decodeDns } from './dns';
import type { Decoded } from './fields';
import { ipv6 } from './fields';

export const IP_PROTOCOL = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58 } as const;

/** `address:port`, IPv6 in brackets (Wireshark's and the URL notation). */
export function endpoint(address: string, port: number, family: 4 | 6): string {
  return family === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * Decodes the transport at `offset` of `data` (cut at the IP packet's end); `length` is what the
 * IP header says it holds (the capture may hold less).
 */
export function decodeTransport(protocol: number, data: Uint8Array, offset: number, length: number, source: string, destination: string, family: 4 | 6): Decoded {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const base = { source, destination };
  switch (protocol) {
    case IP_PROTOCOL.ICMP:
      return { ...base, protocol: 'ICMP', summary: data.length < offset + 4 ? '[truncated]' : icmpSummary(data, view, offset, length) };
    case IP_PROTOCOL.ICMPV6:
      return { ...base, protocol: 'ICMPv6', summary: data.length < offset + 4 ? '[truncated]' : icmp6Summary(data, view, offset, length) };
    case IP_PROTOCOL.TCP:
      return decodeTcp(data, view, offset, length, source, destination, family);
    case IP_PROTOCOL.UDP:
      return decodeUdp(data, view, offset, source, destination, family);
    default:
      return { ...base, protocol: family === 4 ? 'IPv4' : 'IPv6', summary: `proto ${protocol}, length ${length}` };
  }
}

function echo(kind: string, data: Uint8Array, view: DataView, offset: number): string {
  return data.length < offset + 8 ? `${kind} [truncated]` : `${kind}, id ${view.getUint16(offset + 4)}, seq ${view.getUint16(offset + 6)}`;
}

const ICMP_TYPES: Record<number, string> = {
  3: 'destination unreachable',
  4: 'source quench',
  5: 'redirect',
  11: 'time exceeded',
  12: 'parameter problem',
};

const UNREACHABLE_CODES: Record<number, string> = { 0: 'net', 1: 'host', 2: 'protocol', 3: 'port', 4: 'fragmentation needed', 9: 'net prohibited', 10: 'host prohibited', 13: 'administratively prohibited' };

function icmpSummary(data: Uint8Array, view: DataView, offset: number, length: number): string {
  const type = data[offset];
  const code = data[offset + 1];
  if (type === 8 || type === 0) {
    return `${echo(type === 8 ? 'echo request' : 'echo reply', data, view, offset)}, length ${length}`;
  }
  if (type === 3) {
    return `destination unreachable (${UNREACHABLE_CODES[code] ?? `code ${code}`}), length ${length}`;
  }
  return `${ICMP_TYPES[type] ?? `type ${type}`}${code ? `, code ${code}` : ''}, length ${length}`;
}

function icmp6Summary(data: Uint8Array, view: DataView, offset: number, length: number): string {
  const type = data[offset];
  switch (type) {
    case 128:
      return `${echo('echo request', data, view, offset)}, length ${length}`;
    case 129:
      return `${echo('echo reply', data, view, offset)}, length ${length}`;
    case 133:
      return `router solicitation, length ${length}`;
    case 134:
      return `router advertisement, length ${length}`;
    case 135:
      return data.length < offset + 24 ? 'neighbor solicitation [truncated]' : `neighbor solicitation, who has ${ipv6(data, offset + 8)}, length ${length}`;
    case 136:
      return data.length < offset + 24 ? 'neighbor advertisement [truncated]' : `neighbor advertisement, tgt is ${ipv6(data, offset + 8)}, length ${length}`;
    case 143:
      return data.length < offset + 8 ? 'multicast listener report v2 [truncated]' : `multicast listener report v2, ${view.getUint16(offset + 6)} group record(s), length ${length}`;
    case 1:
      return `destination unreachable, code ${data[offset + 1]}, length ${length}`;
    case 3:
      return `time exceeded, length ${length}`;
    default:
      return `type ${type}, length ${length}`;
  }
}

/** TCP flags in tcpdump's letters and order: S F P R . (ACK) U E W. */
export function tcpFlags(bits: number): string {
  let text = '';
  if (bits & 0x02) text += 'S';
  if (bits & 0x01) text += 'F';
  if (bits & 0x08) text += 'P';
  if (bits & 0x04) text += 'R';
  if (bits & 0x20) text += 'U';
  if (bits & 0x40) text += 'E';
  if (bits & 0x80) text += 'W';
  if (bits & 0x10) text += '.';
  return text === '' ? 'none' : text;
}

function decodeTcp(data: Uint8Array, view: DataView, offset: number, length: number, source: string, destination: string, family: 4 | 6): Decoded {
  if (data.length < offset + 20) {
    return { source, destination, protocol: 'TCP', summary: '[truncated]' };
  }
  const sourcePort = view.getUint16(offset);
  const destinationPort = view.getUint16(offset + 2);
  const seq = view.getUint32(offset + 4);
  const ack = view.getUint32(offset + 8);
  const headerLength = (data[offset + 12] >> 4) * 4;
  const bits = data[offset + 13];
  const window = view.getUint16(offset + 14);
  const payload = Math.max(0, length - headerLength);
  const parts = [`Flags [${tcpFlags(bits)}]`];
  // As tcpdump -S: seq as a range when data is carried, ack when the ACK bit is set.
  if (payload > 0 || bits & 0x03) {
    parts.push(payload > 0 ? `seq ${seq}:${(seq + payload) >>> 0}` : `seq ${seq}`);
  }
  if (bits & 0x10) {
    parts.push(`ack ${ack}`);
  }
  parts.push(`win ${window}`, `length ${payload}`);
  return { source: endpoint(source, sourcePort, family), destination: endpoint(destination, destinationPort, family), protocol: 'TCP', summary: parts.join(', ') };
}

function decodeUdp(data: Uint8Array, view: DataView, offset: number, source: string, destination: string, family: 4 | 6): Decoded {
  if (data.length < offset + 8) {
    return { source, destination, protocol: 'UDP', summary: '[truncated]' };
  }
  const sourcePort = view.getUint16(offset);
  const destinationPort = view.getUint16(offset + 2);
  const payload = Math.max(0, view.getUint16(offset + 4) - 8);
  const ends = { source: endpoint(source, sourcePort, family), destination: endpoint(destination, destinationPort, family) };
  if (sourcePort === 53 || destinationPort === 53) {
    const dns = decodeDns(data.subarray(offset + 8, offset + 8 + payload));
    if (dns) {
      return { ...ends, protocol: 'DNS', summary: dns };
    }
  }
  return { ...ends, protocol: 'UDP', summary: `length ${payload}` };
}
