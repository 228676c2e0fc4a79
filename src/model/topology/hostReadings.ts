/**
 * What a host's files say, read as plain values: one interface of /sys/class/net, a bridge's
 * forwarding database, the default routes of /proc/net. Pure, so that the sysfs level (which reads
 * the files itself, src/probe/readers.ts) and the helper level (whose helper container reads them on
 * the engine's host and prints them, helperReadout.ts) turn the same values into the same facts.
 */
import { Address6 } from 'ip-address';
import type { DefaultRoute, LinkFact, LinkKind } from './facts';

/** A link of /sys/class/net, with its bridge port number when it is a port (until learned MACs are attached). */
export type SysfsLink = LinkFact & { portNumber?: number };

/** The files of /sys/class/net/<name> the sysfs level reads, trimmed; undefined when absent or unreadable. */
export interface SysfsValues {
  ifindex?: string;
  iflink?: string;
  address?: string;
  mtu?: string;
  operstate?: string;
  /** `DEVTYPE=` of its uevent (devtypeOf). */
  devtype?: string;
  /** ARPHRD type (`type`): 772 is loopback. */
  type?: string;
  /** brport/port_no (`0x1`). */
  portNumber?: string;
  /** The name the `master` link points at. */
  master?: string;
  /** device/uevent exists and says something: a real device (ethernet). */
  device: boolean;
}

/** The DEVTYPE of a uevent file's text (bridge, vxlan, macvlan, …). */
export function devtypeOf(uevent: string | undefined): string | undefined {
  return /DEVTYPE=(\S+)/.exec(uevent ?? '')?.[1];
}

function kindOf(values: SysfsValues, index: number, peer: number | undefined): LinkKind {
  const devtype = values.devtype;
  if (values.type === '772') {
    return 'loopback';
  }
  if (devtype === 'bridge' || devtype === 'vxlan' || devtype === 'macvlan' || devtype === 'ipvlan') {
    return devtype;
  }
  if (peer !== undefined && peer !== index && peer !== 0) {
    // Only veth (and macvlan/ipvlan, which sysfs names by DEVTYPE) point at another link.
    return 'veth';
  }
  return values.device ? 'ethernet' : 'other';
}

/** One interface from its sysfs values: ifindex, peer, MAC, MTU, state, bridge master, port number and kind. */
export function linkFromSysfs(name: string, values: SysfsValues): SysfsLink | undefined {
  if (!values.ifindex) {
    return undefined;
  }
  const index = Number(values.ifindex);
  const peer = values.iflink !== undefined ? Number(values.iflink) : undefined;
  const kind = kindOf(values, index, peer);
  const fact: SysfsLink = { ifindex: index, name, kind, addresses: [] };
  if (values.portNumber && /^0x[0-9a-f]+$/i.test(values.portNumber)) fact.portNumber = Number(values.portNumber);
  if (kind === 'veth' || kind === 'macvlan' || kind === 'ipvlan') {
    fact.linkIndex = peer;
  }
  if (values.master) fact.master = values.master;
  if (values.address) fact.mac = values.address;
  if (values.mtu) fact.mtu = Number(values.mtu);
  if (values.operstate) fact.state = values.operstate.toUpperCase();
  return fact;
}

/**
 * A veth's peer is in the same namespace when a link there has the peer's ifindex and points back;
 * otherwise it is in another one (sysfs does not say which).
 */
export function markVethPeers(links: LinkFact[]): void {
  const indexes = new Map(links.map((link) => [link.ifindex, link]));
  for (const link of links) {
    if (link.kind === 'veth' && link.linkIndex !== undefined) {
      const peer = indexes.get(link.linkIndex);
      link.linkInOtherNamespace = !(peer && peer.linkIndex === link.ifindex);
    }
  }
}

/** One entry of a bridge's forwarding database (`struct __fdb_entry`, 16 bytes). */
export interface ForwardingEntry {
  mac: string;
  port: number;
  /** The bridge's own address (or a port's), not one learned from traffic. */
  local: boolean;
}

/**
 * /sys/class/net/<bridge>/brforward: the MACs the bridge learned and the port behind which each
 * was seen (readable without root). Each entry: MAC (6 bytes), port number (low byte), is_local,
 * ageing timer (4), port number (high byte), padding (3).
 */
export function parseBridgeForward(data: Uint8Array): ForwardingEntry[] {
  const entries: ForwardingEntry[] = [];
  for (let offset = 0; offset + 16 <= data.length; offset += 16) {
    const mac = [...data.subarray(offset, offset + 6)].map((byte) => byte.toString(16).padStart(2, '0')).join(':');
    entries.push({ mac, port: data[offset + 6] | (data[offset + 12] << 8), local: data[offset + 7] !== 0 });
  }
  return entries;
}

/**
 * The MACs each bridge port has seen, from its bridge's forwarding database (`tables`, by bridge
 * name): they pair a host veth with the container end whose MAC it carries where interface indexes
 * alone cannot (Docker 28 creates the container end inside its namespace, so every container's eth0
 * is ifindex 2 there). An entry ages out after the bridge's ageing time (300 s by default) without
 * traffic. The port numbers are dropped afterwards (they were only needed here).
 */
export function attachLearnedMacs(links: SysfsLink[], tables: ReadonlyMap<string, readonly ForwardingEntry[]>): void {
  for (const link of links) {
    const table = link.master !== undefined ? tables.get(link.master) : undefined;
    const learned = table?.filter((entry) => !entry.local && entry.port === link.portNumber).map((entry) => entry.mac) ?? [];
    if (learned.length > 0) {
      link.learnedMacs = learned;
    }
    delete link.portNumber;
  }
}

/** An address of /proc/net/route: 8 hex digits in host byte order (little endian here). */
export function hexToIpv4(hex: string): string {
  const bytes = hex.match(/../g)!.map((byte) => parseInt(byte, 16));
  return bytes.reverse().join('.');
}

/** Default routes (destination 0.0.0.0/0, flag RTF_UP) from /proc/net/route. */
export function parseDefaultRoutes(text: string): DefaultRoute[] {
  const routes: DefaultRoute[] = [];
  for (const line of text.split('\n').slice(1)) {
    const [iface, destination, gateway, flags, , , , mask] = line.trim().split(/\s+/);
    if (destination === '00000000' && mask === '00000000' && (parseInt(flags, 16) & 1) === 1) {
      routes.push(gateway && /^[0-9a-f]{8}$/i.test(gateway) && gateway !== '00000000' ? { interface: iface, gateway: hexToIpv4(gateway) } : { interface: iface });
    }
  }
  return routes;
}

/** Default routes (::/0, up, not the kernel's unreachable one on lo) from /proc/net/ipv6_route. */
export function parseDefaultRoutes6(text: string): DefaultRoute[] {
  const routes: DefaultRoute[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10 || !/^0{32}$/.test(cols[0]) || cols[1] !== '00' || cols[9] === 'lo' || (parseInt(cols[8], 16) & 1) !== 1) {
      continue;
    }
    const gateway = /^0{32}$/.test(cols[4]) || !/^[0-9a-f]{32}$/i.test(cols[4]) ? undefined : new Address6(cols[4].match(/.{4}/g)!.join(':')).correctForm();
    routes.push(gateway ? { interface: cols[9], gateway } : { interface: cols[9] });
  }
  return routes;
}
