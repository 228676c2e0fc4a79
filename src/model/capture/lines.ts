/**
 * Decoded packets as text lines (the CLI's stdout, the view's copy): `time source -> destination
 * protocol length summary`, the time of day with microseconds as tcpdump prints it. And the
 * view's bounded memory: the last N lines only (the rest is in the pcap file). Pure.
 */
import type { DecodedPacket } from './types';

/** HH:MM:SS.ffffff of a timestamp, `offsetMinutes` as Date#getTimezoneOffset gives it (0: UTC). */
export function formatClock(timestamp: number, offsetMinutes = 0): string {
  const micros = Math.round(timestamp * 1e6) - offsetMinutes * 60e6;
  const dayMicros = 86_400e6;
  const inDay = ((micros % dayMicros) + dayMicros) % dayMicros;
  const seconds = Math.floor(inDay / 1e6);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor((seconds % 3600) / 60))}:${two(seconds % 60)}.${String(inDay % 1e6).padStart(6, '0')}`;
}

export function formatPacketLine(packet: DecodedPacket, offsetMinutes = 0): string {
  const ends = packet.source || packet.destination ? ` ${packet.source || '?'} -> ${packet.destination || '?'}` : '';
  return `${formatClock(packet.timestamp, offsetMinutes)}${ends} ${packet.protocol} ${packet.length}${packet.summary ? ` ${packet.summary}` : ''}`;
}

/** A ring of the last `capacity` items: O(1) per push, however long the capture runs. */
export class LastLines<T> {
  private readonly items: T[] = [];
  private start = 0;
  /** Every item ever pushed (the ring holds the last `capacity`). */
  total = 0;

  constructor(readonly capacity: number) {}

  push(item: T): void {
    this.total += 1;
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
  }

  /** Oldest first. */
  toArray(): T[] {
    return [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
  }

  get size(): number {
    return this.items.length;
  }
}
