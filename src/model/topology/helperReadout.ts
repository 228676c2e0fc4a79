/**
 * Reads back what the observation helper printed (helperScript.ts describes the lines) into the
 * same facts the netns level gives: the host namespace first, then each namespace by its file name,
 * each interface built from its sysfs values by the sysfs level's own logic (hostReadings.ts), veth
 * peers marked, learned MACs from the bridges' forwarding databases, addresses from `ip -o addr`.
 *
 * The output comes from a container image: whatever it prints is read, never trusted. Nothing here
 * throws; an interface name, MAC, number or address that is not one is dropped with a warning, a
 * namespace that was not read whole (it vanished, the output was cut) is left out with a warning.
 */
import { Address4, Address6 } from 'ip-address';
import { isInterfaceName } from '../engineValues';
import type { DefaultRoute, HostFacts, LinkFact, NamespaceFact, NamespaceKind, SandboxInfo } from './facts';
import { namespaceKindOf } from './facts';
import { attachLearnedMacs, linkFromSysfs, markVethPeers, parseBridgeForward, parseDefaultRoutes, parseDefaultRoutes6, procNetAddresses } from './hostReadings';
import type { ForwardingEntry, SysfsLink } from './hostReadings';
import { isNetnsDir, NAMED_NETNS_DIRS } from './helperScript';

/** The first line of the helper's output (the format's version). */
export const OBSERVE_HEADER = 'dne-observe 1';

/** At most this many warnings are kept (a hostile output could print millions of bad lines). */
const MAX_WARNINGS = 50;
/** The longest engine value quoted in a warning. */
const QUOTE_MAX = 80;

/** A namespace file's name: printable, no slash, not `.`/`..` (what `ip netns add` and Docker make). */
function isNamespaceFile(value: string): boolean {
  return value.length > 0 && value.length <= 255 && value !== '.' && value !== '..' && !/[/\s\u0000-\u001f\u007f]/.test(value);
}

const PATTERNS = {
  index: /^\d{1,10}$/,
  mac: /^[0-9a-f]{2}(:[0-9a-f]{2}){0,31}$/i,
  mtu: /^\d{1,7}$/,
  operstate: /^[a-z]{2,16}$/,
  type: /^\d{1,5}$/,
  devtype: /^[a-z0-9_]{1,32}$/i,
  portNumber: /^0x[0-9a-f]{1,4}$/i,
  hexLine: /^( [0-9a-f]{2})+$/,
  inode: /^\d{1,20}$/,
};

const MAX_IFINDEX = 2 ** 31 - 1;
/** A bridge's forwarding database read at most this far (65536 entries of 16 bytes). */
const MAX_FORWARDING_BYTES = 16 * 65536;

function quote(value: string): string {
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return JSON.stringify(clean.length > QUOTE_MAX ? `${clean.slice(0, QUOTE_MAX)}…` : clean);
}

/** One namespace as its lines arrive. */
interface Block {
  name: string;
  kind: NamespaceKind;
  path?: string;
  containerIds: string[];
  inode: string;
  links: SysfsLink[];
  masters: Map<string, string>;
  tables: Map<string, ForwardingEntry[]>;
  addresses: string[];
  /** Read through a process in it (`Q <pid>`): that pid; its /proc/<pid>/net lines come in the G section. */
  pid?: string;
  procNet: ProcNetLines;
}

/** A namespace's /proc/<pid>/net route, fib_trie (the local addresses and the line before each) and if_inet6 lines. */
interface ProcNetLines {
  route: string[];
  fib: string[];
  inet6: string[];
}

/** A line of the G section: `grep -H` output, `/proc/<pid>/net/<file>:<line>` (`-` before a context line). */
const PROC_NET_LINE = /^\/proc\/(\d{1,10})\/net\/(route|fib_trie|if_inet6)[:-](.*)$/;

/** `-` stands for a file that is absent. */
function value(field: string | undefined): string | undefined {
  return field === undefined || field === '-' ? undefined : field;
}

type Check = [field: string | undefined, pattern: RegExp, what: string];

/** An `L` line's fields, checked one by one; the reason when one is not what sysfs writes. */
function linkLine(fields: string[]): SysfsLink | string {
  if (fields.length !== 11) {
    return `an interface line has ${fields.length - 1} fields, not 10`;
  }
  const [, name, ifindex, iflink, address, mtu, operstate, type, devtype, portNumber, device] = fields;
  if (!isInterfaceName(name)) {
    return `the interface name ${quote(name)} is not one the kernel allows`;
  }
  const checks: Check[] = [
    [ifindex, PATTERNS.index, 'ifindex'],
    [value(iflink), PATTERNS.index, 'iflink'],
    [value(address), PATTERNS.mac, 'address'],
    [value(mtu), PATTERNS.mtu, 'mtu'],
    [value(operstate), PATTERNS.operstate, 'operstate'],
    [value(type), PATTERNS.type, 'type'],
    [value(devtype), PATTERNS.devtype, 'DEVTYPE'],
    [value(portNumber), PATTERNS.portNumber, 'port number'],
  ];
  for (const [field, pattern, what] of checks) {
    if (field !== undefined && !pattern.test(field)) {
      return `${name}: its ${what} ${quote(field)} is not one`;
    }
  }
  if (Number(ifindex) < 1 || Number(ifindex) > MAX_IFINDEX || Number(value(iflink) ?? 0) > MAX_IFINDEX || (device !== '0' && device !== '1')) {
    return `${name}: its ifindex, iflink or device flag is out of range`;
  }
  const link = linkFromSysfs(name, {
    ifindex,
    iflink: value(iflink),
    address: value(address)?.toLowerCase(),
    mtu: value(mtu),
    operstate: value(operstate),
    type: value(type),
    devtype: value(devtype),
    portNumber: value(portNumber),
    device: device === '1',
  });
  return link ?? `${name}: no ifindex`;
}

/**
 * An `ip -o addr show` line (busybox's and iproute2's alike):
 * `12: eth0    inet 172.18.0.2/16 brd … scope global eth0\ …`, or `inet 10.0.0.1 peer 10.0.0.2/32 …`
 * (a point-to-point address: the prefix is the peer's, as `ip -j` reports it). Link-scope
 * addresses are left out, as the netns level leaves them out.
 */
const ADDRESS_LINE = /^(\d{1,10}):\s+(\S+)\s+(inet6?)\s+(\S+)(?:\s+peer\s+(\S+))?\s.*?\bscope\s+(\S+)/;

interface AddressOf {
  ifindex: number;
  name: string;
  cidr?: string;
  problem?: string;
}

function addressLine(line: string): AddressOf | undefined {
  const match = ADDRESS_LINE.exec(line);
  if (!match) {
    return undefined;
  }
  const [, index, name, family, local, peer, scope] = match;
  const [address, ownPrefix] = local.split('/');
  const prefix = peer !== undefined ? peer.split('/')[1] : ownPrefix;
  const found: AddressOf = { ifindex: Number(index), name };
  if (scope === 'link') {
    return found;
  }
  const valid = family === 'inet' ? Address4.isValid(address) && /^\d+\.\d+\.\d+\.\d+$/.test(address) : Address6.isValid(address) && !address.includes('%');
  const bits = prefix === undefined ? (family === 'inet' ? 32 : 128) : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  if (!valid || !(bits >= 0 && bits <= (family === 'inet' ? 32 : 128))) {
    return { ...found, problem: `the address ${quote(local)} of ${quote(name)} is not one` };
  }
  return { ...found, cidr: `${address}/${bits}` };
}

/** The addresses of a namespace's `A` block, on the interface of their ifindex (and name). */
function attachAddresses(block: Block, warnings: Warnings): void {
  const byIndex = new Map(block.links.map((link) => [link.ifindex, link]));
  for (const line of block.addresses) {
    const found = addressLine(line);
    if (!found) {
      warnings.add(`${block.name}: an address line is not understood: ${quote(line)}`);
      continue;
    }
    if (found.problem) {
      warnings.add(`${block.name}: ${found.problem}`);
      continue;
    }
    const link = byIndex.get(found.ifindex);
    if (!link || link.name !== found.name) {
      // An interface made between the sysfs read and `ip addr`: not among the links read.
      continue;
    }
    if (found.cidr) {
      link.addresses.push(found.cidr);
    }
  }
}

/**
 * The addresses of a namespace read through a process in it, as the sysfs level reads a container's
 * (hostReadings.ts procNetAddresses): IPv6 with their interface, IPv4 on the interface of the
 * connected route that holds them (on each, marked ambiguous, when several do).
 */
function attachProcNetAddresses(block: Block): void {
  const files = { route: block.procNet.route.join('\n'), fib: block.procNet.fib.join('\n'), inet6: block.procNet.inet6.join('\n') };
  const { addresses, ambiguous } = procNetAddresses(files, block.links.map((link) => link.name));
  for (const link of block.links) {
    link.addresses = (addresses.get(link.name) ?? []).filter((cidr) => isCidr(cidr));
    const unsure = ambiguous.get(link.name);
    if (unsure) {
      link.ambiguousAddresses = unsure;
    }
  }
}

/** A CIDR as the parsers write it (a hostile procfs copy could hold anything). */
function isCidr(cidr: string): boolean {
  const [address, bits] = cidr.split('/');
  const v4 = /^\d+\.\d+\.\d+\.\d+$/.test(address) && Address4.isValid(address);
  return (v4 || Address6.isValid(address)) && /^\d{1,3}$/.test(bits ?? '') && Number(bits) <= (v4 ? 32 : 128);
}

function finish(block: Block, warnings: Warnings): NamespaceFact {
  const links: SysfsLink[] = [];
  for (const link of block.links) {
    const master = block.masters.get(link.name);
    if (master !== undefined) {
      link.master = master;
    }
    links.push(link);
  }
  attachLearnedMacs(links, block.tables);
  markVethPeers(links);
  block.links = links;
  if (block.pid !== undefined) {
    attachProcNetAddresses(block);
  } else {
    attachAddresses(block, warnings);
  }
  const fact: NamespaceFact = { name: block.name, kind: block.kind, containerIds: block.containerIds, links: (links as LinkFact[]).sort((a, b) => a.ifindex - b.ifindex) };
  if (block.path !== undefined) {
    fact.path = block.path;
  }
  return fact;
}

/** Warnings, capped (the rest counted in a last one). */
class Warnings {
  readonly list: string[] = [];
  private dropped = 0;

  add(text: string): void {
    if (this.list.length < MAX_WARNINGS) {
      this.list.push(text);
    } else {
      this.dropped++;
    }
  }

  done(): string[] {
    return this.dropped > 0 ? [...this.list, `${this.dropped} more problems in the helper's output`] : this.list;
  }
}

/** A namespace's `N` line: the host's, or a file of one of the folders, as hostProbe.ts names and classifies it. */
function startBlock(fields: string[], sandboxes: readonly SandboxInfo[], first: boolean): Block | string {
  const [, inode, dir, file] = fields;
  if (!PATTERNS.inode.test(inode ?? '')) {
    return 'a namespace line without its inode';
  }
  const base = { inode, links: [], masters: new Map(), tables: new Map(), addresses: [], procNet: { route: [], fib: [], inet6: [] } };
  if (first) {
    return fields.length === 3 && dir === 'host' ? { ...base, name: 'host', kind: 'host', containerIds: [] } : 'the host namespace is not the first one';
  }
  if (fields.length !== 4 || !isNetnsDir(dir) || !isNamespaceFile(file)) {
    return `the namespace ${quote(fields.slice(2).join(' '))} is not a file of a namespace folder`;
  }
  const nsPath = `${dir}/${file}`;
  const containerIds = sandboxes.filter((sandbox) => sandbox.sandboxKey === nsPath).map((sandbox) => sandbox.containerId);
  const kind: NamespaceKind = containerIds.length > 0 ? 'container' : NAMED_NETNS_DIRS.includes(dir) ? 'named' : namespaceKindOf(file);
  return { ...base, name: file, kind, path: nsPath, containerIds };
}

type Section = { tag: 'F'; bridge: string; bytes: number[]; bad: boolean } | { tag: 'A' } | { tag: 'G' };

/** The helper's lines, one at a time: the namespace being read, and the section (F, A) inside it. */
class Readout {
  readonly warnings = new Warnings();
  readonly namespaces: NamespaceFact[] = [];
  /** The namespaces read whole, in order; finished at the end (those read through a pid need the G section). */
  private readonly completed: Block[] = [];
  private readonly procNet = new Map<string, ProcNetLines>();
  private procNetEnded = false;
  readonly routes: string[] = [];
  readonly routes6: string[] = [];
  ended = false;
  private unknown = 0;
  private readonly seen = new Set<string>();
  private sawNamespace = false;
  private block: Block | undefined;
  private section: Section | undefined;

  constructor(private readonly sandboxes: readonly SandboxInfo[]) {}

  line(line: string): void {
    if (this.section) {
      this.sectionLine(this.section, line);
      return;
    }
    const fields = line.split(' ');
    switch (fields[0]) {
      case 'N':
        this.namespace(fields);
        break;
      case 'L':
        this.link(fields);
        break;
      case 'M':
        this.master(fields, line);
        break;
      case 'F':
        this.section = { tag: 'F', bridge: fields[1] ?? '', bytes: [], bad: fields.length !== 2 || !isInterfaceName(fields[1]) };
        break;
      case 'A':
        this.section = { tag: 'A' };
        break;
      case 'Z':
        this.end(fields[1] ?? '');
        break;
      case 'R':
        this.routes.push(line.slice(2));
        break;
      case 'R6':
        this.routes6.push(line.slice(3));
        break;
      case 'Q':
        if (this.block && fields.length === 2 && PATTERNS.index.test(fields[1])) {
          this.block.pid = fields[1];
        }
        break;
      case 'G':
        this.section = { tag: 'G' };
        break;
      case 'W':
        this.warnings.add(`the helper: ${quote(line.slice(2))}`);
        break;
      case 'E':
        this.ended = true;
        break;
      default:
        if (line !== '') this.unknown++;
    }
  }

  close(): void {
    this.drop('its reading was cut short');
    for (const block of this.completed) {
      if (block.pid === undefined) {
        this.namespaces.push(finish(block, this.warnings));
      } else if (this.procNetEnded) {
        block.procNet = this.procNet.get(block.pid) ?? block.procNet;
        this.namespaces.push(finish(block, this.warnings));
      } else {
        this.warnings.add(`${block.path ?? block.name}: its addresses were cut short`);
      }
    }
    if (!this.ended) {
      this.warnings.add("the helper's output ended before its end line (cut short)");
    }
    if (this.unknown > 0) {
      this.warnings.add(`${this.unknown} lines of the helper's output are not understood`);
    }
  }

  private sectionLine(section: Section, line: string): void {
    if (section.tag === 'G') {
      this.procNetLine(line);
      return;
    }
    if (section.tag === 'A') {
      if (line === 'A.') {
        this.section = undefined;
      } else if (line !== '') {
        this.block?.addresses.push(line);
      }
      return;
    }
    if (line === 'F.') {
      if (!section.bad && this.block) {
        this.block.tables.set(section.bridge, parseBridgeForward(Uint8Array.from(section.bytes)));
      }
      this.section = undefined;
    } else if (PATTERNS.hexLine.test(line) && section.bytes.length + line.length / 3 <= MAX_FORWARDING_BYTES) {
      for (const byte of line.trim().split(' ')) {
        section.bytes.push(parseInt(byte, 16));
      }
    } else {
      section.bad = true;
    }
  }

  private procNetLine(line: string): void {
    if (line === 'G.') {
      this.section = undefined;
      this.procNetEnded = true;
      return;
    }
    const match = PROC_NET_LINE.exec(line);
    if (!match) {
      return; // grep's `--` between groups, or noise
    }
    const [, pid, file, text] = match;
    const lines = this.procNet.get(pid) ?? { route: [], fib: [], inet6: [] };
    this.procNet.set(pid, lines);
    (file === 'route' ? lines.route : file === 'fib_trie' ? lines.fib : lines.inet6).push(text);
  }

  private drop(why: string): void {
    if (this.block) {
      this.warnings.add(`${this.block.path ?? this.block.name}: ${why}`);
    }
    this.block = undefined;
    this.section = undefined;
  }

  private namespace(fields: string[]): void {
    this.drop('its reading was cut short');
    const started = startBlock(fields, this.sandboxes, !this.sawNamespace);
    this.sawNamespace = true;
    if (typeof started === 'string') {
      this.warnings.add(started);
    } else if (this.seen.has(started.inode) || this.completed.some((ns) => ns.name === started.name)) {
      this.warnings.add(`the namespace ${quote(started.name)} is listed twice`);
    } else {
      this.seen.add(started.inode);
      this.block = started;
    }
  }

  private link(fields: string[]): void {
    const block = this.block;
    if (!block) {
      return;
    }
    const link = linkLine(fields);
    if (typeof link === 'string') {
      this.warnings.add(`${block.name}: ${link}`);
    } else if (block.links.some((other) => other.name === link.name || other.ifindex === link.ifindex)) {
      this.warnings.add(`${block.name}: the interface ${quote(link.name)} is listed twice`);
    } else {
      block.links.push(link);
    }
  }

  private master(fields: string[], line: string): void {
    if (!this.block) {
      return;
    }
    if (fields.length === 3 && isInterfaceName(fields[1]) && isInterfaceName(fields[2])) {
      this.block.masters.set(fields[1], fields[2]);
    } else {
      this.warnings.add(`${this.block.name}: a master line is not understood: ${quote(line)}`);
    }
  }

  private end(status: string): void {
    if (this.block && status === '0') {
      this.completed.push(this.block);
      this.block = undefined;
    } else {
      this.drop(`the helper could not read it (status ${quote(status)}; it may have gone meanwhile)`);
    }
  }
}

/** Reads the helper's stdout into host facts (level `helper`, the host namespace first). Never throws. */
export function parseHelperObservation(stdout: string, sandboxes: readonly SandboxInfo[]): HostFacts {
  const lines = stdout.split('\n');
  const readout = new Readout(sandboxes);
  if (lines[0] !== OBSERVE_HEADER) {
    readout.warnings.add(`the helper's output does not begin with ${quote(OBSERVE_HEADER)}: ${quote(lines[0] ?? '')}`);
    return { level: 'helper', reason: 'full', namespaces: [], warnings: readout.warnings.done() };
  }
  for (const line of lines.slice(1)) {
    readout.line(line);
    if (readout.ended) {
      break;
    }
  }
  readout.close();
  const facts: HostFacts = { level: 'helper', reason: 'full', namespaces: readout.namespaces, warnings: readout.warnings.done() };
  if (readout.namespaces[0]?.kind === 'host') {
    facts.defaultRoutes = hostRoutes(readout.routes, readout.routes6).filter((route) => isInterfaceName(route.interface));
  }
  return facts;
}

function hostRoutes(routes: string[], routes6: string[]): DefaultRoute[] {
  return [...parseDefaultRoutes(routes.join('\n')), ...parseDefaultRoutes6(routes6.join('\n'))];
}
