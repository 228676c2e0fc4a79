/**
 * The host probe, incremental: at the netns level (root) reading a namespace costs two processes
 * (nsenter + ip), about 17 ms each, so a host with a hundred namespaces took seconds on every engine
 * event. This keeps each namespace's links, keyed by its file and the file's identity (stat: dev +
 * inode, which is the namespace's own identity for a bind-mounted nsfs file), and re-reads only:
 *  - the host namespace (always: one `ip` call, and where hand-made veths appear);
 *  - the namespaces of the containers the event names (`changedContainerIds`);
 *  - a namespace whose file is new or names another namespace (dev/inode changed);
 *  - a container namespace whose cheap procfs fingerprint changed (/proc/<pid>/net: interface
 *    names, IPv4 local addresses, IPv6 addresses), which catches a veth end moved into a container
 *    by hand, or an address added inside it, without any engine event;
 *  - every namespace that is not a container's (overlay `1-<id>`, ingress_sbox, lb_<id>, `ip netns
 *    add`): they are few, nothing names them in engine events, and they change with the containers.
 * A file that could not be read (Docker unmounts a removed container's namespace at once and deletes
 * the file about a minute later) is not tried again while its identity stays: the same warning is
 * given. Namespaces that are gone drop out of the cache. Without `changedContainerIds` every namespace is
 * read (a first probe, a Refresh). The result is the same HostFacts as probeHost's.
 * Below the netns level (no root, remote engine) there is no nsenter to save: it is a full probe.
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { HostFacts, LinkFact, ProbeLevel, SandboxInfo } from '../model/topology/facts';
import { NamespaceTarget, probeHost, ProbeOptions } from './hostProbe';
import { parseFibTrieLocal, parseNetDev } from './readers';

export interface IncrementalProbeRequest {
  /** Overrides the constructor's `local` (the session's engine may change). */
  local?: boolean;
  sandboxes: SandboxInfo[];
  /** Containers an engine event named; undefined: read every namespace (first probe, Refresh). */
  changedContainerIds?: readonly string[];
  maxLevel?: ProbeLevel;
  /** The engine runs rootless (see ProbeOptions.rootless). */
  rootless?: boolean;
}

/** What the last probe cost: a benchmark and tests read it. */
export interface ProbeCounters {
  level: ProbeLevel;
  /** Namespaces read this time (the host included). */
  namespacesRead: number;
  /** Namespaces answered from the cache. */
  namespacesReused: number;
  /** Why each read namespace was read: its path -> reason. */
  reasons: Record<string, ReadReason>;
  elapsedMs: number;
}

export type ReadReason = 'full' | 'new' | 'identityChanged' | 'containerChanged' | 'contentChanged' | 'notContainer';

interface CacheEntry {
  identity: string;
  fingerprint: string;
  links: LinkFact[];
  /** The read failed: a file left behind, its namespace unmounted (Docker removes such files a minute later). */
  error?: string;
}

/** Options of probeHost that stay the same from probe to probe (paths, platform, readers for tests). */
export type IncrementalProbeOptions = Omit<ProbeOptions, 'sandboxes' | 'maxLevel' | 'readNamespace'>;

export class IncrementalProbe {
  private cache = new Map<string, CacheEntry>();
  private queue: Promise<unknown> = Promise.resolve();
  private counters: ProbeCounters | undefined;

  constructor(private readonly options: IncrementalProbeOptions) {}

  /** The cost of the last probe (undefined before the first). */
  get lastCounters(): ProbeCounters | undefined {
    return this.counters;
  }

  /** How many namespaces are cached (the gone ones dropped). */
  get cachedNamespaces(): number {
    return this.cache.size;
  }

  /** Forgets every namespace: the next probe reads all of them. */
  clear(): void {
    this.cache.clear();
  }

  /** Probes one at a time: a second call waits for the first (both keep the cache coherent). */
  probe(request: IncrementalProbeRequest): Promise<HostFacts> {
    const next = this.queue.then(() => this.probeNow(request));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async probeNow(request: IncrementalProbeRequest): Promise<HostFacts> {
    const started = Date.now();
    const changed = request.changedContainerIds ? new Set(request.changedContainerIds) : undefined;
    const pids = new Map(request.sandboxes.filter((s) => s.pid).map((s) => [s.containerId, s.pid!] as [string, number]));
    const seen = new Map<string, CacheEntry>();
    const reasons: Record<string, ReadReason> = {};
    let reused = 0;
    const readNamespace = async (target: NamespaceTarget, read: () => Promise<LinkFact[]>): Promise<LinkFact[]> => {
      const identity = identityOf(target.nsPath);
      const fingerprint = this.fingerprintOf(target.containerIds.map((id) => pids.get(id)));
      const cached = this.cache.get(target.nsPath);
      const reason = readReason(target, cached, identity, fingerprint, changed);
      if (!reason && cached) {
        reused++;
        seen.set(target.nsPath, cached);
        if (cached.error !== undefined) {
          throw new Error(cached.error);
        }
        return structuredClone(cached.links);
      }
      reasons[target.nsPath] = reason ?? 'new';
      try {
        const links = await read();
        if (identity) {
          seen.set(target.nsPath, { identity, fingerprint, links: structuredClone(links) });
        }
        return links;
      } catch (error) {
        if (identity) {
          seen.set(target.nsPath, { identity, fingerprint, links: [], error: (error as Error).message });
        }
        throw error;
      }
    };
    const local = request.local ?? this.options.local;
    const facts = await probeHost({ ...this.options, local, sandboxes: request.sandboxes, maxLevel: request.maxLevel, readNamespace, rootless: request.rootless });
    if (facts.level === 'netns') {
      this.cache = seen;
      reasons.host = 'full';
    } else {
      this.cache.clear();
    }
    const read = facts.level === 'netns' ? Object.keys(reasons).length : facts.namespaces.length;
    this.counters = { level: facts.level, namespacesRead: read, namespacesReused: reused, reasons, elapsedMs: Date.now() - started };
    return facts;
  }

  /**
   * Interface names, IPv4 local addresses and IPv6 addresses seen through /proc/<pid>/net; '' without
   * a pid. Read synchronously: procfs answers from memory, and at 164 containers the 492 reads take
   * about 8 ms this way against 36-49 ms through the thread pool (every event pays this, for every
   * container, so that a change made by hand inside one is seen).
   */
  private fingerprintOf(pids: (number | undefined)[]): string {
    const pid = pids.find((p): p is number => p !== undefined);
    if (pid === undefined) {
      return '';
    }
    const dir = path.join(this.options.procRoot ?? '/proc', String(pid), 'net');
    const readOr = (file: string) => {
      try {
        return readFileSync(path.join(dir, file), 'utf8');
      } catch {
        return '?';
      }
    };
    const [dev, fib, inet6] = [readOr('dev'), readOr('fib_trie'), readOr('if_inet6')];
    // Counters in dev and the trie's layout change with traffic and routes: keep the names and addresses.
    return JSON.stringify([dev === '?' ? '?' : parseNetDev(dev).sort(), fib === '?' ? '?' : parseFibTrieLocal(fib).sort(), inet6.split('\n').sort()]);
  }
}

function readReason(target: NamespaceTarget, cached: CacheEntry | undefined, identity: string | undefined, fingerprint: string, changed: Set<string> | undefined): ReadReason | undefined {
  if (!changed) {
    return 'full';
  }
  if (!cached || !identity) {
    return 'new';
  }
  if (cached.identity !== identity) {
    return 'identityChanged';
  }
  if (cached.error !== undefined) {
    // The same file that could not be read: a namespace mounted on it later changes its identity.
    return undefined;
  }
  if (target.named || target.containerIds.length === 0) {
    return 'notContainer';
  }
  if (target.containerIds.some((id) => changed.has(id))) {
    return 'containerChanged';
  }
  return cached.fingerprint !== fingerprint ? 'contentChanged' : undefined;
}

/** `dev:inode` of the namespace file, or undefined when it cannot be stat'ed (gone). Synchronous, like the fingerprint. */
function identityOf(file: string): string | undefined {
  try {
    const stat = statSync(file);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return undefined;
  }
}
