/**
 * One line per packet, as a network engineer reads tcpdump -nn: the link layer (Ethernet, or the
 * Linux "cooked" headers SLL and SLL2 that `-i any` gives), then ARP, IPv4/IPv6 and what they
 * carry (transport.ts). Numeric addresses and ports only (no name lookups, like -nn). The summary
 * is protocol notation, as tcpdump and Wireshark print it in every language, not a sentence. A
 * packet cut short by the snap length is said so, never read past its end. Pure.
 */
import type { Decoded } from './fields';
import { hex16, ipv4, ipv6, mac } from './fields';
import { LINKTYPE } from './pcap';
import { decodeTransport } from './transport';
import type { DecodedPacket, PcapPacket } from './types';

export const ETHERTYPE = { IPV4: 0x0800, ARP: 0x0806, VLAN: 0x8100, IPV6: 0x86dd } as const;

const TRUNCATED: Decoded = { source: '', destination: '', protocol: '?', summary: '[truncated]' };

/** Decodes one packet of a stream of the given link type. */
export function decodePacket(packet: PcapPacket, linkType: number): DecodedPacket {
  const decoded = decodeLink(packet.data, linkType);
  return { timestamp: packet.timestamp, length: packet.originalLength, ...decoded };
}

function decodeLink(data: Uint8Array, linkType: number): Decoded {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  switch (linkType) {
    case LINKTYPE.ETHERNET:
      return decodeEthernet(data, view);
    case LINKTYPE.LINUX_SLL:
      // packet type, ARPHRD, address length, address (8), protocol: 16 bytes.
      return data.length < 16 ? TRUNCATED : decodeEthertype(view.getUint16(14), data, view, 16, linkAddress(data, view.getUint16(4), 6), '');
    case LINKTYPE.LINUX_SLL2:
      // protocol, reserved, ifindex, ARPHRD, packet type, address length, address (8): 20 bytes.
      return data.length < 20 ? TRUNCATED : decodeEthertype(view.getUint16(0), data, view, 20, linkAddress(data, data[11], 12), '');
    case LINKTYPE.RAW:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6:
      return data.length < 1 ? TRUNCATED : decodeEthertype((data[0] >> 4) === 6 ? ETHERTYPE.IPV6 : ETHERTYPE.IPV4, data, view, 0, '', '');
    default:
      return { source: '', destination: '', protocol: `linktype ${linkType}`, summary: `${data.length} bytes` };
  }
}

/** The cooked headers' sender address: a MAC when it is six bytes long. */
function linkAddress(data: Uint8Array, length: number, offset: number): string {
  return length === 6 && data.length >= offset + 6 ? mac(data, offset) : '';
}

function decodeEthernet(data: Uint8Array, view: DataView): Decoded {
  if (data.length < 14) {
    return TRUNCATED;
  }
  let type = view.getUint16(12);
  let offset = 14;
  // 802.1Q tags (one or more): the real type follows each.
  while (type === ETHERTYPE.VLAN && data.length >= offset + 4) {
    type = view.getUint16(offset + 2);
    offset += 4;
  }
  return decodeEthertype(type, data, view, offset, mac(data, 6), mac(data, 0));
}

function decodeEthertype(type: number, data: Uint8Array, view: DataView, offset: number, linkSource: string, linkDestination: string): Decoded {
  switch (type) {
    case ETHERTYPE.IPV4:
      return decodeIpv4(data, view, offset);
    case ETHERTYPE.IPV6:
      return decodeIpv6(data, view, offset);
    case ETHERTYPE.ARP:
      return decodeArp(data, view, offset);
    default:
      return { source: linkSource, destination: linkDestination, protocol: `ethertype ${hex16(type)}`, summary: `${data.length - offset} bytes` };
  }
}

function decodeArp(data: Uint8Array, view: DataView, offset: number): Decoded {
  // Ethernet/IPv4 ARP only (hardware 1, protocol 0x0800, lengths 6 and 4): 28 bytes.
  if (data.length < offset + 28 || view.getUint16(offset) !== 1 || view.getUint16(offset + 2) !== ETHERTYPE.IPV4) {
    return { source: '', destination: '', protocol: 'ARP', summary: data.length < offset + 8 ? '[truncated]' : `hardware ${view.getUint16(offset)}` };
  }
  const operation = view.getUint16(offset + 6);
  const senderMac = mac(data, offset + 8);
  const sender = ipv4(data, offset + 14);
  const target = ipv4(data, offset + 24);
  const summary =
    operation === 1 ? `who-has ${target} tell ${sender}` : operation === 2 ? `reply ${sender} is-at ${senderMac}` : `operation ${operation}`;
  return { source: sender, destination: target, protocol: 'ARP', summary };
}

function decodeIpv4(data: Uint8Array, view: DataView, offset: number): Decoded {
  if (data.length < offset + 20) {
    return { ...TRUNCATED, protocol: 'IPv4' };
  }
  const headerLength = (data[offset] & 0x0f) * 4;
  const totalLength = view.getUint16(offset + 2);
  const fragment = view.getUint16(offset + 6);
  const protocol = data[offset + 9];
  const source = ipv4(data, offset + 12);
  const destination = ipv4(data, offset + 16);
  if ((fragment & 0x1fff) !== 0) {
    // A later fragment carries no transport header.
    return { source, destination, protocol: 'IPv4', summary: `fragment offset ${(fragment & 0x1fff) * 8}, proto ${protocol}` };
  }
  // The payload ends where the IP header says (Ethernet pads short frames).
  const end = Math.min(data.length, offset + Math.max(totalLength, headerLength));
  return decodeTransport(protocol, data.subarray(0, end), offset + headerLength, totalLength - headerLength, source, destination, 4);
}

/** Extension headers that may stand between the IPv6 header and what it carries. */
const IPV6_EXTENSIONS = new Set([0, 43, 60]);

function decodeIpv6(data: Uint8Array, view: DataView, offset: number): Decoded {
  if (data.length < offset + 40) {
    return { ...TRUNCATED, protocol: 'IPv6' };
  }
  const payloadLength = view.getUint16(offset + 4);
  let next = data[offset + 6];
  const source = ipv6(data, offset + 8);
  const destination = ipv6(data, offset + 24);
  let at = offset + 40;
  let remaining = payloadLength;
  while (IPV6_EXTENSIONS.has(next) && data.length >= at + 2) {
    const size = (data[at + 1] + 1) * 8;
    next = data[at];
    at += size;
    remaining -= size;
  }
  if (next === 44) {
    return { source, destination, protocol: 'IPv6', summary: 'fragment' };
  }
  const end = Math.min(data.length, offset + 40 + payloadLength);
  return decodeTransport(next, data.subarray(0, end), at, remaining, source, destination, 6);
}
