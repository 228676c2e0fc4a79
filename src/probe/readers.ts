/**
 * Readers of host network facts. Parsers are separate from I/O so they can be checked on real
 * readings. Commands run with execFile and argument arrays only, never through a shell.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { shellCommand } from '../model/safeText';
import type { DefaultRoute, LinkFact, LinkKind } from '../model/topology/facts';
import { attachLearnedMacs, devtypeOf, linkFromSysfs, macFromEui64, markVethPeers, parseBridgeForward, parseDefaultRoutes, parseDefaultRoutes6, parseFibTrieLocal, parseIfInet6, parseRoutes, procNetAddresses } from '../model/topology/hostReadings';
import type { ForwardingEntry, ProcNetAddresses, SysfsLink } from '../model/topology/hostReadings';

// The pure parsers of host files live in the model (the helper level reads the same values on an engine's host).
export { macFromEui64, parseBridgeForward, parseDefaultRoutes, parseDefaultRoutes6, parseFibTrieLocal, parseIfInet6, parseRoutes };
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

/** Addresses and EUI-64 MACs by interface name from one /proc/<pid>/net (hostReadings.ts procNetAddresses). */
async function readProcNetAddresses(dir: string, names: string[]): Promise<ProcNetAddresses> {
  const [route, fib, inet6] = await Promise.all(['route', 'fib_trie', 'if_inet6'].map((file) => readTrim(path.join(dir, file))));
  return procNetAddresses({ route: route ?? '', fib: fib ?? '', inet6: inet6 ?? '' }, names);
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
