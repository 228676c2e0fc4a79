/**
 * The host probe's part for a rootless engine (rootless Podman), after the level's own reading:
 * - each container's namespace is read again with `ip` through its user namespace (the user owns
 *   it), which gives what procfs cannot: the peer's ifindex, the MAC, a TAP device's kind; as root
 *   the same through /proc/<pid>/ns/net (the files under $XDG_RUNTIME_DIR/netns are not Docker's);
 * - the slirp4netns processes serving those namespaces are listed (userModeNetworks);
 * - the rootless network namespace they also serve (bridges and veths of the user's networks) is
 *   read, or listed as unread when it cannot be entered.
 * A reading that fails keeps what the level saw and becomes a warning.
 */
import * as path from 'node:path';
import type { HostFacts, NamespaceFact, SandboxInfo } from '../model/topology/facts';
import { isRootlessNetnsPath, readProcessNamespaceLinks, readRootlessNetnsLinks, readUserModeNetworks, RootlessTools, runtimeDirOf } from './rootless';
import { systemTool } from './systemTools';

/** How a rootless engine's namespaces are read (tests replace them). */
export interface RootlessReaders {
  processNamespace(pid: number): Promise<NamespaceFact['links']>;
  rootlessNetns(file: string): Promise<NamespaceFact['links']>;
  userModeNetworks(): Promise<NonNullable<HostFacts['userModeNetworks']>>;
}

async function defaultReaders(procRoot: string): Promise<RootlessReaders | undefined> {
  const [nsenter, ip] = await Promise.all([systemTool('nsenter'), systemTool('ip')]);
  const tools: RootlessTools | undefined = nsenter && ip ? { nsenter, ip } : undefined;
  if (!tools) {
    return undefined;
  }
  return {
    processNamespace: (pid) => readProcessNamespaceLinks(pid, tools, procRoot),
    rootlessNetns: (file) => readRootlessNetnsLinks(file, tools, procRoot),
    userModeNetworks: () => readUserModeNetworks(procRoot),
  };
}

function sandboxName(sandbox: SandboxInfo): string {
  return sandbox.sandboxKey ? path.basename(sandbox.sandboxKey) : `pid:${sandbox.pid}`;
}

/** Re-reads (or adds) each running container's namespace through its user namespace. */
async function readContainers(facts: HostFacts, sandboxes: SandboxInfo[], readers: RootlessReaders): Promise<void> {
  const bySandbox = new Map<string, SandboxInfo[]>();
  for (const sandbox of sandboxes.filter((s) => s.pid)) {
    bySandbox.set(sandboxName(sandbox), [...(bySandbox.get(sandboxName(sandbox)) ?? []), sandbox]);
  }
  await Promise.all(
    [...bySandbox.entries()].map(async ([name, group]) => {
      const ids = group.map((s) => s.containerId);
      const existing = facts.namespaces.find((ns) => ns.kind === 'container' && ns.containerIds.some((id) => ids.includes(id)));
      try {
        const links = await readers.processNamespace(group[0].pid!);
        if (existing) {
          existing.links = links;
        } else {
          facts.namespaces.push({ name, kind: 'container', path: group[0].sandboxKey ?? `/proc/${group[0].pid}/ns/net`, containerIds: ids, links });
        }
      } catch (error) {
        facts.warnings.push(`/proc/${group[0].pid}/ns/net: ${(error as Error).message}`);
      }
    }),
  );
}

/** What the rootless part needs of the probe's options. */
export interface RootlessProbeOptions {
  sandboxes: SandboxInfo[];
  procRoot?: string;
  rootlessReaders?: RootlessReaders;
}

export async function withRootlessNamespaces(facts: HostFacts, options: RootlessProbeOptions): Promise<void> {
  const readers = options.rootlessReaders ?? (await defaultReaders(options.procRoot ?? '/proc'));
  if (!readers) {
    facts.warnings.push('rootless engine: nsenter or ip is missing, its namespaces are read through /proc only');
    return;
  }
  await readContainers(facts, options.sandboxes, readers);
  const keys = new Set(options.sandboxes.map((s) => s.sandboxKey).filter((key): key is string => Boolean(key)));
  const runtimeDirs = new Set([...keys].map(runtimeDirOf));
  // Only the slirp4netns processes serving this engine: its containers' namespaces, its rootless network namespace.
  const userMode = (await readers.userModeNetworks()).filter((fact) => keys.has(fact.netnsPath) || (isRootlessNetnsPath(fact.netnsPath) && runtimeDirs.has(runtimeDirOf(fact.netnsPath))));
  facts.userModeNetworks = userMode;
  const rootlessFiles = [...new Set(userMode.map((fact) => fact.netnsPath).filter(isRootlessNetnsPath))];
  for (const file of rootlessFiles) {
    const fact: NamespaceFact = { name: path.basename(file), kind: 'rootless', path: file, containerIds: [], links: [] };
    try {
      fact.links = await readers.rootlessNetns(file);
    } catch (error) {
      fact.unread = true;
      facts.warnings.push(`${file}: ${(error as Error).message}`);
    }
    facts.namespaces.push(fact);
  }
}
