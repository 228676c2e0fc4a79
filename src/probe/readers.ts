/**
 * Readers of host network facts. Parsers are separate from I/O so they can be checked on real
 * readings. Commands run with execFile and argument arrays only, never through a shell.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Address6 } from 'ip-address';
import { shellCommand } from '../model/safeText';
import type { DefaultRoute, LinkFact, LinkKind } from '../model/topology/facts';
import { attachLearnedMacs, devtypeOf, hexToIpv4, linkFromSysfs, markVethPeers, parseBridgeForward, parseDefaultRoutes, parseDefaultRoutes6 } from '../model/topology/hostReadings';
import type { ForwardingEntry, SysfsLink } from '../model/topology/hostReadings';

// The pure parsers of host files live in the model (the helper level reads the same values on an engine's host).
export { parseBridgeForward, parseDefaultRoutes, parseDefaultRoutes6 };
export type { ForwardingEntry };

// ---- `ip -j -d addr show` -------------------------------------------------------------------------

interface IpJsonAddress {
  family?: string;
  local?: string;
  prefixlen?: number;
  scope?: string;
}

export interface IpJsonLink {
  ifindex: number;
  ifname: string;
  link?: string | null;
  link_index?: number;
  link_netnsid?: number;
  master?: string;
  address?: string;
  mtu?: number;
  operstate?: string;
  link_type?: string;
  linkinfo?: { info_kind?: string; info_data?: { type?: string } };
  addr_info?: IpJsonAddress[];
}

function kindFrom(infoKind: string | undefined, linkType: string | undefined, name: string, tunType?: string): LinkKind {
  if (infoKind === 'tun' && tunType === 'tap') {
    return 'tap';
  }
  switch (infoKind) {
    case 'veth':
    case 'bridge':
    case 'vxlan':
    case 'macvlan':
    case 'ipvlan':
    case 'dummy':
      return infoKind;
    default:
      break;
  }
  if (linkType === 'loopback' || name === 'lo') {
    return 'loopback';
  }
  if (!infoKind && linkType === 'ether') {
    return 'ethernet';
  }
  return 'other';
}

function addressesFrom(addrInfo: IpJsonAddress[] | undefined): string[] {
  return (addrInfo ?? [])
    .filter((address) => address.local && address.scope !== 'link')
    .map((address) => `${address.local}/${address.prefixlen ?? (address.family === 'inet6' ? 128 : 32)}`);
}

/** Links of one namespace from `ip -j -d addr show` output. */
export function parseIpJson(text: string): LinkFact[] {
  const entries = JSON.parse(text) as IpJsonLink[];
  const indexByName = new Map(entries.map((entry) => [entry.ifname, entry.ifindex]));
  return entries.map((entry) => {
    // A veth whose peer is in the same namespace is shown as `link: "<peer name>"`.
    const linkIndex = entry.link_index ?? (typeof entry.link === 'string' ? indexByName.get(entry.link) : undefined);
    const fact: LinkFact = {
      ifindex: entry.ifindex,
      name: entry.ifname,
      kind: kindFrom(entry.linkinfo?.info_kind, entry.link_type, entry.ifname, entry.linkinfo?.info_data?.type),
      addresses: addressesFrom(entry.addr_info),
    };
    if (linkIndex !== undefined) {
      fact.linkIndex = linkIndex;
      fact.linkInOtherNamespace = entry.link_netnsid !== undefined;
    }
    if (entry.master) fact.master = entry.master;
    if (entry.address) fact.mac = entry.address;
    if (entry.mtu !== undefined) fact.mtu = entry.mtu;
    if (entry.operstate) fact.state = entry.operstate;
    return fact;
  });
}

export function run(file: string, args: readonly string[], timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${shellCommand([file, ...args])}: ${stderr?.trim() || error.message}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

/** `ip -j -d addr show` in the current (host) namespace. */
export async function readHostLinksWithIp(ip = 'ip'): Promise<LinkFact[]> {
  return parseIpJson(await run(ip, ['-j', '-d', 'addr', 'show']));
}

/** `ip -j -d addr show` inside the namespace file `nsPath` (root: nsenter --net=<file>). */
export async function readNamespaceLinks(nsPath: string, nsenter = 'nsenter', ip = 'ip'): Promise<LinkFact[]> {
  return parseIpJson(await run(nsenter, [`--net=${nsPath}`, '--', ip, '-j', '-d', 'addr', 'show']));
}

// ---- /sys/class/net (host, no root) -----------------------------------------------------------------

async function readTrim(file: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** One interface of /sys/class/net: ifindex, iflink, MAC, MTU, state, bridge master, port number and kind (hostReadings.ts linkFromSysfs). */
export async function readSysfsLink(name: string, root = '/sys/class/net'): Promise<SysfsLink | undefined> {
  const dir = path.join(root, name);
  const [ifindex, iflink, address, mtu, operstate, uevent, type, portNumber, device] = await Promise.all(
    ['ifindex', 'iflink', 'address', 'mtu', 'operstate', 'uevent', 'type', 'brport/port_no', 'device/uevent'].map((file) => readTrim(path.join(dir, file))),
  );
  let master: string | undefined;
  try {
    master = path.basename(await fs.readlink(path.join(dir, 'master')));
  } catch {
    master = undefined;
  }
  return linkFromSysfs(name, { ifindex, iflink, address, mtu, operstate, devtype: devtypeOf(uevent), type, portNumber, master, device: Boolean(device) });
}

async function readBridgeForward(bridge: string, root: string): Promise<ForwardingEntry[]> {
  try {
    return parseBridgeForward(await fs.readFile(path.join(root, bridge, 'brforward')));
  } catch {
    return [];
  }
}

/** The bridges' forwarding databases (learned MACs behind each port; see hostReadings.ts attachLearnedMacs). */
async function readForwardingTables(links: SysfsLink[], root: string): Promise<Map<string, ForwardingEntry[]>> {
  const bridges = links.filter((link) => link.kind === 'bridge');
  return new Map(await Promise.all(bridges.map(async (bridge) => [bridge.name, await readBridgeForward(bridge.name, root)] as const)));
}

/**
 * The host namespace's links from /sys/class/net (no root needed). Addresses come from the OS's
 * list, which leaves out interfaces without carrier: theirs come from procfs (connected routes and
 * local addresses stay while a bridge has no carrier).
 */
export async function readHostLinksFromSysfs(root = '/sys/class/net', procNet = '/proc/self/net'): Promise<LinkFact[]> {
  const names = await fs.readdir(root);
  const links = (await Promise.all(names.map((name) => readSysfsLink(name, root)))).filter((link): link is SysfsLink => Boolean(link));
  attachLearnedMacs(links, await readForwardingTables(links, root));
  const fromProc = await readProcNetAddresses(procNet, links.map((link) => link.name));
  const interfaces = os.networkInterfaces();
  for (const link of links) {
    const fromOs = (interfaces[link.name] ?? [])
      .filter((address) => !(address.family === 'IPv6' && address.address.toLowerCase().startsWith('fe80')))
      .map((address) => address.cidr ?? address.address);
    // The OS lists the addresses of interfaces that are up and running exactly; procfs those of the others.
    link.addresses = fromOs.length > 0 ? fromOs : fromProc.addresses.get(link.name) ?? [];
  }
  markVethPeers(links);
  return links.sort((a, b) => a.ifindex - b.ifindex);
}

/** The default routes of the namespace whose /proc/<pid>/net is `procNet` (IPv4 and IPv6; no root needed). */
export async function readDefaultRoutes(procNet = '/proc/self/net'): Promise<DefaultRoute[]> {
  const [route, route6] = await Promise.all([readTrim(path.join(procNet, 'route')), readTrim(path.join(procNet, 'ipv6_route'))]);
  return [...parseDefaultRoutes(route ?? ''), ...parseDefaultRoutes6(route6 ?? '')];
}

// ---- /proc/<pid>/net (a container's side, no root for readable pids) ----------------------------------

/** ifindex and name of each interface, from /proc/<pid>/net/igmp. */
export function parseIgmp(text: string): { ifindex: number; name: string }[] {
  const out: { ifindex: number; name: string }[] = [];
  for (const line of text.split('\n')) {
    const match = /^(\d+)\s+(\S+)\s*:/.exec(line);
    if (match) {
      out.push({ ifindex: Number(match[1]), name: match[2] });
    }
  }
  return out;
}

/** Interface names from /proc/<pid>/net/dev. */
export function parseNetDev(text: string): string[] {
  return text
    .split('\n')
    .slice(2)
    .map((line) => /^\s*([^:\s]+):/.exec(line)?.[1])
    .filter((name): name is string => Boolean(name));
}

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
    if (gateway !== '00000000' || destination === '00000000') {
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
    if (cols.length < 6 || !['00', '10', '20'].includes(cols[3])) {
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
interface ProcNetAddresses {
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
async function readProcNetAddresses(dir: string, names: string[]): Promise<ProcNetAddresses> {
  const [route, fib, inet6] = await Promise.all(['route', 'fib_trie', 'if_inet6'].map((file) => readTrim(path.join(dir, file))));
  const routes = parseRoutes(route ?? '').sort((a, b) => b.prefix - a.prefix);
  const v6 = parseIfInet6(inet6 ?? '');
  const result: ProcNetAddresses = { addresses: new Map(names.map((name) => [name, []])), ambiguous: new Map(), macs: new Map() };
  const add = (name: string, address: string) => result.addresses.get(name)?.push(address);
  for (const address of parseFibTrieLocal(fib ?? '')) {
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

/**
 * A container's interfaces through /proc/<pid>/net: names and ifindex (igmp, dev), IPv4 addresses
 * placed on the interface whose connected route holds them, IPv6 from if_inet6, the MAC when a
 * link-local address was made from it. The peer ifindex is not visible from here: the model
 * pairs it with the host end (whose iflink is this ifindex).
 */
export async function readProcNetLinks(pid: number, procRoot = '/proc'): Promise<LinkFact[]> {
  const dir = path.join(procRoot, String(pid), 'net');
  const [igmp, dev] = await Promise.all(['igmp', 'dev'].map((file) => readTrim(path.join(dir, file))));
  if (igmp === undefined && dev === undefined) {
    throw new Error(`${dir} is not readable`);
  }
  const indexed = parseIgmp(igmp ?? '');
  const names = [...new Set([...indexed.map((entry) => entry.name), ...parseNetDev(dev ?? '')])];
  const { addresses, ambiguous, macs } = await readProcNetAddresses(dir, names);
  const links: LinkFact[] = [];
  for (const name of names) {
    const ifindex = indexed.find((entry) => entry.name === name)?.ifindex;
    if (ifindex === undefined) {
      continue; // no multicast membership (down or NOARP): no ifindex to pair on
    }
    const link: LinkFact = { ifindex, name, kind: name === 'lo' ? 'loopback' : 'other', addresses: addresses.get(name) ?? [] };
    // The loopback device's address is all zeros on every Linux host.
    const mac = name === 'lo' ? '00:00:00:00:00:00' : macs.get(name);
    if (mac) link.mac = mac;
    if (ambiguous.has(name)) link.ambiguousAddresses = ambiguous.get(name);
    links.push(link);
  }
  return links.sort((a, b) => a.ifindex - b.ifindex);
}
