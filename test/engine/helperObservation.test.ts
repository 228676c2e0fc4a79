/**
 * The helper observation level against a real engine that is not this process's: a second dockerd
 * in its own network namespace (test/support/dockerdNode.ts, hub `dneobs`, group 2, index 3),
 * reached as a remote engine through its unix socket, then over the private OpenSSH server (whose
 * sessions' DOCKER_HOST is the node's socket) and the TLS endpoint (socat in front of the node's
 * socket). On it: two containers on a user bridge network, one on the default bridge, and a
 * hand-made veth (`dneobsh` on the user network's bridge, its peer `dneobsp` moved into an
 * `ip netns add dneobs-x` namespace). What the helper reads is compared with `ip -j -d addr` run
 * inside the node (its host namespace) and inside each namespace, item by item: namespaces,
 * bridges, veth pairs (`@ifN` both ways), addresses and MACs; the topology drawn from it shows the
 * hand-made veth as not managed by Docker; the `docker run` shown for consent reads the same. Then hygiene: no helper left after a normal read, after
 * the reading process is SIGKILLed (between create and start, and while the helper runs: the next
 * read sweeps), and after the connection drops mid-read (the node's dockerd killed, restarted: the
 * next read leaves none).
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import type { EngineClientOptions } from '../../src/engine/engineClient';
import { HelperObservationError, observationCreateRequest, observeThroughHelper } from '../../src/engine/helperObservation';
import { helperDockerRunArgs } from '../../src/model/helperContainerSpec';
import { parseHelperObservation } from '../../src/model/topology/helperReadout';
import { parseDockerHost } from '../../src/model/connectionResolution';
import { buildInventory } from '../../src/model/inventory';
import { buildTopology } from '../../src/model/topology/build';
import type { HostFacts, LinkFact, SandboxInfo } from '../../src/model/topology/facts';
import { parseIpJson } from '../../src/probe/readers';
import { TEST_IMAGE } from '../support/dockerCli';
import { DockerdNode, nodeDocker, startDockerdNode } from '../support/dockerdNode';
import { startSshServer } from '../support/sshServer';
import type { SshTestServer } from '../support/sshServer';
import { makeTlsMaterial, removeTlsMaterial, startTlsEndpoint } from '../support/tlsEndpoint';
import type { TlsEndpoint, TlsMaterial } from '../support/tlsEndpoint';
import { sleep, waitFor } from '../support/waitFor';

const HUB = 'dneobs';
const PREFIX = 'dneobs-';
const NAMED = 'dneobs-x';
const HAND_MADE = 'dneobsh';
const HAND_MADE_PEER = 'dneobsp';
const child = path.join(__dirname, 'helperObservationChild.js');
const isRoot = process.getuid?.() === 0;

const sh = (file: string, args: string[]) => execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const quietly = (action: () => unknown) => {
  try {
    action();
  } catch {
    // already gone
  }
};

/** The interface as both iproute2 and the helper must describe it. */
function describeLink(link: LinkFact): string {
  const peer = link.linkIndex === undefined ? '' : `@if${link.linkIndex}${link.linkInOtherNamespace ? ' (other ns)' : ''}`;
  return `${link.ifindex}: ${link.name}${peer} ${link.kind} master=${link.master ?? '-'} mac=${link.mac ?? '-'} mtu=${link.mtu} ${link.state} ${link.addresses.join(',')}`;
}

/** `ip -j -d addr show` inside a namespace file, read as the netns level reads it. */
const ipLinks = (nsPath: string): LinkFact[] => parseIpJson(sh('nsenter', [`--net=${nsPath}`, '--', 'ip', '-j', '-d', 'addr', 'show']));

describe('the helper observation level on a remote engine (a second dockerd)', { skip: !isRoot && 'needs root (a dockerd node, ip netns)' }, () => {
  let node: DockerdNode;
  let folder: string;
  let ssh: SshTestServer | undefined;
  let material: TlsMaterial | undefined;
  let tls: TlsEndpoint | undefined;
  let sandboxes: SandboxInfo[] = [];
  let facts: HostFacts;
  const clients: EngineClient[] = [];
  const logged: string[] = [];

  const nodeClient = (options: EngineClientOptions = {}) => {
    const made = new EngineClient({ source: 'setting', contextName: 'default', ...parseDockerHost(node.host) }, 30_000, options);
    clients.push(made);
    return made;
  };
  const helpersOnNode = () => nodeDocker(node, ['ps', '-a', '-q', '--filter', 'label=io.github.dne.helper']).split('\n').filter(Boolean);
  const observe = (client: EngineClient) => observeThroughHelper(client, { image: TEST_IMAGE, sandboxes, log: (line) => logged.push(line) });
  const nodeNetns = () => `/var/run/netns/${node.name}`;
  const bridgeOf = (network: string) => `br-${nodeDocker(node, ['network', 'inspect', '-f', '{{.Id}}', network]).slice(0, 12)}`;

  async function readSandboxes(client: EngineClient): Promise<SandboxInfo[]> {
    const listed = await client.listContainers();
    return Promise.all(
      listed.map(async (container) => {
        const inspected = await client.inspectContainer(container.Id);
        return { containerId: container.Id, pid: inspected.State?.Pid, sandboxKey: inspected.NetworkSettings?.SandboxKey ?? undefined };
      }),
    );
  }

  before(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'dneobs-'));
    node = await startDockerdNode({ hub: HUB, group: 2, index: 3 });
    const network = `${PREFIX}net`;
    nodeDocker(node, ['network', 'create', network]);
    for (const [name, args] of [[`${PREFIX}a`, ['--network', network]], [`${PREFIX}b`, ['--network', network]], [`${PREFIX}c`, []]] as const) {
      nodeDocker(node, ['run', '-d', '--restart', 'always', '--name', name, ...args, TEST_IMAGE, 'sleep', '100000']);
    }
    // The hand-made veth: one end on the user network's bridge, the other in a named namespace.
    quietly(() => sh('ip', ['netns', 'del', NAMED]));
    sh('ip', ['netns', 'add', NAMED]);
    sh('ip', ['-n', node.name, 'link', 'add', HAND_MADE, 'type', 'veth', 'peer', 'name', HAND_MADE_PEER]);
    sh('ip', ['-n', node.name, 'link', 'set', HAND_MADE, 'master', bridgeOf(network)]);
    sh('ip', ['-n', node.name, 'link', 'set', HAND_MADE, 'up']);
    sh('ip', ['-n', node.name, 'link', 'set', HAND_MADE_PEER, 'netns', NAMED]);
    sh('ip', ['-n', NAMED, 'addr', 'add', '10.199.90.2/24', 'dev', HAND_MADE_PEER]);
    sh('ip', ['-n', NAMED, 'link', 'set', HAND_MADE_PEER, 'up']);
    const client = nodeClient();
    sandboxes = await readSandboxes(client);
    assert.equal(sandboxes.length, 3);
    facts = await observe(client);
  });

  after(async () => {
    clients.forEach((made) => made.dispose());
    await ssh?.stop();
    await tls?.stop();
    if (material) removeTlsMaterial(material);
    quietly(() => sh('ip', ['netns', 'del', NAMED]));
    await node?.stop();
    quietly(() => sh('ip', ['netns', 'del', HUB]));
    rmSync(folder, { recursive: true, force: true });
  });

  test('level helper; the host namespace (the node\'s own) first; every namespace of the node\'s netns folder and the named one, the node itself not twice', () => {
    assert.equal(facts.level, 'helper');
    assert.deepEqual(facts.warnings, []);
    assert.equal(facts.namespaces[0].name, 'host');
    const names = facts.namespaces.map((ns) => ns.name);
    // `default` is another name of the host namespace (hostProbe.ts leaves it out too).
    const dockerFiles = readdirSync(path.join(node.execRoot, 'netns')).filter((file) => file !== 'default').sort();
    assert.deepEqual(facts.namespaces.filter((ns) => ns.kind !== 'host' && ns.kind !== 'named').map((ns) => ns.name).sort(), dockerFiles);
    assert.ok(names.includes(NAMED));
    assert.equal(names.includes(node.name), false, 'the node\'s namespace is the host one, not listed again');
    for (const sandbox of sandboxes) {
      const ns = facts.namespaces.find((candidate) => candidate.name === path.basename(sandbox.sandboxKey!));
      assert.equal(ns?.kind, 'container');
      assert.deepEqual(ns.containerIds, [sandbox.containerId]);
    }
    assert.ok(logged.some((line) => /^helper observation on unix:\/\/.*dneobsn3.*: image local\/busybox:latest, container dne-helper-observe-[0-9a-f]+, \d+ ms, \d+ namespace\(s\)/.test(line)), logged.join('\n'));
  });

  test('the node\'s host namespace and every container and named namespace: interfaces equal `ip -j -d addr` inside them, item by item (bridges, veths @ifN, MACs, addresses)', () => {
    const compare = (name: string, nsPath: string) => {
      const ns = facts.namespaces.find((candidate) => candidate.name === name);
      assert.ok(ns, name);
      assert.deepEqual(ns.links.map(describeLink), ipLinks(nsPath).map(describeLink), name);
    };
    compare('host', nodeNetns());
    for (const sandbox of sandboxes) {
      compare(path.basename(sandbox.sandboxKey!), sandbox.sandboxKey!);
    }
    compare(NAMED, `/var/run/netns/${NAMED}`);
    const host = facts.namespaces[0].links;
    assert.ok(host.filter((link) => link.kind === 'bridge').length >= 2, 'docker0 and the user network\'s bridge');
  });

  test('veth pairs both ways: each port of a Docker bridge names its peer inside a container (or the named namespace), which names it back', () => {
    const host = facts.namespaces[0];
    const ports = host.links.filter((link) => link.kind === 'veth' && link.master);
    assert.equal(ports.length, 4, 'three containers and the hand-made veth');
    for (const port of ports) {
      const peers = facts.namespaces.slice(1).flatMap((ns) => ns.links.filter((link) => link.ifindex === port.linkIndex && link.linkIndex === port.ifindex).map((link) => ({ ns, link })));
      assert.equal(peers.length, 1, port.name);
      assert.equal(peers[0].link.linkInOtherNamespace, true);
      assert.equal(port.linkInOtherNamespace, true);
      const inside = ipLinks(peers[0].ns.path!).find((link) => link.ifindex === port.linkIndex)!;
      assert.equal(inside.linkIndex, port.ifindex, `${port.name}: ${inside.name}@if${inside.linkIndex}`);
    }
  });

  test('the topology drawn from these facts: the hand-made veth and its peer observed and not managed by Docker; the containers\' veths managed', async () => {
    const client = nodeClient();
    const inventory = buildInventory({ networks: await client.listNetworks(), containers: await client.listContainers() });
    const topology = buildTopology({ inventory, sandboxes: Object.fromEntries(sandboxes.map((s) => [s.containerId, s])), facts: structuredClone(facts) });
    assert.equal(topology.level, 'helper');
    const all = topology.namespaces.flatMap((ns) => ns.interfaces);
    const handMade = all.find((i) => i.id === `ns:host/if:${HAND_MADE}`)!;
    assert.equal(handMade.source, 'observed');
    assert.equal(handMade.managed, false);
    const edge = topology.edges.find((e) => e.kind === 'veth' && (e.from === handMade.id || e.to === handMade.id))!;
    assert.equal(edge.managed, false);
    const peer = all.find((i) => i.id === (edge.from === handMade.id ? edge.to : edge.from))!;
    assert.equal(peer.name, HAND_MADE_PEER);
    assert.equal(peer.managed, false);
    for (const sandbox of sandboxes) {
      const ns = topology.namespaces.find((candidate) => candidate.containers.some((c) => c.id === sandbox.containerId))!;
      assert.equal(ns.source, 'observed');
      const eth0 = ns.interfaces.find((i) => i.name === 'eth0')!;
      assert.equal(eth0.managed, true, ns.name);
      assert.ok(topology.edges.some((e) => e.kind === 'veth' && (e.from === eth0.id || e.to === eth0.id) && e.managed), `${ns.name}: its veth pair drawn`);
    }
  });

  test('no helper container is left on the node after a normal read', async () => {
    await waitFor('no helper left', () => helpersOnNode().length === 0, { timeoutMs: 10_000 });
  });

  const sameAsUnix = (other: HostFacts) => {
    // This node's namespaces (the named folder is the machine's: other tests' namespaces come and go there).
    const ours = new Set(['host', NAMED, ...sandboxes.map((sandbox) => path.basename(sandbox.sandboxKey!))]);
    const view = (read: HostFacts) => read.namespaces.filter((ns) => ours.has(ns.name)).map((ns) => `${ns.name} ${ns.kind}\n${ns.links.map(describeLink).join('\n')}`);
    assert.equal(other.level, 'helper');
    assert.deepEqual(view(other), view(facts));
  };

  test('over SSH (the private OpenSSH server, its sessions\' docker CLI on the node\'s socket): the same facts', { skip: !existsSync('/usr/sbin/sshd') && 'openssh-server is not installed' }, async () => {
    ssh = await startSshServer({ extraConfig: [`SetEnv DOCKER_HOST=${node.host}`] });
    const home = path.join(folder, 'home');
    mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    copyFileSync(ssh.plainKey, path.join(home, '.ssh', 'id_ed25519'));
    const accept = { confirmHostKey: () => Promise.resolve(true), passphrase: () => Promise.resolve(undefined) };
    const client = new EngineClient(resolveTarget(`ssh://${ssh.user}@127.0.0.1:${ssh.port}`, undefined, { DOCKER_CONFIG: folder }), 30_000, { sshPrompts: accept, sshFiles: { homeDir: home, agentSocket: '' } });
    clients.push(client);
    const info = await client.info();
    assert.equal(info.Name, node.name, 'the SSH engine is the node');
    sameAsUnix(await observe(client));
    await waitFor('no helper left', () => helpersOnNode().length === 0, { timeoutMs: 10_000 });
  });

  test('over TLS (socat in front of the node\'s socket, client certificate): the same facts', async () => {
    material = makeTlsMaterial();
    tls = await startTlsEndpoint({ cert: material.serverCert, key: material.serverKey, ca: material.ca }, node.socketPath);
    const client = new EngineClient(resolveTarget('', undefined, { DOCKER_HOST: `tcp://127.0.0.1:${tls.port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: material.clientFolder, DOCKER_CONFIG: folder }), 30_000);
    clients.push(client);
    assert.equal((await client.info()).Name, node.name, 'the TLS engine is the node');
    sameAsUnix(await observe(client));
    await waitFor('no helper left', () => helpersOnNode().length === 0, { timeoutMs: 10_000 });
  });

  test('the `docker run` the consent modal shows, run with the docker CLI, makes the same read and leaves nothing', () => {
    const args = helperDockerRunArgs(observationCreateRequest(TEST_IMAGE, sandboxes));
    assert.deepEqual(args.slice(0, 2), ['docker', 'run']);
    const stdout = execFileSync('docker', ['-H', node.host, ...args.slice(1)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    sameAsUnix(parseHelperObservation(stdout, sandboxes));
    assert.deepEqual(helpersOnNode(), [], '--rm removed it');
  });

  test('the host namespace only (the overview): one namespace, the same host interfaces', async () => {
    const hostOnly = await observeThroughHelper(nodeClient(), { image: TEST_IMAGE, sandboxes, hostOnly: true });
    assert.deepEqual(hostOnly.namespaces.map((ns) => ns.name), ['host']);
    assert.deepEqual(hostOnly.namespaces[0].links.map(describeLink), facts.namespaces[0].links.map(describeLink));
    await waitFor('no helper left', () => helpersOnNode().length === 0, { timeoutMs: 10_000 });
  });

  test('an image the node does not have: imageMissing naming it, nothing created', async () => {
    await waitFor('no helper left', () => helpersOnNode().length === 0, { timeoutMs: 10_000 });
    await assert.rejects(
      observeThroughHelper(nodeClient(), { image: 'local/dne-no-such-busybox:none', sandboxes }),
      (error: unknown) => error instanceof HelperObservationError && error.failure === 'imageMissing' && /local\/dne-no-such-busybox:none/.test(error.message),
    );
    assert.deepEqual(helpersOnNode(), []);
  });

  test('the command line: diagram --helper IMAGE draws the node at level helper (the option is the consent); without it, api and nothing run; a missing image ends with its sentence, exit 1', () => {
    const cli = (args: string[]) => spawnSync(process.execPath, [path.join(__dirname, '..', '..', '..', 'dist', 'cli.js'), 'diagram', '--host', node.host, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: '' } });
    const plain = cli(['--format', 'json']);
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal((JSON.parse(plain.stdout) as { level: string }).level, 'api');
    assert.deepEqual(helpersOnNode(), [], 'nothing ran without --helper');
    const observed = cli(['--format', 'json', '--helper', TEST_IMAGE]);
    assert.equal(observed.status, 0, observed.stderr);
    const topology = JSON.parse(observed.stdout) as { level: string; namespaces: { kind: string; source: string }[] };
    assert.equal(topology.level, 'helper');
    assert.ok(topology.namespaces.filter((ns) => ns.kind === 'container').length >= 2, observed.stdout.slice(0, 400));
    assert.ok(topology.namespaces.filter((ns) => ns.kind === 'container').every((ns) => ns.source === 'observed'));
    assert.match(observed.stderr, /^helper observation on unix:.*: image local\/busybox/m);
    const mermaid = cli(['--helper', TEST_IMAGE]);
    assert.equal(mermaid.status, 0, mermaid.stderr);
    assert.match(mermaid.stdout, /^%% probe level: helper \(full\)$/m);
    const missing = cli(['--helper', 'local/dne-no-such-busybox:none']);
    assert.equal(missing.status, 1, missing.stderr);
    assert.match(missing.stderr, /local\/dne-no-such-busybox:none/);
    assert.doesNotMatch(missing.stderr, /Error:|^\s+at \S+ \(/m, 'a sentence, not a stack');
    assert.deepEqual(helpersOnNode(), []);
  });

  /** Runs the child client, waits for `event`, SIGKILLs it; returns the helper's id. */
  async function killChildAt(event: 'created' | 'started'): Promise<string> {
    const config = { host: node.host, image: TEST_IMAGE, sandboxes, mode: event };
    const proc = spawn(process.execPath, [child, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const line = await waitFor(`the child client ${event} its helper`, () => out.split('\n').find((text) => text.includes(`"${event}"`)), { timeoutMs: 30_000 });
    proc.kill('SIGKILL');
    await new Promise((resolve) => proc.once('exit', resolve));
    return String((JSON.parse(line) as { id: string }).id);
  }

  test('the reading process SIGKILLed between create and start: its helper stays, the next read sweeps it (0 left)', async () => {
    const id = await killChildAt('created');
    assert.deepEqual(helpersOnNode().map((short) => id.startsWith(short)), [true], 'the killed client could not remove its helper');
    await sleep(5500); // older than the sweep's few seconds
    await observe(nodeClient());
    await waitFor('no helper left', () => helpersOnNode().length === 0, { timeoutMs: 10_000 });
    assert.ok(logged.some((line) => line.includes(`removed 1 helper container(s) left by a client that is gone: ${id.slice(0, 12)}`)), logged.join('\n'));
  });

  test('the reading process SIGKILLed while its helper runs: after the next read, 0 left', async () => {
    await killChildAt('started');
    await sleep(5500);
    await observe(nodeClient());
    await waitFor('no helper left', () => helpersOnNode().length === 0, { timeoutMs: 10_000 });
  });

  test('the connection drops mid-read (the node\'s dockerd killed while the helper runs): lost; restarted, the next read leaves 0', async () => {
    const client = nodeClient();
    const start = client.startContainer.bind(client);
    client.startContainer = async (id: string) => {
      await start(id);
      node.kill();
    };
    await assert.rejects(observe(client), (error: unknown) => error instanceof HelperObservationError && error.failure === 'lost');
    await node.restart();
    await waitFor('the containers to run again', () => nodeDocker(node, ['ps', '-q', '--filter', `name=${PREFIX}`]).split('\n').filter(Boolean).length === 3, { timeoutMs: 30_000 });
    const left = helpersOnNode();
    console.log(`# helpers on the node after its restart, before the next read: ${left.length}`);
    sandboxes = await readSandboxes(nodeClient());
    const again = await observe(nodeClient());
    assert.equal(again.namespaces[0].name, 'host');
    await waitFor('no helper left', () => helpersOnNode().length === 0, { timeoutMs: 10_000 });
  });
});
