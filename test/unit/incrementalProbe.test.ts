/**
 * The incremental host probe's cache (issue #9) on the recorded seed topology: namespace files are
 * stand-in files in a temporary folder (their dev+inode is what the cache keys on), and reading a
 * namespace returns the links recorded from the real engine for that file. What the incremental
 * probe returns is compared with a full probeHost over the same "truth" after every change: a
 * container named by an event, a file that now names another namespace, a namespace gone, a veth
 * moved into a container by hand (its /proc/<pid>/net changes), and a Refresh.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { HostFacts, LinkFact, SandboxInfo } from '../../src/model/topology/facts';
import { probeHost, ProbeOptions } from '../../src/probe/hostProbe';
import { IncrementalProbe } from '../../src/probe/incrementalProbe';
import { loadTopologyFixture } from './topologySupport';

const fixture = loadTopologyFixture();
const recorded = fixture.facts.netns;
const sandboxes: SandboxInfo[] = fixture.sandboxes;

/** A host made of files: Docker's netns folder, `ip netns add`'s, /proc/<pid>/net of each container. */
function makeHost() {
  const root = mkdtempSync(path.join(tmpdir(), 'dne-incr-'));
  const dirs = { netnsDir: path.join(root, 'docker-netns'), namedNetnsDir: path.join(root, 'netns'), procRoot: path.join(root, 'proc'), sysClassNet: path.join(root, 'sys') };
  Object.values(dirs).forEach((dir) => mkdirSync(dir));
  const truth = new Map<string, LinkFact[]>();
  const reads: string[] = [];
  for (const ns of recorded.namespaces.filter((n) => n.name !== 'host')) {
    const dir = ns.kind === 'named' ? dirs.namedNetnsDir : dirs.netnsDir;
    writeFileSync(path.join(dir, ns.name), '');
    truth.set(ns.name, structuredClone(ns.links));
  }
  for (const sandbox of sandboxes.filter((s) => s.pid)) {
    const ns = recorded.namespaces.find((n) => n.containerIds.includes(sandbox.containerId))!;
    mkdirSync(path.join(dirs.procRoot, String(sandbox.pid), 'net'), { recursive: true });
    writeProcDev(dirs.procRoot, sandbox.pid!, ns.links.map((l) => l.name));
  }
  const options: Omit<ProbeOptions, 'sandboxes'> = {
    ...dirs,
    local: true,
    platform: 'linux',
    isRoot: true,
    readers: {
      hostLinks: async () => structuredClone(recorded.namespaces[0].links),
      namespaceLinks: async (nsPath) => {
        reads.push(path.basename(nsPath));
        const links = truth.get(path.basename(nsPath));
        if (!links) {
          throw new Error(`${nsPath}: gone`);
        }
        return structuredClone(links);
      },
    },
  };
  return { root, dirs, truth, reads, options, incremental: new IncrementalProbe(options) };
}

/** /proc/<pid>/net/dev as the kernel writes it: two header lines, then one line per interface. */
function writeProcDev(procRoot: string, pid: number, names: string[]): void {
  const header = 'Inter-|   Receive\n face |bytes    packets\n';
  writeFileSync(path.join(procRoot, String(pid), 'net', 'dev'), header + names.map((name) => `${name.padStart(6)}: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n`).join(''));
}

const withoutTiming = (facts: HostFacts) => ({ ...facts, elapsedMs: undefined, defaultRoutes: undefined });

describe('incremental host probe (recorded seed facts)', () => {
  const host = makeHost();
  const full = () => probeHost({ ...host.options, sandboxes });
  const changedOnce = (containerIds?: string[]) => {
    host.reads.length = 0;
    return host.incremental.probe({ sandboxes, changedContainerIds: containerIds });
  };
  const containerNs = (name: string) => recorded.namespaces.find((ns) => ns.name === name)!;
  const notContainer = recorded.namespaces.filter((ns) => ns.kind !== 'host' && ns.containerIds.length === 0).map((ns) => ns.name).sort();
  after(() => rmSync(host.root, { recursive: true, force: true }));

  test('the first probe reads every namespace and equals a full probe, the recorded facts included', async () => {
    const facts = await changedOnce(undefined);
    assert.equal(host.reads.length, recorded.namespaces.length - 1);
    assert.equal(host.incremental.lastCounters?.namespacesRead, recorded.namespaces.length);
    assert.deepEqual(withoutTiming(facts), withoutTiming(await full()));
    assert.deepEqual(
      facts.namespaces.map((ns) => [ns.name, ns.kind, ns.containerIds, ns.links]),
      recorded.namespaces.map((ns) => [ns.name, ns.kind, ns.containerIds, ns.links]),
    );
  });

  test('an event naming one container re-reads its namespace, the host and the non-container namespaces only', async () => {
    const target = recorded.namespaces.find((ns) => ns.kind === 'container')!;
    const facts = await changedOnce([target.containerIds[0]]);
    assert.deepEqual(host.reads.sort(), [target.name, ...notContainer].sort());
    assert.equal(host.incremental.lastCounters?.reasons[path.join(host.dirs.netnsDir, target.name)], 'containerChanged');
    assert.equal(host.incremental.lastCounters?.namespacesReused, recorded.namespaces.filter((ns) => ns.kind === 'container').length - 1);
    assert.deepEqual(withoutTiming(facts), withoutTiming(await full()));
  });

  test('a connect seen by the event: the new interface is in the result', async () => {
    const target = recorded.namespaces.filter((ns) => ns.kind === 'container')[1];
    const donor = recorded.namespaces.find((ns) => ns.kind === 'container' && ns.links.length === 3)!;
    host.truth.set(target.name, [...host.truth.get(target.name)!, structuredClone(donor.links[2])]);
    const facts = await changedOnce([target.containerIds[0]]);
    assert.equal(facts.namespaces.find((ns) => ns.name === target.name)?.links.length, target.links.length + 1);
    assert.deepEqual(withoutTiming(facts), withoutTiming(await full()));
  });

  test('a namespace file that now names another namespace (new inode) is re-read without any event', async () => {
    const target = recorded.namespaces.filter((ns) => ns.kind === 'container')[2];
    const file = path.join(host.dirs.netnsDir, target.name);
    // Made beside the old file, then renamed over it: both exist at once, so the inodes differ.
    writeFileSync(`${file}.new`, 'another');
    renameSync(`${file}.new`, file);
    host.truth.set(target.name, host.truth.get(target.name)!.slice(0, 1));
    const facts = await changedOnce([]);
    assert.ok(host.reads.includes(target.name));
    assert.equal(host.incremental.lastCounters?.reasons[file], 'identityChanged');
    assert.deepEqual(withoutTiming(facts), withoutTiming(await full()));
  });

  test('a veth moved into a container by hand (its /proc/<pid>/net/dev changes) re-reads that namespace', async () => {
    const target = containerNs(recorded.namespaces.filter((ns) => ns.kind === 'container')[3].name);
    const pid = sandboxes.find((s) => s.containerId === target.containerIds[0])!.pid!;
    const moved: LinkFact = { ifindex: 999, name: 'labveth1', kind: 'veth', linkIndex: 998, linkInOtherNamespace: true, addresses: [] };
    host.truth.set(target.name, [...host.truth.get(target.name)!, moved]);
    writeProcDev(host.dirs.procRoot, pid, host.truth.get(target.name)!.map((l) => l.name));
    const facts = await changedOnce([]);
    assert.deepEqual(host.reads.sort(), [target.name, ...notContainer].sort());
    assert.equal(host.incremental.lastCounters?.reasons[path.join(host.dirs.netnsDir, target.name)], 'contentChanged');
    assert.ok(facts.namespaces.find((ns) => ns.name === target.name)?.links.some((l) => l.name === 'labveth1'));
    assert.deepEqual(withoutTiming(facts), withoutTiming(await full()));
  });

  test('a namespace gone (docker rm) drops out of the result and of the cache', async () => {
    const target = recorded.namespaces.filter((ns) => ns.kind === 'container')[4];
    const before = host.incremental.cachedNamespaces;
    rmSync(path.join(host.dirs.netnsDir, target.name));
    host.truth.delete(target.name);
    const facts = await changedOnce(target.containerIds);
    assert.equal(facts.namespaces.some((ns) => ns.name === target.name), false);
    assert.equal(host.incremental.cachedNamespaces, before - 1);
    assert.deepEqual(withoutTiming(facts), withoutTiming(await full()));
  });

  test('a file left behind whose namespace is unmounted is tried once, then answered with the same warning', async () => {
    const file = path.join(host.dirs.netnsDir, 'left-behind');
    writeFileSync(file, '');
    let facts = await changedOnce([]);
    assert.ok(host.reads.includes('left-behind'));
    assert.deepEqual(withoutTiming(facts), withoutTiming(await full()));
    assert.ok(facts.warnings.some((w) => w.startsWith(file)));
    facts = await changedOnce([]);
    assert.equal(host.reads.includes('left-behind'), false, 'not tried again');
    assert.deepEqual(withoutTiming(facts), withoutTiming(await full()));
    rmSync(file);
  });

  test('a Refresh (no container named) reads everything again; a probe limited to the API empties the cache', async () => {
    const facts = await changedOnce(undefined);
    assert.equal(host.reads.length, host.truth.size);
    assert.deepEqual(withoutTiming(facts), withoutTiming(await full()));
    const api = await host.incremental.probe({ sandboxes, changedContainerIds: [], maxLevel: 'api' });
    assert.equal(api.level, 'api');
    assert.equal(host.incremental.cachedNamespaces, 0);
    assert.equal(host.incremental.lastCounters?.level, 'api');
  });

  test('a remote engine is never probed here', async () => {
    const remote = new IncrementalProbe({ ...host.options, local: false });
    host.reads.length = 0;
    const facts = await remote.probe({ sandboxes });
    assert.equal(facts.reason, 'remoteEngine');
    assert.equal(host.reads.length, 0);
  });
});
