/**
 * The packet decoder against tcpdump itself: pcaps RECORDED in a container's namespace on the real
 * engine (scripts/recordCaptureFixtures.ts: ARP, IPv4 and IPv6 pings, neighbour discovery, MLD, a
 * TCP exchange with nc, DNS through Docker's embedded DNS), on Ethernet, `-i any` (Linux cooked v1
 * and v2) and with nanosecond timestamps, each stored with what `tcpdump -r -nn -tt -S` printed for
 * it. Every line we decode must agree with tcpdump's line for the same packet: time, source and
 * destination (ports too), protocol, ICMP id/seq, TCP flags/seq/ack/length, DNS answers. Then the
 * stream reader's promises (chunks split anywhere, both byte orders, a bad stream, a cut record),
 * tcpdump's closing counts and refusals, and the spec checks.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { decodePacket } from '../../src/model/capture/decode';
import { formatClock, formatPacketLine, LastLines } from '../../src/model/capture/lines';
import { LINKTYPE, PcapStreamParser } from '../../src/model/capture/pcap';
import { captureSpecIssues, filterLinkType } from '../../src/model/capture/spec';
import { parseCaptureCounts, tcpdumpError } from '../../src/model/capture/tcpdumpOutput';
import type { CaptureSpec, DecodedPacket, PcapPacket } from '../../src/model/capture/types';
import { FIXTURES_FOLDER } from '../support/fixtures';

interface RecordedCapture {
  name: string;
  tcpdumpArgs: string[];
  stderr: string;
  pcapBase64: string;
  tcpdump: string[];
}
const recorded = JSON.parse(readFileSync(path.join(FIXTURES_FOLDER, 'capture', 'packets.json'), 'utf8')) as {
  captures: RecordedCapture[];
  filterRefusals: Array<{ filter: string; stderr: string }>;
};
const bytesOf = (capture: RecordedCapture) => new Uint8Array(Buffer.from(capture.pcapBase64, 'base64'));

function readAll(chunks: Uint8Array[]): { packets: PcapPacket[]; parser: PcapStreamParser } {
  const parser = new PcapStreamParser();
  const packets = chunks.flatMap((chunk) => parser.push(chunk));
  return { packets, parser };
}

function decodeAll(bytes: Uint8Array): DecodedPacket[] {
  const { packets, parser } = readAll([bytes]);
  return packets.map((packet) => decodePacket(packet, parser.linkHeader!.linkType));
}

/** tcpdump's `a.b.c.d.port` / `v6addr.port` as our `a.b.c.d:port` / `[v6addr]:port`. */
function ourEndpoint(text: string, family: 4 | 6): string {
  if (family === 4) {
    const parts = text.split('.');
    return parts.length === 5 ? `${parts.slice(0, 4).join('.')}:${parts[4]}` : text;
  }
  const match = /^(.*:.*)\.(\d+)$/.exec(text);
  return match ? `[${match[1]}]:${match[2]}` : text;
}

/** Checks one decoded packet against tcpdump's line for it; returns what disagrees. */
function disagreement(ours: DecodedPacket, line: string): string | undefined {
  const [time, ...restWords] = line.split(' ');
  // -i any (SLL2) adds the interface and direction columns: drop them.
  const rest = restWords.join(' ').replace(/^\S+\s+(In|Out|M|B|P)\s+/, '');
  if (Math.abs(ours.timestamp - Number(time)) > 1.5e-6) {
    return `time ${ours.timestamp} vs ${time}`;
  }
  const arp = /^ARP, (Request who-has (\S+) tell (\S+)|Reply (\S+) is-at (\S+)), length \d+$/.exec(rest);
  if (arp) {
    const expected = arp[2] ? `who-has ${arp[2]} tell ${arp[3]}` : `reply ${arp[4]} is-at ${arp[5]}`;
    return ours.protocol === 'ARP' && ours.summary === expected ? undefined : `ARP: ${ours.summary}`;
  }
  const ip = /^(IP6?) (\S+) > (\S+): (.*)$/.exec(rest);
  if (!ip) {
    return `tcpdump line not understood: ${rest}`;
  }
  const family = ip[1] === 'IP6' ? 6 : 4;
  const [source, destination] = [ourEndpoint(ip[2], family), ourEndpoint(ip[3], family)];
  if (ours.source !== source || ours.destination !== destination) {
    return `ends ${ours.source} -> ${ours.destination} vs ${source} -> ${destination}`;
  }
  return payloadDisagreement(ours, ip[4].replace(/^HBH /, ''));
}

function payloadDisagreement(ours: DecodedPacket, payload: string): string | undefined {
  const icmp = /^ICMP6?,? (echo request|echo reply|router solicitation|neighbor solicitation, who has \S+|neighbor advertisement, tgt is \S+|multicast listener report v2, \d+ group record\(s\))(, id \d+, seq \d+)?/.exec(payload);
  if (icmp) {
    const expected = `${icmp[1]}${icmp[2] ?? ''}`;
    return ours.protocol.startsWith('ICMP') && ours.summary.startsWith(expected) ? undefined : `ICMP: ${ours.summary} vs ${expected}`;
  }
  if (payload.startsWith('Flags [')) {
    const expected = payload.replace(/, options \[[^\]]*\]/, '');
    return ours.protocol === 'TCP' && ours.summary === expected ? undefined : `TCP: ${ours.summary} vs ${expected}`;
  }
  const udp = /^UDP, length (\d+)$/.exec(payload);
  if (udp) {
    return ours.protocol === 'UDP' && ours.summary === `length ${udp[1]}` ? undefined : `UDP: ${ours.summary}`;
  }
  const dns = /^(\d+)\*?-? (\d+)\/\d+\/\d+ (.*) \(\d+\)$/.exec(payload);
  if (dns) {
    const id = `0x${Number(dns[1]).toString(16).padStart(4, '0')}`;
    const answers = dns[3].split(', ');
    const ok = ours.protocol === 'DNS' && ours.summary.startsWith(`response ${id}`) && answers.every((answer) => ours.summary.includes(answer));
    return ok ? undefined : `DNS: ${ours.summary} vs ${payload}`;
  }
  return `payload not compared: ${payload}`;
}

describe('the decoder agrees with tcpdump -r -nn on pcaps recorded from the real engine', () => {
  for (const capture of recorded.captures) {
    test(`${capture.name}: one line per packet, each agreeing with tcpdump's`, () => {
      const decoded = decodeAll(bytesOf(capture));
      assert.equal(decoded.length, capture.tcpdump.length);
      const problems = decoded.map((ours, index) => disagreement(ours, capture.tcpdump[index])).filter(Boolean);
      assert.deepEqual(problems, []);
    });
  }

  test('the recordings hold what the decoder must know: ARP, ICMP and ICMPv6 echoes, TCP, DNS answers', () => {
    const protocols = new Set(recorded.captures.flatMap((capture) => decodeAll(bytesOf(capture)).map((packet) => packet.protocol)));
    for (const protocol of ['ARP', 'ICMP', 'ICMPv6', 'TCP', 'DNS', 'UDP']) {
      assert.ok(protocols.has(protocol), `${protocol} in ${[...protocols].join(', ')}`);
    }
    const linkTypes = recorded.captures.map((capture) => readAll([bytesOf(capture)]).parser.linkHeader);
    assert.deepEqual(
      linkTypes.map((header) => [header?.linkType, header?.nanoseconds]),
      [
        [LINKTYPE.ETHERNET, false],
        [LINKTYPE.LINUX_SLL2, true],
        [LINKTYPE.LINUX_SLL, false],
      ],
    );
  });

  test('a line reads as time, source -> destination, protocol, length, summary', () => {
    const echo = decodeAll(bytesOf(recorded.captures[0])).find((packet) => packet.summary.startsWith('echo request') && packet.protocol === 'ICMP')!;
    assert.match(formatPacketLine(echo), /^\d\d:\d\d:\d\d\.\d{6} [\d.]+ -> [\d.]+ ICMP 98 echo request, id \d+, seq 0, length 64$/);
    // The reference clock: Date's own UTC reading of the same instant (plus the microseconds).
    const utc = new Date(1796667321469).toISOString().slice(11, 19);
    assert.equal(formatClock(1796667321.469407), `${utc}.469407`);
    const plusOneHour = new Date(1796667321469 + 3_600_000).toISOString().slice(11, 19);
    assert.equal(formatClock(1796667321.469407, -60), `${plusOneHour}.469407`);
  });
});

describe('the pcap stream reader', () => {
  const eth0 = bytesOf(recorded.captures[0]);
  const whole = decodeAll(eth0);

  test('chunks split anywhere (every byte, and random sizes) give the same packets', () => {
    const byByte = readAll([...eth0].map((byte) => Uint8Array.of(byte)));
    assert.deepEqual(byByte.packets.map((packet) => decodePacket(packet, 1)), whole);
    let seed = 7;
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < eth0.length; ) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const size = 1 + (seed % 200);
      chunks.push(eth0.subarray(at, at + size));
      at += size;
    }
    assert.deepEqual(readAll(chunks).packets.map((packet) => decodePacket(packet, 1)), whole);
  });

  test('a big-endian stream (the same capture, headers byte-swapped) reads the same', () => {
    const swapped = Uint8Array.from(eth0);
    const view = new DataView(swapped.buffer);
    const source = new DataView(eth0.buffer, eth0.byteOffset, eth0.byteLength);
    view.setUint32(0, source.getUint32(0, true), false);
    view.setUint16(4, source.getUint16(4, true), false);
    view.setUint16(6, source.getUint16(6, true), false);
    for (const at of [8, 12, 16, 20]) view.setUint32(at, source.getUint32(at, true), false);
    for (let at = 24; at < swapped.length; ) {
      const included = source.getUint32(at + 8, true);
      for (const field of [0, 4, 8, 12]) view.setUint32(at + field, source.getUint32(at + field, true), false);
      at += 16 + included;
    }
    const { parser, packets } = readAll([swapped]);
    assert.equal(parser.linkHeader?.littleEndian, false);
    assert.deepEqual(packets.map((packet) => decodePacket(packet, 1)), whole);
  });

  test('a stream that is not pcap is refused; a record cut short waits (a capture killed mid-write)', () => {
    const notPcap = readAll([new TextEncoder().encode('tcpdump: eth0: No such device exists\n(SIOCGIFHWADDR)')]);
    assert.deepEqual([notPcap.packets.length, notPcap.parser.error], [0, 'badMagic']);
    const cut = readAll([eth0.subarray(0, eth0.length - 10)]);
    assert.equal(cut.packets.length, whole.length - 1);
    assert.ok(cut.parser.leftover > 0);
  });

  test('the view keeps only the last lines', () => {
    const ring = new LastLines<number>(3);
    for (let i = 1; i <= 10; i += 1) ring.push(i);
    assert.deepEqual([ring.toArray(), ring.total, ring.size], [[8, 9, 10], 10, 3]);
  });
});

describe("tcpdump's own words", () => {
  test('the closing counts, as tcpdump printed them on stopping', () => {
    for (const capture of recorded.captures) {
      const counts = parseCaptureCounts(capture.stderr);
      assert.equal(counts?.captured, capture.tcpdump.length, capture.name);
      assert.equal(counts?.droppedByKernel, 0);
      assert.ok((counts?.receivedByFilter ?? 0) >= counts!.captured);
    }
    assert.equal(parseCaptureCounts('tcpdump: listening on eth0\n'), undefined);
    // The packet story counts its hops with it too: one packet is said in the singular, a refusal has no count.
    assert.equal(parseCaptureCounts('1 packet captured\n')?.captured, 1);
    assert.equal(parseCaptureCounts('tcpdump: eth9: No such device exists\n'), undefined);
  });

  test("a refused filter gives tcpdump's sentence without its prefix", () => {
    for (const { filter, stderr } of recorded.filterRefusals) {
      const sentence = tcpdumpError(stderr);
      assert.ok(sentence && !sentence.startsWith('tcpdump:') && stderr.includes(sentence), `${filter}: ${sentence}`);
    }
    assert.equal(tcpdumpError(recorded.captures[1].stderr.split('\n').slice(0, 2).join('\n')), undefined);
  });
});

describe('capture settings are checked before anything runs', () => {
  const spec = (change: Partial<CaptureSpec>): CaptureSpec => ({ target: { kind: 'container', containerId: 'web', containerName: 'web', interface: 'eth0' }, file: '/tmp/x.pcap', ...change });
  const codes = (change: Partial<CaptureSpec>) => captureSpecIssues(spec(change)).map((issue) => issue.code);

  test('interfaces by the kernel rule', () => {
    for (const name of ['eth0', 'any', 'br-0123456789ab', 'veth1234567890a']) {
      assert.deepEqual(codes({ target: { kind: 'container', containerId: 'web', containerName: 'web', interface: name } }), [], name);
    }
    for (const name of ['', '.', '..', 'a/b', 'eth 0', 'a'.repeat(16), 'eth0:1', '-w']) {
      const expected = name === '-w' ? [] : ['invalidInterface'];
      assert.deepEqual(codes({ target: { kind: 'container', containerId: 'web', containerName: 'web', interface: name } }), expected, name);
    }
    assert.deepEqual(codes({ target: { kind: 'hostInterface', interface: 'any' } }), ['invalidInterface']);
  });

  test('limits, filter and file', () => {
    assert.deepEqual(codes({ count: 0 }), ['countRange']);
    assert.deepEqual(codes({ count: 10_000_001 }), ['countRange']);
    assert.deepEqual(codes({ count: 1.5 }), ['countRange']);
    assert.deepEqual(codes({ count: 10_000_000, durationSeconds: 30 }), []);
    assert.deepEqual(codes({ durationSeconds: 0 }), ['durationRange']);
    assert.deepEqual(codes({ filter: '-w /etc/passwd' }), ['filterDash']);
    assert.deepEqual(codes({ filter: 'icmp\nor tcp' }), ['filterControl']);
    assert.deepEqual(codes({ filter: 'x'.repeat(3000) }), ['filterTooLong']);
    assert.deepEqual(codes({ file: 'relative.pcap' }), ['fileNotAbsolute']);
    assert.deepEqual(codes({ target: { kind: 'namespace', namespaceFile: '/var/run/docker/netns/../../etc' } }), ['invalidNamespace']);
    assert.deepEqual(codes({ target: { kind: 'namespace', namespaceFile: '/var/run/docker/netns/1-abcdef0123' } }), []);
    assert.deepEqual(codes({ target: { kind: 'container', containerId: '../x', containerName: 'x' } }), ['invalidContainer']);
  });

  test("tcpdump's compiler checks a filter against the interface's link type", () => {
    assert.equal(filterLinkType('eth0'), 'EN10MB');
    assert.equal(filterLinkType('any'), 'LINUX_SLL2');
    assert.equal(filterLinkType(undefined), 'LINUX_SLL2');
  });
});
