/**
 * Packet capture as plain data. Every capture, local (the host's tcpdump in the target's network
 * namespace, as root) or through a helper container on the engine (remote engines, no root),
 * yields the same thing: a pcap byte stream and tcpdump's closing counts. The extension writes
 * the stream to the user's file and decodes it itself (src/model/capture), so the lines the user
 * sees do not depend on where tcpdump ran.
 */

/** What to capture on. */
export type CaptureTarget =
  /** An interface in the host's own namespace (docker0, br-<id>, a host-side veth). */
  | { kind: 'hostInterface'; interface: string }
  /** A container's namespace: one interface, or all of them (`any`). */
  | { kind: 'container'; containerId: string; containerName: string; interface?: string }
  /** A namespace file under the engine's netns folder (overlay `1-<id>`, ingress_sbox, lb_<id>). */
  | { kind: 'namespace'; namespaceFile: string; interface?: string };

export interface CaptureSpec {
  target: CaptureTarget;
  /** A BPF expression, checked by tcpdump's own compiler before the capture starts. */
  filter?: string;
  /** Stop after this many packets. */
  count?: number;
  /** Stop after this many seconds. */
  durationSeconds?: number;
  /** The pcap file to write (absolute path). */
  file: string;
}

/** Why a capture ended. */
export type CaptureEnd = 'count' | 'duration' | 'stopped' | 'failed';

/** tcpdump's closing counts (its stderr: "N packets captured", "M packets dropped by kernel"). */
export interface CaptureCounts {
  captured: number;
  receivedByFilter?: number;
  droppedByKernel: number;
}

/** One packet read from the pcap stream. */
export interface PcapPacket {
  /** Seconds since the epoch (with microseconds). */
  timestamp: number;
  /** Length on the wire. */
  originalLength: number;
  /** The bytes captured (maybe fewer than originalLength: the snap length). */
  data: Uint8Array;
}

/** One decoded line, as the capture view shows it. */
export interface DecodedPacket {
  timestamp: number;
  source: string;
  destination: string;
  /** ARP, ICMP, ICMPv6, TCP, UDP, DNS, IPv4, IPv6, ... */
  protocol: string;
  length: number;
  summary: string;
}

/**
 * A running capture, local or in a helper container. `pcap` delivers the stream's bytes as they
 * come (tcpdump -U -w -); `stop()` ends it early (SIGINT locally, the helper's stop remotely) and
 * is safe to call twice; `done` settles once the process (or container) is gone and counted.
 */
export interface RunningCapture {
  onPcap(listener: (chunk: Uint8Array) => void): void;
  stop(): Promise<void>;
  done: Promise<{ end: CaptureEnd; counts?: CaptureCounts; error?: string }>;
}
