/**
 * Faults against the real parts (issue 16, reliability): the SSH server restarted under a live
 * session (sessions killed too), the TLS endpoint restarted, an event stream that stalls without
 * closing (a proxy in front of the real engine stops forwarding it), and a 1,000-operation outside
 * burst. Each time the session must come back by itself, equal to the engine, with its events
 * working, and without a storm of refreshes. The dockerd crash during a multi-step action is in
 * faultsCrash.test.ts (it needs an engine of its own).
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import { readInventory } from '../../src/engine/runNetworkActions';
import { parseDockerHost } from '../../src/model/connectionResolution';
import type { EngineTarget } from '../../src/model/connectionResolution';
import type { Inventory } from '../../src/model/inventory';
import { childrenOf, containerRoots, networkRoots, TreeFilter } from '../../src/model/treeModel';
import { createNetwork, docker, removeLabelled, runContainer, TEST_IMAGE } from '../support/dockerCli';
import { SshTestServer, startSshServer } from '../support/sshServer';
import { makeTlsMaterial, removeTlsMaterial, startTlsEndpoint, TlsEndpoint, TlsMaterial } from '../support/tlsEndpoint';
import { sleep, waitFor } from '../support/waitFor';

const PREFIX = 'dnef-';
const LABEL = 'dne.test.faults';
const ENGINE_SOCKET = '/var/run/docker.sock';

/** Counts the session's snapshots: each refresh lists the networks exactly once. */
function countSnapshots(client: EngineClient): { count: number } {
  const counter = { count: 0 };
  const list = client.listNetworks.bind(client);
  client.listNetworks = () => {
    counter.count++;
    return list();
  };
  return counter;
}

/** Network and container ids, sorted: the session's inventory and the engine's own lists. */
function idsOf(inventory: Inventory | undefined): string {
  return inventory ? JSON.stringify([inventory.networks.map((n) => n.id).sort(), inventory.containers.map((c) => c.id).sort()]) : 'no inventory';
}
function engineIds(): string {
  const lines = (args: string[]) => docker(args).split('\n').filter(Boolean).sort();
  return JSON.stringify([lines(['network', 'ls', '-q', '--no-trunc']), lines(['ps', '-aq', '--no-trunc'])]);
}

/** Waits until the session's inventory has exactly the engine's networks and containers (retrying: the engine is shared). */
async function equalsEngine(session: EngineSession): Promise<void> {
  await waitFor('the session to equal the engine', () => idsOf(session.inventory) === engineIds(), { timeoutMs: 15_000, intervalMs: 200, lastSeen: () => `${idsOf(session.inventory)} vs ${engineIds()}` });
}

/** Creates a network outside the session and waits until the session shows it; the latency in ms. */
async function outsideCreateShows(session: EngineSession, name: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  createNetwork(name, [], LABEL);
  await waitFor(`${name} in the session`, () => session.inventory?.networks.some((n) => n.name === name), { timeoutMs, intervalMs: 20 });
  return Date.now() - started;
}

/**
 * A unix-socket proxy in front of the engine. `freeze()` stalls the event streams open at that
 * moment: their sockets stay open but nothing more is forwarded to the client (a stuck proxy, a
 * half-open connection). Streams opened afterwards flow normally.
 */
class FreezingProxy {
  readonly socketPath: string;
  private readonly server: net.Server;
  private readonly eventStreams = new Set<{ frozen: boolean }>();
  private readonly sockets = new Set<net.Socket>();

  constructor(folder: string) {
    this.socketPath = path.join(folder, 'proxy.sock');
    this.server = net.createServer((client) => this.relay(client));
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.socketPath, resolve));
  }

  private relay(client: net.Socket): void {
    const upstream = net.connect(ENGINE_SOCKET);
    const state = { frozen: false };
    this.sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      // Keep-alive connections carry several requests: classify each one by its request line.
      const head = chunk.subarray(0, 200).toString('latin1');
      if (/^[A-Z]+ /.test(head)) {
        if (/^GET \S*\/events/.test(head)) {
          this.eventStreams.add(state);
        } else {
          this.eventStreams.delete(state);
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!state.frozen) {
        client.write(chunk);
      }
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.eventStreams.delete(state);
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }

  /** Stalls the event streams open now; returns how many. */
  freeze(): number {
    for (const stream of this.eventStreams) {
      stream.frozen = true;
    }
    return this.eventStreams.size;
  }

  close(): Promise<void> {
    this.sockets.forEach((socket) => socket.destroy());
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** One Engine API request on the local socket (the burst goes around the CLI: 1,000 processes would take minutes). */
function api(method: string, requestPath: string, body?: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const request = http.request(
      { socketPath: ENGINE_SOCKET, path: requestPath, method, headers: { 'Content-Type': 'application/json', ...(data ? { 'Content-Length': Buffer.byteLength(data) } : {}) } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => ((response.statusCode ?? 500) < 300 ? resolve() : reject(new Error(`${method} ${requestPath}: ${response.statusCode} ${text}`))));
      },
    );
    request.on('error', reject);
    if (data) {
      request.write(data);
    }
    request.end();
  });
}

/** Runs the operations, `width` at a time. */
async function inParallel(operations: (() => Promise<void>)[], width = 16): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < operations.length) {
        await operations[next++]();
      }
    }),
  );
}

/** What the two trees show of the objects whose names contain `text`: each root with its first-level children, by name. */
function shownTrees(inventory: Inventory, text: string): string[] {
  const filter: TreeFilter = { showStoppedContainers: true, showPredefinedNetworks: true, nameFilter: text };
  const nameOf = (id: string) => inventory.networkById.get(id)?.name ?? inventory.containerById.get(id)?.name ?? id;
  const lines: string[] = [];
  for (const root of networkRoots(inventory, filter)) {
    if (root.kind === 'network') {
      const children = childrenOf(inventory, root, filter).map((child) => (child.kind === 'endpoint' ? nameOf(child.containerId) : child.kind));
      lines.push(`network ${nameOf(root.networkId)}: ${children.sort().join(' ')}`);
    }
  }
  for (const root of containerRoots(inventory, filter)) {
    if (root.kind === 'container') {
      const children = childrenOf(inventory, root, filter).map((child) => (child.kind === 'membership' ? nameOf(child.networkId) : child.kind));
      lines.push(`container ${nameOf(root.containerId)}: ${children.sort().join(' ')}`);
    }
  }
  return lines.sort();
}

describe('faults against the real parts', () => {
  const sessions: EngineSession[] = [];
  const clients: EngineClient[] = [];
  let scratch: string;

  function open(target: EngineTarget, options: ConstructorParameters<typeof EngineClient>[2] = {}, eventCheckMs?: number) {
    const client = new EngineClient(target, 5000, options);
    const log: string[] = [];
    const session = new EngineSession(client, { debounceMs: 50, log: (line) => log.push(line), ...(eventCheckMs !== undefined ? { eventCheckMs } : {}) });
    clients.push(client);
    sessions.push(session);
    const snapshots = countSnapshots(client);
    const states: string[] = [];
    session.onDidChange(() => {
      if (states.at(-1) !== session.state.kind) {
        states.push(session.state.kind);
      }
    });
    return { client, session, log, snapshots, states };
  }

  before(() => {
    removeLabelled(LABEL);
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dne-faults-'));
  });

  after(() => {
    sessions.forEach((session) => session.dispose());
    clients.forEach((client) => client.dispose());
    removeLabelled(LABEL);
    rmSync(scratch, { recursive: true, force: true });
  });

  test('an event stream that stalls without closing: the change made during the stall shows within the check period', async () => {
    const proxy = new FreezingProxy(scratch);
    await proxy.listen();
    const CHECK_MS = 3000;
    try {
      const { session, log } = open({ source: 'setting', contextName: 'default', ...parseDockerHost(`unix://${proxy.socketPath}`) }, {}, CHECK_MS);
      await session.start();
      assert.equal(session.state.kind, 'connected');
      await outsideCreateShows(session, `${PREFIX}stall-before`, 3000);
      // A change in the very second the stream began may predate it (the log then says nothing): be past it.
      await sleep(1100);
      assert.equal(proxy.freeze(), 1, 'one event stream open, now stalled');
      const started = Date.now();
      createNetwork(`${PREFIX}stall-during`, [], LABEL);
      // The check comes CHECK_MS after the last event delivered (at least 1.1 s ago): not yet.
      await sleep(300);
      assert.equal(session.inventory?.networks.some((n) => n.name === `${PREFIX}stall-during`), false, 'the stalled stream delivered nothing');
      await waitFor('the change made during the stall', () => session.inventory?.networks.some((n) => n.name === `${PREFIX}stall-during`), { timeoutMs: CHECK_MS + 3000, intervalMs: 20 });
      const latency = Date.now() - started;
      console.log(`# change made during a stall shown after ${latency} ms (check period ${CHECK_MS} ms)`);
      assert.ok(latency <= CHECK_MS + 1500, `within the check period (+ debounce and a request): ${latency} ms`);
      assert.ok(log.some((line) => line.includes('stalled')), log.join('\n'));
      await equalsEngine(session);
      // Events flow again on the new stream.
      await outsideCreateShows(session, `${PREFIX}stall-after`, 1500);
    } finally {
      await proxy.close();
    }
  });

  test('sshd killed with its sessions and restarted: the session reconnects, equals the engine, events resume, no refresh storm', { skip: !existsSync('/usr/sbin/sshd') && 'openssh-server is not installed' }, async () => {
    let server: SshTestServer | undefined;
    const home = mkdtempSync(path.join(scratch, 'ssh-home-'));
    try {
      server = await startSshServer();
      mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
      copyFileSync(server.plainKey, path.join(home, '.ssh', 'id_ed25519'));
      const url = `ssh://${server.user}@127.0.0.1:${server.port}`;
      const prompts = { confirmHostKey: () => Promise.resolve(true), passphrase: () => Promise.resolve(undefined) };
      const { client, session, snapshots, states, log } = open({ source: 'setting', contextName: 'default', ...parseDockerHost(url) }, { sshFiles: { homeDir: home, agentSocket: '' }, sshPrompts: prompts });
      await session.start();
      // Known, reported separately: on a fresh SSH connection one of the first refresh's three
      // parallel requests may fail ("socket hang up"); the retry 0.5 s later connects.
      await waitFor('connected over SSH', () => session.state.kind === 'connected', { timeoutMs: 10_000, lastSeen: () => log.join('\n') });
      await outsideCreateShows(session, `${PREFIX}ssh-before`, 5000);
      const before = snapshots.count;
      const restarted = Date.now();
      await server.restart(1000);
      await waitFor('the session to lose the engine and come back', () => states.includes('unreachable') && session.state.kind === 'connected', { timeoutMs: 20_000, intervalMs: 50, lastSeen: () => states.join(' > ') });
      const back = Date.now() - restarted;
      await equalsEngine(session);
      const latency = await outsideCreateShows(session, `${PREFIX}ssh-after`, 5000);
      const during = snapshots.count - before;
      console.log(`# sshd restart (down 1 s): connected again after ${back} ms, ${during} snapshots through outage and reconnection, states ${states.join(' > ')}, SSH connections opened ${client.sshConnections.opened}, events again after ${latency} ms`);
      assert.ok(during <= 8, `no refresh storm: ${during} snapshots`);
      assert.equal(client.sshConnections.opened, 2, 'one SSH connection before, one after');
    } finally {
      await server?.stop();
    }
  });

  test('the TLS endpoint killed with its connections and restarted: the session reconnects, equals the engine, events resume, no refresh storm', async () => {
    let material: TlsMaterial | undefined;
    let endpoint: TlsEndpoint | undefined;
    try {
      material = makeTlsMaterial();
      endpoint = await startTlsEndpoint({ cert: material.serverCert, key: material.serverKey, ca: material.ca });
      const env = { PATH: process.env.PATH, HOME: scratch, DOCKER_HOST: `tcp://127.0.0.1:${endpoint.port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: material.clientFolder };
      const { session, snapshots, states, log } = open(resolveTarget(undefined, undefined, env));
      await session.start();
      assert.equal(session.state.kind, 'connected', log.join('\n'));
      await outsideCreateShows(session, `${PREFIX}tls-before`, 5000);
      const before = snapshots.count;
      const restarted = Date.now();
      await endpoint.restart(1000);
      await waitFor('the session to lose the engine and come back', () => states.includes('unreachable') && session.state.kind === 'connected', { timeoutMs: 20_000, intervalMs: 50, lastSeen: () => states.join(' > ') });
      const back = Date.now() - restarted;
      await equalsEngine(session);
      const latency = await outsideCreateShows(session, `${PREFIX}tls-after`, 5000);
      const during = snapshots.count - before;
      console.log(`# TLS endpoint restart (down 1 s): connected again after ${back} ms, ${during} snapshots through outage and reconnection, states ${states.join(' > ')}, events again after ${latency} ms`);
      assert.ok(during <= 8, `no refresh storm: ${during} snapshots`);
    } finally {
      await endpoint?.stop();
      if (material) {
        removeTlsMaterial(material);
      }
    }
  });

  test('a 1,000-operation outside burst leaves the trees equal to the engine, with far fewer snapshots than operations', async () => {
    const B = `${PREFIX}b-`;
    const runner = `${B}run`;
    runContainer(runner, [], LABEL);
    const { session, snapshots } = open(resolveTarget(undefined));
    await session.start();
    const before = snapshots.count;
    const labels = { [LABEL]: '1' };
    const operations: number[] = [];
    const phase = async (steps: (() => Promise<void>)[]) => {
      operations.push(steps.length);
      await inParallel(steps);
    };
    const started = Date.now();
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
    // 10 networks; the runner joins all 10, leaves 5 of them, which are removed; 330 created
    // containers on the 5 that stay, renamed, then 310 of them removed.
    await phase(range(0, 10).map((i) => () => api('POST', '/networks/create', { Name: `${B}n${i}`, Labels: labels, CheckDuplicate: true, IPAM: { Config: [{ Subnet: `10.213.${i}.0/24` }] } })));
    await phase([
      ...range(0, 10).map((i) => () => api('POST', `/networks/${B}n${i}/connect`, { Container: runner })),
      ...range(0, 330).map((i) => () => api('POST', `/containers/create?name=${B}c${i}`, { Image: TEST_IMAGE, Cmd: ['true'], Labels: labels, HostConfig: { NetworkMode: `${B}n${i % 5}` } })),
    ]);
    await phase([
      ...range(5, 10).map((i) => () => api('POST', `/networks/${B}n${i}/disconnect`, { Container: runner })),
      ...range(0, 330).map((i) => () => api('POST', `/containers/${B}c${i}/rename?name=${B}r${i}`)),
    ]);
    await phase([...range(5, 10).map((i) => () => api('DELETE', `/networks/${B}n${i}`)), ...range(0, 310).map((i) => () => api('DELETE', `/containers/${B}r${i}`))]);
    const total = operations.reduce((sum, count) => sum + count, 0);
    assert.equal(total, 1000);
    const burstMs = Date.now() - started;
    // What the trees show, against what a fresh read of the engine shows through the same tree model.
    let expected: string[] = [];
    const fresh = new EngineClient(resolveTarget(undefined));
    await waitFor(
      'the trees to equal the engine',
      async () => {
        expected = shownTrees(await readInventory(fresh), B);
        return session.inventory !== undefined && JSON.stringify(shownTrees(session.inventory, B)) === JSON.stringify(expected);
      },
      { timeoutMs: 10_000, intervalMs: 100, lastSeen: () => JSON.stringify(session.inventory ? shownTrees(session.inventory, B) : []) },
    );
    const taken = snapshots.count - before;
    console.log(`# 1,000 outside operations in ${burstMs} ms: ${taken} snapshots; trees equal to the engine`);
    // The known end state, as the docker CLI says it.
    const kept = range(0, 5).map((i) => `${B}n${i}`);
    assert.deepEqual(docker(['network', 'ls', '--filter', `name=${B}n`, '--format', '{{.Name}}']).split('\n').filter(Boolean).sort(), kept);
    assert.deepEqual(Object.keys(JSON.parse(docker(['inspect', '--format', '{{json .NetworkSettings.Networks}}', runner]))).filter((n) => n.startsWith(B)).sort(), kept);
    const remaining = range(310, 330).map((i) => `${B}r${i}`);
    assert.deepEqual(docker(['ps', '-a', '--filter', `name=${B}`, '--format', '{{.Names}}']).split('\n').filter((n) => n && n !== runner).sort(), remaining.sort());
    assert.equal(expected.filter((line) => /^container \S+-r\d+: /.test(line)).length, 20);
    // The runner is on the default bridge too (it was started there).
    assert.equal(expected.find((line) => line.startsWith(`container ${runner}: `)), `container ${runner}: ${['bridge', ...kept].sort().join(' ')}`);
    // Bounded by the burst's length over the debounce window, not by the number of operations.
    assert.ok(taken < 150, `coalesced: ${taken} snapshots for 1,000 operations`);
  });
});
