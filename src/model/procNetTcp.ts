/**
 * Who listens on a loopback TCP port, from /proc/net/tcp and /proc/net/tcp6 (the kernel's own
 * table, which the engine on the other side of the port cannot write): each listening socket's
 * local address, port and owner uid. The doctor takes its root path on a `tcp://localhost:N`
 * engine only when every listener on that port is owned by root or by the user. Pure.
 */

export interface TcpListener {
  /** The local address as the kernel writes it (hex, host byte order per 32-bit word). */
  addressHex: string;
  port: number;
  uid: number;
  /** 127.0.0.0/8, ::1, ::ffff:127.x, or the wildcard address (which loopback reaches too). */
  loopbackOrAny: boolean;
}

const LISTEN = '0A';

function loopbackOrAny(hex: string): boolean {
  const upper = hex.toUpperCase();
  if (upper.length === 8) {
    // One little-endian word: 127.x.y.z is written ZZYYXX7F.
    return upper === '00000000' || upper.endsWith('7F');
  }
  return /^0{32}$/.test(upper) || upper === '00000000000000000000000001000000' || /^0{16}FFFF0000[0-9A-F]{6}7F$/.test(upper);
}

/** The listening sockets of one /proc/net/tcp{,6} text. */
export function parseTcpListeners(text: string): TcpListener[] {
  const listeners: TcpListener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const local = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(cols[1] ?? '');
    if (!local || cols[3] !== LISTEN || !/^\d+$/.test(cols[7] ?? '')) {
      continue;
    }
    listeners.push({ addressHex: local[1], port: parseInt(local[2], 16), uid: Number(cols[7]), loopbackOrAny: loopbackOrAny(local[1]) });
  }
  return listeners;
}

/** Whether `port` on loopback is served by root or `uid` alone (and served at all). */
export function loopbackPortOwnedBy(texts: string[], port: number, uid: number): boolean {
  const listeners = texts.flatMap(parseTcpListeners).filter((listener) => listener.port === port && listener.loopbackOrAny);
  return listeners.length > 0 && listeners.every((listener) => listener.uid === 0 || listener.uid === uid);
}
