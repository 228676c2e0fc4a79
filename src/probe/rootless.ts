/**
 * What a rootless engine (rootless Podman) puts on the host, read by the user who runs it, without
 * root. Its containers' namespaces and its "rootless network namespace" belong to a user namespace
 * that user owns, so that user may enter them (as `podman unshare` does): nsenter into the user
 * namespace first, then the network namespace, and `ip -j -d addr show` there. Its user-mode network
 * processes (slirp4netns) are read from their command line under /proc. Commands run with argument
 * arrays and trusted absolute tool paths; every path taken from /proc is checked by shape first.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { LinkFact, UserModeNetworkFact } from '../model/topology/facts';
import { parseIpJson, run } from './readers';

/** slirp4netns' own default network when no `--cidr` is given (its gateway .2, DNS .3, the namespace .100). */
export const SLIRP4NETNS_DEFAULT_CIDR = '10.0.2.0/24';

/**
 * A slirp4netns command line (argv, program first) as the fact it stands for; undefined when it
 * does not name a namespace by path and a TAP device (`--netns-type=path <path> <tap>`, as Podman
 * starts it; a bare pid target names no file to match).
 */
export function parseSlirp4netnsArgs(argv: readonly string[]): Omit<UserModeNetworkFact, 'pid'> | undefined {
  if (argv.length === 0 || path.basename(argv[0]) !== 'slirp4netns') {
    return undefined;
  }
  const positional: string[] = [];
  let cidr = SLIRP4NETNS_DEFAULT_CIDR;
  let mtu: number | undefined;
  let byPath = false;
  let hostLoopback = true;
  let ipv6 = false;
  // Options taking a value as the next word (slirp4netns' getopt table); the rest are flags.
  const withValue = new Set(['-e', '--exit-fd', '-r', '--ready-fd', '-m', '--mtu', '-a', '--api-socket', '--cidr', '--netns-type', '--userns-path', '--outbound-addr', '--outbound-addr6', '--macaddress', '--target-type']);
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i];
    const [name, inline] = word.startsWith('--') && word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    const value = inline ?? (withValue.has(name) ? argv[++i] : undefined);
    if (name === '--netns-type') byPath = value === 'path';
    else if (name === '--cidr' && value && /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(value)) cidr = value;
    else if ((name === '--mtu' || name === '-m') && value && /^\d+$/.test(value)) mtu = Number(value);
    else if (name === '--disable-host-loopback') hostLoopback = false;
    else if (name === '--enable-ipv6' || name === '-6') ipv6 = true;
    else if (!word.startsWith('-')) positional.push(word);
  }
  const [netnsPath, tap] = positional;
  if (!byPath || !netnsPath || !tap || !path.isAbsolute(netnsPath) || path.normalize(netnsPath) !== netnsPath || !/^[A-Za-z0-9_.-]{1,15}$/.test(tap)) {
    return undefined;
  }
  return { program: 'slirp4netns', netnsPath, tap, cidr, ...(mtu !== undefined ? { mtu } : {}), hostLoopback, ipv6 };
}

/** Every slirp4netns process this user can see (its name in /proc/<pid>/comm, its command line in cmdline). */
export async function readUserModeNetworks(procRoot = '/proc'): Promise<UserModeNetworkFact[]> {
  let entries: string[];
  try {
    entries = (await fs.readdir(procRoot)).filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const found = await Promise.all(
    entries.map(async (pid) => {
      try {
        if ((await fs.readFile(path.join(procRoot, pid, 'comm'), 'utf8')).trim() !== 'slirp4netns') {
          return undefined;
        }
        const argv = (await fs.readFile(path.join(procRoot, pid, 'cmdline'), 'utf8')).split('\0').filter((word) => word !== '');
        const fact = parseSlirp4netnsArgs(argv);
        return fact ? { pid: Number(pid), ...fact } : undefined;
      } catch {
        return undefined; // gone meanwhile
      }
    }),
  );
  return found.filter((fact): fact is UserModeNetworkFact => fact !== undefined).sort((a, b) => a.pid - b.pid);
}

/** Podman's rootless network namespace file: `<runtime dir>/netns/rootless-netns-<hex>`. */
const ROOTLESS_NETNS = /^rootless-netns-[0-9a-f]{1,64}$/;

export function isRootlessNetnsPath(file: string): boolean {
  return path.isAbsolute(file) && path.normalize(file) === file && ROOTLESS_NETNS.test(path.basename(file)) && path.basename(path.dirname(file)) === 'netns';
}

/** The runtime folder a rootless namespace file lies in (`/run/user/<uid>` for `/run/user/<uid>/netns/x`). */
export function runtimeDirOf(netnsFile: string): string {
  return path.dirname(path.dirname(netnsFile));
}

/**
 * Podman's pause process for a runtime folder (`<runtime>/libpod/tmp/pause.pid`): it holds the
 * user and mount namespaces in which the rootless network namespace's file is mounted.
 */
async function pausePid(runtimeDir: string): Promise<number | undefined> {
  try {
    const text = (await fs.readFile(path.join(runtimeDir, 'libpod', 'tmp', 'pause.pid'), 'utf8')).trim();
    return /^[1-9]\d{0,9}$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether entering the process's namespaces needs nsenter --user first: it runs in another user
 * namespace and we are not root. Root must not: its uid is not mapped there, so the second nsenter
 * would run without capabilities (root may enter the network namespace directly anyway).
 */
async function enterUserNamespace(pid: number, procRoot: string): Promise<boolean> {
  if (process.getuid?.() === 0) {
    return false;
  }
  const [theirs, ours] = await Promise.all([fs.readlink(path.join(procRoot, String(pid), 'ns', 'user')), fs.readlink(path.join(procRoot, 'self', 'ns', 'user'))]);
  return theirs !== ours;
}

export interface RootlessTools {
  nsenter: string;
  ip: string;
}

/**
 * A container's links as `ip -j -d addr` gives them inside its namespace (peer ifindex, MAC, kind),
 * entered through its user namespace when it has its own: the user who runs the rootless engine
 * owns it, so no root is needed.
 */
export async function readProcessNamespaceLinks(pid: number, tools: RootlessTools, procRoot = '/proc'): Promise<LinkFact[]> {
  const proc = path.join(procRoot, String(pid), 'ns');
  const user = (await enterUserNamespace(pid, procRoot)) ? [`--user=${path.join(proc, 'user')}`, '--preserve-credentials'] : [];
  return parseIpJson(await run(tools.nsenter, [...user, `--net=${path.join(proc, 'net')}`, '--', tools.ip, '-j', '-d', 'addr', 'show']));
}

/**
 * The rootless network namespace's links: its file is mounted only in the pause process's mount
 * namespace, so nsenter enters that process's user and mount namespaces, then a second nsenter the
 * network namespace by its file (what `podman unshare --rootless-netns ip addr` does).
 */
export async function readRootlessNetnsLinks(netnsFile: string, tools: RootlessTools, procRoot = '/proc'): Promise<LinkFact[]> {
  if (!isRootlessNetnsPath(netnsFile)) {
    throw new Error(`${netnsFile} is not a rootless network namespace file`);
  }
  const pid = await pausePid(runtimeDirOf(netnsFile));
  if (pid === undefined) {
    throw new Error(`no pause process for ${netnsFile}`);
  }
  const proc = path.join(procRoot, String(pid), 'ns');
  const user = (await enterUserNamespace(pid, procRoot)) ? [`--user=${path.join(proc, 'user')}`, '--preserve-credentials'] : [];
  return parseIpJson(await run(tools.nsenter, [...user, `--mount=${path.join(proc, 'mnt')}`, '--', tools.nsenter, `--net=${netnsFile}`, '--', tools.ip, '-j', '-d', 'addr', 'show']));
}
