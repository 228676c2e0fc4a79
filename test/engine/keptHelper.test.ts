/**
 * The kept helper (src/engine/keptHelperObserver.ts) against a real engine that is not this
 * process's: a dockerd node (test/support/dockerdNode.ts, hub `dnekept`, group 3, index 10) reached
 * as a remote engine through its unix socket and over SSH. On it: two containers on a user bridge
 * network and one on the default bridge. The kept helper's reads (execs in a helper that stays)
 * give the same facts as a one-shot helper's read on the same host, every container namespace
 * included: the reader found the engine host's root under `docker exec` (through the helper's main
 * process's parent). Hygiene: two reads are one helper container; it goes after idleMs; dispose
 * leaves none; one removed behind its back is replaced by the next read; a client SIGKILLed while
 * its helper exists leaves it for the next client's first read to sweep (pid label): 0 left.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { observeThroughHelper } from '../../src/engine/helperObservation';
import { KeptHelperObserver } from '../../src/engine/keptHelperObserver';
import { parseDockerHost } from '../../src/model/connectionResolution';
import type { HostFacts, LinkFact, SandboxInfo } from '../../src/model/topology/facts';
import { TEST_IMAGE } from '../support/dockerCli';
import { DockerdNode, nodeDocker, startDockerdNode } from '../support/dockerdNode';
import { startSshServer } from '../support/sshServer';
import type { SshTestServer } from '../support/sshServer';
import { sleep, waitFor } from '../support/waitFor';

const HUB = 'dnekept';
const PREFIX = 'dnekept-';
const child = path.join(__dirname, 'keptHelperChild.js');
const isRoot = process.getuid?.() === 0;

function describeLink(link: LinkFact): string {
  const peer = link.linkIndex === undefined ? '' : `@if${link.linkIndex}${link.linkInOtherNamespace ? ' (other ns)' : ''}`;
  return `${link.ifindex}: ${link.name}${peer} ${link.kind} master=${link.master ?? '-'} mac=${link.mac ?? '-'} mtu=${link.mtu} ${link.state} ${link.addresses.join(',')}`;
}

describe('the kept helper on a remote engine (a dockerd node)', { skip: !isRoot && 'needs root (a dockerd node)' }, () => {
  let node: DockerdNode;
  let folder: string;
  let ssh: SshTestServer | undefined;
  let sandboxes: SandboxInfo[] = [];
  let oneShot: HostFacts;
  const clients: EngineClient[] = [];
  const observers: KeptHelperObserver[] = [];
  const logged: string[] = [];

  const nodeClient = () => {
    const made = new EngineClient({ source: 'setting', contextName: 'default', ...parseDockerHost(node.host) }, 30_000);
    clients.push(made);
    return made;
  };
  const kept = (client: EngineClient, options: { idleMs?: number; maxLifetimeMs?: number } = {}) => {
    const made = new KeptHelperObserver(client, { image: TEST_IMAGE, log: (line) => logged.push(line), ...options });
    observers.push(made);
    return made;
  };
  const helpersOnNode = () => nodeDocker(node, ['ps', '-a', '-q', '--no-trunc', '--filter', 'label=io.github.dne.helper']).split('\n').filter(Boolean);
  const read = (observer: KeptHelperObserver) => observer.observe({ sandboxes, hostOnly: false });

  /** This node's namespaces, each with its interfaces (the named folder is the machine's: other tests' namespaces come and go there). */
  const view = (facts: HostFacts) => {
    const ours = new Set(['host', ...sandboxes.map((sandbox) => path.basename(sandbox.sandboxKey!))]);
    return facts.namespaces.filter((ns) => ours.has(ns.name)).map((ns) => `${ns.name} ${ns.kind} ${ns.containerIds.join(',')}\n${ns.links.map(describeLink).join('\n')}`);
  };

  before(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'dnekept-'));
    node = await startDockerdNode({ hub: HUB, group: 3, index: 10 });
    const network = `${PREFIX}net`;
    nodeDocker(node, ['network', 'create', network]);
    for (const [name, args] of [[`${PREFIX}a`, ['--network', network]], [`${PREFIX}b`, ['--network', network]], [`${PREFIX}c`, []]] as const) {
      nodeDocker(node, ['run', '-d', '--name', name, ...args, TEST_IMAGE, 'sleep', '100000']);
    }
    const client = nodeClient();
    const listed = await client.listContainers();
    sandboxes = await Promise.all(
      listed.map(async (container) => {
        const inspected = await client.inspectContainer(container.Id);
        return { containerId: container.Id, pid: inspected.State?.Pid, sandboxKey: inspected.NetworkSettings?.SandboxKey ?? undefined };
      }),
    );
    assert.equal(sandboxes.length, 3);
    oneShot = await observeThroughHelper(client, { image: TEST_IMAGE, sandboxes });
    await waitFor('the one-shot helper gone', () => helpersOnNode().length === 0, { timeoutMs: 10_000 });
  });

  after(async () => {
    await Promise.all(observers.map((observer) => observer.dispose()));
    clients.forEach((made) => made.dispose());
    await ssh?.stop();
    await node?.stop();
    try {
      execFileSync('ip', ['netns', 'del', HUB], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    rmSync(folder, { recursive: true, force: true });
  });

  test('the kept helper\'s facts equal the one-shot helper\'s on the same host, every container namespace read (the host\'s root found under exec); two reads are one helper container', async () => {
    assert.equal(oneShot.namespaces[0].name, 'host');
    const observer = kept(nodeClient());
    const first = await read(observer);
    assert.equal(first.level, 'helper');
    assert.deepEqual(first.warnings, []);
    assert.deepEqual(view(first), view(oneShot));
    for (const sandbox of sandboxes) {
      const ns = first.namespaces.find((candidate) => candidate.name === path.basename(sandbox.sandboxKey!));
      assert.equal(ns?.kind, 'container', `${sandbox.sandboxKey}: read through the host's root`);
      assert.ok(ns.links.some((link) => link.name === 'eth0'));
    }
    const helpers = helpersOnNode();
    assert.equal(helpers.length, 1, 'one helper kept');
    assert.equal(helpers[0], observer.helperId);
    const second = await read(observer);
    assert.deepEqual(view(second), view(oneShot));
    assert.deepEqual(helpersOnNode(), helpers, 'the second read ran in the same helper');
    assert.equal(nodeDocker(node, ['exec', helpers[0], 'ls', '-A', '/tmp']), '', 'each read removes its working files (the helper lives on)');
    const hostOnly = await observer.observe({ sandboxes, hostOnly: true });
    assert.deepEqual(hostOnly.namespaces.map((ns) => ns.name), ['host']);
    assert.deepEqual(helpersOnNode(), helpers);
    assert.equal(logged.filter((line) => /^kept helper on unix:\/\/.*: started dne-helper-observe-[0-9a-f]+ \(image local\/busybox:latest, pid \d+\)/.test(line)).length, 1, logged.join('\n'));
    assert.equal(logged.filter((line) => /^kept helper read on .*: container dne-helper-observe-[0-9a-f]+, \d+ ms, \d+ namespace\(s\)/.test(line)).length, 3, logged.join('\n'));
    // Reads at once: the second waits for the first, still one helper.
    const [a, b] = await Promise.all([read(observer), read(observer)]);
    assert.deepEqual(view(a), view(b));
    assert.deepEqual(helpersOnNode(), helpers);
    await observer.dispose();
    assert.deepEqual(helpersOnNode(), [], 'dispose leaves none');
  });

  test('after idleMs without a read the helper is removed (0 left); the next read starts a new one', async () => {
    const observer = kept(nodeClient(), { idleMs: 1500 });
    await read(observer);
    const first = helpersOnNode();
    assert.equal(first.length, 1);
    await waitFor('the idle helper removed', () => helpersOnNode().length === 0, { timeoutMs: 10_000, lastSeen: () => helpersOnNode().join(' ') });
    await waitFor('the removal logged', () => logged.some((line) => line.includes(`removed dne-helper-observe-`) && line.includes('(idle)')), { timeoutMs: 5000, lastSeen: () => logged.join('\n') });
    await read(observer);
    const second = helpersOnNode();
    assert.equal(second.length, 1);
    assert.notEqual(second[0], first[0]);
    await observer.dispose();
    assert.deepEqual(helpersOnNode(), []);
  });

  test('at maxLifetimeMs the helper is replaced: the next read runs in a new one', async () => {
    const observer = kept(nodeClient(), { idleMs: 60_000, maxLifetimeMs: 2000 });
    await read(observer);
    const first = helpersOnNode();
    await waitFor('the helper removed at the end of its lifetime', () => helpersOnNode().length === 0, { timeoutMs: 10_000 });
    const again = await read(observer);
    assert.deepEqual(view(again), view(oneShot));
    assert.notDeepEqual(helpersOnNode(), first);
    await observer.dispose();
    assert.deepEqual(helpersOnNode(), []);
  });

  test('a helper removed behind its back is replaced by the next read, which gives the same facts', async () => {
    const observer = kept(nodeClient());
    await read(observer);
    const [id] = helpersOnNode();
    nodeDocker(node, ['rm', '-f', id]);
    assert.deepEqual(helpersOnNode(), []);
    const facts = await read(observer);
    assert.deepEqual(view(facts), view(oneShot));
    const now = helpersOnNode();
    assert.equal(now.length, 1);
    assert.notEqual(now[0], id);
    await observer.dispose();
    assert.deepEqual(helpersOnNode(), []);
  });

  test('a client SIGKILLed while its kept helper exists: the next client\'s first read sweeps it (pid label), 0 left after its dispose', async () => {
    const proc = spawn(process.execPath, [child, JSON.stringify({ host: node.host, image: TEST_IMAGE, sandboxes })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const line = await waitFor('the child client read through its kept helper', () => out.split('\n').find((text) => text.includes('"read"') || text.includes('"error"')), { timeoutMs: 60_000 });
    proc.kill('SIGKILL');
    await new Promise((resolve) => proc.once('exit', resolve));
    const id = String((JSON.parse(line) as { id?: string }).id);
    assert.deepEqual(helpersOnNode(), [id], 'the killed client\'s helper is still there');
    await sleep(5500); // older than the sweep's few seconds
    const observer = kept(nodeClient());
    await read(observer);
    assert.ok(logged.some((text) => text.includes(`removed 1 helper container(s) left by a client that is gone: ${id.slice(0, 12)}`)), logged.join('\n'));
    assert.deepEqual(helpersOnNode(), [observer.helperId]);
    await observer.dispose();
    assert.deepEqual(helpersOnNode(), []);
  });

  test('over SSH (the private OpenSSH server on the node\'s socket): exec in the kept helper gives the same facts; dispose leaves 0', { skip: !existsSync('/usr/sbin/sshd') && 'openssh-server is not installed' }, async () => {
    ssh = await startSshServer({ extraConfig: [`SetEnv DOCKER_HOST=${node.host}`] });
    const home = path.join(folder, 'home');
    mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    copyFileSync(ssh.plainKey, path.join(home, '.ssh', 'id_ed25519'));
    const accept = { confirmHostKey: () => Promise.resolve(true), passphrase: () => Promise.resolve(undefined) };
    const client = new EngineClient(resolveTarget(`ssh://${ssh.user}@127.0.0.1:${ssh.port}`, undefined, { DOCKER_CONFIG: folder }), 30_000, { sshPrompts: accept, sshFiles: { homeDir: home, agentSocket: '' } });
    clients.push(client);
    assert.equal((await client.info()).Name, node.name, 'the SSH engine is the node');
    const observer = kept(client);
    assert.deepEqual(view(await read(observer)), view(oneShot));
    assert.deepEqual(view(await read(observer)), view(oneShot));
    assert.equal(helpersOnNode().length, 1);
    await observer.dispose();
    assert.deepEqual(helpersOnNode(), []);
  });
});
