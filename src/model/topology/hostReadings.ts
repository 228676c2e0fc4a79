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

// ---- /proc/<pid>/net: addresses as procfs gives them (no interface is named for an IPv4 address) ----

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** Connected routes (interface, network, prefix) from /proc/<pid>/net/route. */
export function parseRoutes(text: string): { iface: string; network: string; prefix: number }[] {
  const routes: { iface: string; network: string; prefix: number }[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 8) {
      continue;
    }
    const [iface, destination, gateway, , , , , mask] = cols;
    if (gateway !== '00000000' || destination === '00000000' || !/^[0-9a-f]{8}$/i.test(destination) || !/^[0-9a-f]{8}$/i.test(mask)) {
      continue;
    }
    const maskNumber = ipv4ToNumber(hexToIpv4(mask));
    const prefix = maskNumber.toString(2).replace(/0+$/, '').length;
    routes.push({ iface, network: hexToIpv4(destination), prefix });
  }
  return routes;
}

/** Local IPv4 addresses from /proc/<pid>/net/fib_trie ("/32 host LOCAL" leaves), loopback ones included. */
export function parseFibTrieLocal(text: string): string[] {
  const lines = text.split('\n');
  const out = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    if (/\/32 host LOCAL/.test(lines[i])) {
      const match = /\|--\s+(\d+\.\d+\.\d+\.\d+)/.exec(lines[i - 1]);
      if (match) {
        out.add(match[1]);
      }
    }
  }
  return [...out];
}

function ipv6Of(hex32: string): string {
  return new Address6(hex32.match(/.{4}/g)!.join(':')).correctForm();
}

/** IPv6 addresses by interface name from /proc/<pid>/net/if_inet6: global and host scope (as `ip addr` lists them), link-local apart. */
export function parseIfInet6(text: string): { name: string; address: string; linkLocal: boolean; hex: string }[] {
  const out: { name: string; address: string; linkLocal: boolean; hex: string }[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 6 || !['00', '10', '20'].includes(cols[3]) || !/^[0-9a-f]{32}$/i.test(cols[0]) || !/^[0-9a-f]{1,2}$/i.test(cols[2])) {
      continue;
    }
    out.push({ name: cols[5], address: `${ipv6Of(cols[0])}/${parseInt(cols[2], 16)}`, linkLocal: cols[3] === '20', hex: cols[0] });
  }
  return out;
}

/** The MAC a link-local IPv6 address was made from (modified EUI-64: `…xx:xxff:fexx:xxxx`), when it was. */
export function macFromEui64(hex32: string): string | undefined {
  const id = hex32.slice(16).toLowerCase();
  if (!/^fe80/i.test(hex32) || id.slice(6, 10) !== 'fffe') {
    return undefined;
  }
  const bytes = [id.slice(0, 2), id.slice(2, 4), id.slice(4, 6), id.slice(10, 12), id.slice(12, 14), id.slice(14, 16)];
  bytes[0] = (parseInt(bytes[0], 16) ^ 0x02).toString(16).padStart(2, '0');
  return bytes.join(':');
}

function inSubnet(address: string, network: string, prefix: number): boolean {
  return prefix === 0 || ipv4ToNumber(address) >>> (32 - prefix) === ipv4ToNumber(network) >>> (32 - prefix);
}

/** Addresses (as `ip addr` shows them) and EUI-64 MACs by interface name, from one /proc/<pid>/net. */
export interface ProcNetAddresses {
  addresses: Map<string, string[]>;
  /** Addresses whose subnet has connected routes on several interfaces: put on each of them. */
  ambiguous: Map<string, string[]>;
  macs: Map<string, string>;
}

/**
 * Each local IPv4 address goes to the interface of the most specific connected route holding it
 * (loopback ones to `lo`, as /8); IPv6 ones come with their interface's name. procfs does not say
 * which interface holds an address: when two interfaces have routes to its subnet (a hand-made
 * link on a Docker network's subnet), it goes to both and is marked ambiguous.
 */
export function procNetAddresses(files: { route: string; fib: string; inet6: string }, names: readonly string[]): ProcNetAddresses {
  const routes = parseRoutes(files.route).sort((a, b) => b.prefix - a.prefix);
  const v6 = parseIfInet6(files.inet6);
  const result: ProcNetAddresses = { addresses: new Map(names.map((name) => [name, []])), ambiguous: new Map(), macs: new Map() };
  const add = (name: string, address: string) => result.addresses.get(name)?.push(address);
  for (const address of parseFibTrieLocal(files.fib)) {
    if (address.startsWith('127.')) {
      add('lo', `${address}/8`);
      continue;
    }
    const matching = routes.filter((r) => inSubnet(address, r.network, r.prefix) && result.addresses.has(r.iface));
    const holders = [...new Set(matching.filter((r) => r.prefix === matching[0].prefix).map((r) => r.iface))];
    for (const iface of holders) {
      add(iface, `${address}/${matching[0].prefix}`);
      if (holders.length > 1) {
        result.ambiguous.set(iface, [...(result.ambiguous.get(iface) ?? []), `${address}/${matching[0].prefix}`]);
      }
    }
  }
  for (const entry of v6) {
    if (!entry.linkLocal) {
      add(entry.name, entry.address);
    } else if (!result.macs.has(entry.name)) {
      const mac = macFromEui64(entry.hex);
      if (mac) result.macs.set(entry.name, mac);
    }
  }
  return result;
}
