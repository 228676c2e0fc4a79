/**
 * Looks at the host's network plumbing as deep as it can, and says how deep and why:
 *  - `api` when the engine is not on this Linux machine (nothing to read here);
 *  - `sysfs` without root: /sys/class/net for the host, /proc/<pid>/net for each container;
 *  - `netns` with root: `ip -j -d addr` on the host and, through nsenter, inside every namespace
 *    under /var/run/docker/netns (sandboxes, overlay `1-<id>`, ingress_sbox, lb_<id>) and those of
 *    `ip netns add` (/var/run/netns; listed only, without root).
 * Both levels read the host's default routes (its uplink) from /proc/self/net.
 * A namespace that vanishes while it is read (a container stopping) becomes a warning.
 */
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { HostFacts, LinkFact, NamespaceFact, ProbeLevel, SandboxInfo } from '../model/topology/facts';
import { emptyFacts, namespaceKindOf } from '../model/topology/facts';
import { systemTool } from './systemTools';
import { readDefaultRoutes, readHostLinksFromSysfs, readHostLinksWithIp, readNamespaceLinks, readProcNetLinks } from './readers';
import { withRootlessNamespaces } from './rootlessProbe';

export interface ProbeOptions {
  /** The engine runs on this machine (unix socket, or npipe/tcp to localhost on Linux). */
  local: boolean;
  /** Running containers' sandboxes (SandboxKey and State.Pid from inspect). */
  sandboxes: SandboxInfo[];
  /** Stop at this level even when a deeper one is possible (tests, settings). */
  maxLevel?: ProbeLevel;
  netnsDir?: string;
  /** Where `ip netns add` keeps its namespaces. */
  namedNetnsDir?: string;
  sysClassNet?: string;
  procRoot?: string;
  platform?: NodeJS.Platform;
  isRoot?: boolean;
  /** Netns level: how links are read (tests replace `ip`/`nsenter`; then neither is looked up). */
  readers?: NetnsReaders;
  /** Netns level: asked for each namespace instead of reading it (the incremental probe answers from its cache). */
  readNamespace?: NamespaceReader;
  /**
   * Read the host namespace only (its links, addresses and routes), no other namespace: what the
   * whole-host overview draws comes from the engine, except the gateways, which are the host's bridges.
   */
  hostOnly?: boolean;
  /**
   * The engine is rootless (rootless Podman: its /info says `Rootless`): its namespaces belong to a
   * user namespace of the user running it, and its user-mode networks (slirp4netns) are read too.
   */
  rootless?: boolean;
}

/** How the netns level reads the host's links and a namespace's links. */
export interface NetnsReaders {
  hostLinks(): Promise<LinkFact[]>;
  namespaceLinks(nsPath: string): Promise<LinkFact[]>;
  /** Whether the file is a mounted namespace (absent: every file is read). */
  isNamespace?(nsPath: string): Promise<boolean>;
}

/** statfs's f_type of a bind-mounted network namespace file. */
const NSFS_MAGIC = 0x6e736673;

/**
 * A file under /var/run/docker/netns whose namespace was unmounted (its container is gone; Docker
 * deletes the file later, or never when it restarted meanwhile) is an empty file of the disk it
 * lies on, not nsfs: it names no namespace, so it is skipped instead of warned about at every probe.
 * When statfs cannot tell, the file is read (and a failure is a warning).
 */
async function isMountedNamespace(nsPath: string): Promise<boolean> {
  try {
    return (await fs.statfs(nsPath)).type === NSFS_MAGIC;
  } catch {
    return true;
  }
}

/** A namespace file the netns level reads: Docker's (/var/run/docker/netns) or `ip netns add`'s (named). */
export interface NamespaceTarget {
  file: string;
  nsPath: string;
  named: boolean;
  /** Containers whose SandboxKey names this file. */
  containerIds: string[];
}

/** Gives a namespace's links; `read` reads them now. */
export type NamespaceReader = (target: NamespaceTarget, read: () => Promise<LinkFact[]>) => Promise<LinkFact[]>;

async function accessible(file: string, mode = constants.R_OK): Promise<boolean> {
  try {
    await fs.access(file, mode);
    return true;
  } catch {
    return false;
  }
}

/** Runs `work` over items with at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  });
  await Promise.all(runners);
  return results;
}

export async function probeHost(options: ProbeOptions): Promise<HostFacts> {
  const started = Date.now();
  const facts = await probe(options);
  if (options.rootless && facts.level !== 'api' && !options.hostOnly) {
    await withRootlessNamespaces(facts, options);
  }
  if (facts.level !== 'api') {
    facts.defaultRoutes = await readDefaultRoutes(path.join(options.procRoot ?? '/proc', 'self', 'net'));
  }
  facts.elapsedMs = Date.now() - started;
  return facts;
}

async function probe(options: ProbeOptions): Promise<HostFacts> {
  if (!options.local) {
    return emptyFacts('remoteEngine');
  }
  if ((options.platform ?? process.platform) !== 'linux') {
    return emptyFacts('notLinux');
  }
  const sysClassNet = options.sysClassNet ?? '/sys/class/net';
  if (options.maxLevel === 'api') {
    return emptyFacts('limitedByOption');
  }
  if (!(await accessible(sysClassNet))) {
    return emptyFacts('noSysfs');
  }
  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  const netnsDir = options.netnsDir ?? '/var/run/docker/netns';
  if (options.maxLevel !== 'sysfs' && isRoot) {
    if (options.readers) {
      return probeNetns(options, options.readers, netnsDir);
    }
    // Root runs these: by absolute path in the system folders, never through PATH.
    const [ip, nsenter] = await Promise.all([systemTool('ip'), systemTool('nsenter')]);
    if (ip && nsenter) {
      return probeNetns(options, { hostLinks: () => readHostLinksWithIp(ip), namespaceLinks: (nsPath) => readNamespaceLinks(nsPath, nsenter, ip), isNamespace: isMountedNamespace }, netnsDir);
    }
    const facts = await probeSysfs(options, sysClassNet);
    facts.reason = 'noIpTool';
    return facts;
  }
  const facts = await probeSysfs(options, sysClassNet);
  facts.reason = options.maxLevel === 'sysfs' ? 'limitedByOption' : 'notRoot';
  return facts;
}

function sandboxFile(key: string | undefined): string | undefined {
  return key ? path.basename(key) : undefined;
}

/** The namespace's inode (two files naming one namespace share it), or undefined when it cannot be read. */
async function inodeOf(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).ino;
  } catch {
    return undefined;
  }
}

async function listDir(dir: string, warnings: string[], warnIfMissing = true): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).filter((name) => name !== 'default').sort();
  } catch (error) {
    if (warnIfMissing || (error as NodeJS.ErrnoException).code !== 'ENOENT') {
      warnings.push(`${dir}: ${(error as Error).message}`);
    }
    return [];
  }
}

/** Files of `ip netns add` (/var/run/netns) that are not another name of one of Docker's namespaces. */
async function namedNamespaceFiles(namedDir: string, dockerFiles: string[], warnings: string[]): Promise<string[]> {
  const named = await listDir(namedDir, warnings, false);
  if (named.length === 0) {
    return [];
  }
  const dockerInodes = new Set(await Promise.all(dockerFiles.map((file) => inodeOf(file))));
  const inodes = await Promise.all(named.map((name) => inodeOf(path.join(namedDir, name))));
  return named.filter((_, i) => inodes[i] === undefined || !dockerInodes.has(inodes[i]));
}

async function probeNetns(options: ProbeOptions, readers: NetnsReaders, netnsDir: string): Promise<HostFacts> {
  const warnings: string[] = [];
  // The host and the other namespaces are read side by side (an engine event's probe is mostly these two).
  const [hostLinks, others] = await Promise.all([readers.hostLinks(), options.hostOnly ? Promise.resolve([]) : otherNamespaces(options, readers, netnsDir, warnings)]);
  const namespaces: NamespaceFact[] = [{ name: 'host', kind: 'host', containerIds: [], links: hostLinks }, ...others];
  return { level: 'netns', reason: 'full', namespaces, warnings };
}

/** Docker's namespaces and those of `ip netns add`, each read (or answered by options.readNamespace). */
async function otherNamespaces(options: ProbeOptions, readers: NetnsReaders, netnsDir: string, warnings: string[]): Promise<NamespaceFact[]> {
  const listed = await listDir(netnsDir, warnings);
  const mounted = readers.isNamespace ? await Promise.all(listed.map((file) => readers.isNamespace!(path.join(netnsDir, file)))) : listed.map(() => true);
  const files = listed.filter((_, i) => mounted[i]);
  const namedDir = options.namedNetnsDir ?? '/var/run/netns';
  const named = await namedNamespaceFiles(namedDir, files.map((file) => path.join(netnsDir, file)), warnings);
  const containersByFile = new Map<string, string[]>();
  for (const sandbox of options.sandboxes) {
    const file = sandboxFile(sandbox.sandboxKey);
    if (file) {
      containersByFile.set(file, [...(containersByFile.get(file) ?? []), sandbox.containerId]);
    }
  }
  const targets: NamespaceTarget[] = [
    ...files.map((file) => ({ file, nsPath: path.join(netnsDir, file), named: false, containerIds: containersByFile.get(file) ?? [] })),
    ...named.map((file) => ({ file, nsPath: path.join(namedDir, file), named: true, containerIds: [] })),
  ];
  const readNamespace: NamespaceReader = options.readNamespace ?? ((_target, read) => read());
  const read = await pool(targets, 8, async (target) => {
    const { file, nsPath, named: isNamed, containerIds } = target;
    try {
      const links = await readNamespace(target, () => readers.namespaceLinks(nsPath));
      const kind = isNamed ? 'named' : containerIds.length > 0 ? 'container' : namespaceKindOf(file);
      return { name: file, kind, path: nsPath, containerIds, links } as NamespaceFact;
    } catch (error) {
      warnings.push(`${nsPath}: ${(error as Error).message}`);
      return undefined;
    }
  });
  return read.filter((ns): ns is NamespaceFact => Boolean(ns));
}

async function probeSysfs(options: ProbeOptions, sysClassNet: string): Promise<HostFacts> {
  const warnings: string[] = [];
  const hostLinks = await readHostLinksFromSysfs(sysClassNet, path.join(options.procRoot ?? '/proc', 'self', 'net'));
  const namespaces: NamespaceFact[] = [{ name: 'host', kind: 'host', containerIds: [], links: hostLinks }];
  if (options.hostOnly) {
    return { level: 'sysfs', reason: 'notRoot', namespaces, warnings };
  }
  // One reading per sandbox (containers sharing a stack share the sandbox).
  const bySandbox = new Map<string, SandboxInfo[]>();
  for (const sandbox of options.sandboxes) {
    if (!sandbox.pid) {
      continue;
    }
    const key = sandboxFile(sandbox.sandboxKey) ?? `pid:${sandbox.pid}`;
    bySandbox.set(key, [...(bySandbox.get(key) ?? []), sandbox]);
  }
  const read = await pool([...bySandbox.entries()], 8, async ([key, sandboxes]) => {
    for (const sandbox of sandboxes) {
      try {
        const links = await readProcNetLinks(sandbox.pid!, options.procRoot);
        return { name: key, kind: 'container', path: `/proc/${sandbox.pid}/ns/net`, containerIds: sandboxes.map((s) => s.containerId), links } as NamespaceFact;
      } catch (error) {
        warnings.push(`/proc/${sandbox.pid}/net: ${(error as Error).message}`);
      }
    }
    return undefined;
  });
  namespaces.push(...read.filter((ns): ns is NamespaceFact => Boolean(ns)));
  // `ip netns add` namespaces can be listed without root, not entered: they exist, their insides are unknown.
  for (const file of await listDir(options.namedNetnsDir ?? '/var/run/netns', warnings, false)) {
    namespaces.push({ name: file, kind: 'named', path: path.join(options.namedNetnsDir ?? '/var/run/netns', file), containerIds: [], links: [], unread: true });
  }
  return { level: 'sysfs', reason: 'notRoot', namespaces, warnings };
}
