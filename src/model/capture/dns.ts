/**
 * DNS messages over UDP, read as tcpdump summarises them: a query's id, type and name
 * (`query 0x1a2b A? web`), a response's answers (`response 0x1a2b A? web: A 172.18.0.3`) or its
 * error (`NXDomain`). Names follow compression pointers, with a bound so a crafted packet cannot
 * loop. Anything malformed gives undefined and the line says plain UDP. Pure.
 */
import { ipv4, ipv6 } from './fields';

const TYPES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 65: 'HTTPS' };
const RCODES: Record<number, string> = { 1: 'FormErr', 2: 'ServFail', 3: 'NXDomain', 4: 'NotImp', 5: 'Refused' };

function typeName(type: number): string {
  return TYPES[type] ?? `TYPE${type}`;
}

/** A name at `offset`: its text and where the record goes on (after the name in place). */
function readName(data: Uint8Array, offset: number): { name: string; next: number } | undefined {
  const labels: string[] = [];
  let at = offset;
  let next: number | undefined;
  for (let jumps = 0; jumps < 32; ) {
    if (at >= data.length) {
      return undefined;
    }
    const size = data[at];
    if (size === 0) {
      return { name: labels.length === 0 ? '.' : labels.join('.'), next: next ?? at + 1 };
    }
    if ((size & 0xc0) === 0xc0) {
      if (at + 1 >= data.length) {
        return undefined;
      }
      next ??= at + 2;
      at = ((size & 0x3f) << 8) | data[at + 1];
      jumps += 1;
      continue;
    }
    if (size > 63 || at + 1 + size > data.length) {
      return undefined;
    }
    labels.push(String.fromCharCode(...data.subarray(at + 1, at + 1 + size)));
    at += 1 + size;
  }
  return undefined;
}

function answerText(data: Uint8Array, type: number, at: number, length: number): string {
  if (type === 1 && length === 4) {
    return `A ${ipv4(data, at)}`;
  }
  if (type === 28 && length === 16) {
    return `AAAA ${ipv6(data, at)}`;
  }
  if (type === 5 || type === 12 || type === 2) {
    return `${typeName(type)} ${readName(data, at)?.name ?? '?'}`;
  }
  return typeName(type);
}

export function decodeDns(data: Uint8Array): string | undefined {
  if (data.length < 12) {
    return undefined;
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const id = `0x${view.getUint16(0).toString(16).padStart(4, '0')}`;
  const flags = view.getUint16(2);
  const questions = view.getUint16(4);
  const answers = view.getUint16(6);
  let at = 12;
  let question = '';
  if (questions > 0) {
    const name = readName(data, at);
    if (!name || name.next + 4 > data.length) {
      return undefined;
    }
    question = ` ${typeName(view.getUint16(name.next))}? ${name.name}`;
    at = name.next + 4;
    for (let skipped = 1; skipped < questions; skipped += 1) {
      const more = readName(data, at);
      if (!more) {
        return undefined;
      }
      at = more.next + 4;
    }
  }
  if ((flags & 0x8000) === 0) {
    return `query ${id}${question}`;
  }
  const rcode = flags & 0x0f;
  if (rcode !== 0) {
    return `response ${id}${question}: ${RCODES[rcode] ?? `rcode ${rcode}`}`;
  }
  const texts: string[] = [];
  for (let index = 0; index < answers && index < 16; index += 1) {
    const name = readName(data, at);
    if (!name || name.next + 10 > data.length) {
      break;
    }
    const type = view.getUint16(name.next);
    const length = view.getUint16(name.next + 8);
    const rdata = name.next + 10;
    if (rdata + length > data.length) {
      break;
    }
    texts.push(answerText(data, type, rdata, length));
    at = rdata + length;
  }
  return `response ${id}${question}: ${texts.length > 0 ? texts.join(', ') : 'no answer'}`;
}
