/**
 * Capture through a helper container on a real engine (Docker 20.10 here, 28 in its box): tcpdump
 * in `local/tcpdump` (built from the host's tcpdump, test/support/tcpdumpImage.ts) joined to one
 * test container, its pcap streamed back over the engine connection — the local socket (as root,
 * and as a user who is not root), the private OpenSSH server and the TLS endpoint — and read back
 * with `tcpdump -r`: the echo requests and replies of a ping to a second test container, with their
 * addresses. Then: no helper container left after a normal end, after a stop mid-capture, and after
 * the client process is SIGKILLed (a later start sweeps it); a missing image and a Never consent
 * refuse with their sentence and create nothing.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import type { EngineClientOptions } from '../../src/engine/engineClient';
import { checkHelperFilter, HelperCaptureError, helperCaptureRunners, startHelperCapture } from '../../src/engine/captureHelper';
import type { HelperCapture, HelperCaptureOptions } from '../../src/engine/captureHelper';
import { helperConsentKey } from '../../src/engine/helperConsent';
import type { CaptureSpec } from '../../src/model/capture/types';
import { englishTranslator } from '../../src/messages/translator';
import { runScriptAsUser } from '../support/asUser';
import { createNetwork, docker, removeLabelled, runContainer } from '../support/dockerCli';
import { startSshServer } from '../support/sshServer';
import type { SshTestServer } from '../support/sshServer';
import { makeTlsMaterial, removeTlsMaterial, startTlsEndpoint } from '../support/tlsEndpoint';
import type { TlsEndpoint, TlsMaterial } from '../support/tlsEndpoint';
import { ensureTcpdumpImage } from '../support/tcpdumpImage';
import { sleep, waitFor } from '../support/waitFor';

const LABEL = 'dne.test.capturehelper';
const PREFIX = `dne-caphelp-${process.pid.toString(36)}-`;
/** A user who is not root but may use the engine's socket (the docker group), as most Docker users are. */
const DOCKER_USER = 'dne-docker-user';
const child = path.join(__dirname, 'captureHelperChild.js');

/** Every helper container on the engine (any state), as the docker CLI lists them. */
const helpers = (filter = 'label=io.github.dne.helper') => docker(['ps', '-a', '-q', '--filter', filter]).split('\n').filter(Boolean);

function tcpdumpRead(pcap: Buffer, folder: string): string[] {
  const file = path.join(folder, `read-${Math.random().toString(36).slice(2)}.pcap`);
  writeFileSync(file, pcap);
  const result = spawnSync('tcpdump', ['-r', file, '-nn'], { encoding: 'utf8' });
  assert.equal(result.status, 0, `tcpdump -r: ${result.stderr}`);
  return result.stdout.trim().split('\n').filter(Boolean);
}

function ensureDockerUser(): boolean {
  if (spawnSync('id', [DOCKER_USER], { stdio: 'ignore' }).status !== 0) {
    if (spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--groups', 'docker', DOCKER_USER], { stdio: 'ignore' }).status !== 0) {
      return false;
    }
  }
  return spawnSync('runuser', ['-u', DOCKER_USER, '--', 'test', '-w', '/var/run/docker.sock'], { stdio: 'ignore' }).status === 0;
}

describe('capture through a helper container', { skip: !existsSync('/usr/bin/tcpdump') && !existsSync('/usr/sbin/tcpdump') && 'no tcpdump on this machine (scripts/ensure-system.sh installs it)' }, () => {
  let image: string;
  let from: { id: string; name: string; ip: string };
  let to: { name: string; ip: string };
  let folder: string;
  let ssh: SshTestServer;
  let material: TlsMaterial;
  let tls: TlsEndpoint;
  const clients: EngineClient[] = [];

  const client = (host: string, options: EngineClientOptions = {}, env: NodeJS.ProcessEnv = { DOCKER_CONFIG: folder }) => {
    const made = new EngineClient(resolveTarget(host, undefined, env), 30_000, options);
    clients.push(made);
    return made;
  };
  const options = (extra: Partial<HelperCaptureOptions> = {}): HelperCaptureOptions => ({ image, engineLabel: 'test engine', l10n: englishTranslator, ...extra });
  const spec = (extra: Partial<CaptureSpec> = {}): CaptureSpec => ({ target: { kind: 'container', containerId: from.id, containerName: from.name, interface: 'eth0' }, filter: 'icmp', file: '/dev/null', ...extra });

  /** Starts a capture of 4 ICMP packets, pings, and checks the pcap with tcpdump -r and that no helper is left. */
  async function captureOnePing(engine: EngineClient): Promise<void> {
    const capture = await startHelperCapture(engine, spec({ count: 4 }), options());
    const chunks: Buffer[] = [];
    capture.onPcap((chunk) => chunks.push(Buffer.from(chunk)));
    await capture.listening;
    assert.deepEqual(helpers(`name=${capture.helperName}`).length, 1, 'the helper runs while capturing');
    docker(['exec', from.name, 'ping', '-c', '2', to.ip]);
    const ended = await capture.done;
    assert.deepEqual({ end: ended.end, counts: ended.counts, error: ended.error }, { end: 'count', counts: { captured: 4, receivedByFilter: 4, droppedByKernel: 0 }, error: undefined });
    const lines = tcpdumpRead(Buffer.concat(chunks), folder);
    assert.equal(lines.filter((line) => line.includes(`IP ${from.ip} > ${to.ip}: ICMP echo request`)).length, 2, lines.join('\n'));
    assert.equal(lines.filter((line) => line.includes(`IP ${to.ip} > ${from.ip}: ICMP echo reply`)).length, 2, lines.join('\n'));
    await waitFor('the helper removed', () => helpers(`name=${capture.helperName}`).length === 0, { timeoutMs: 10_000 });
  }

  before(async () => {
    image = ensureTcpdumpImage();
    folder = mkdtempSync(path.join(os.tmpdir(), 'dne-caphelp-'));
    const network = `${PREFIX}net`;
    createNetwork(network, [], LABEL);
    from = { id: runContainer(`${PREFIX}a`, ['--network', network], LABEL), name: `${PREFIX}a`, ip: '' };
    runContainer(`${PREFIX}b`, ['--network', network], LABEL);
    const ipOf = (name: string) => docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name]);
    from.ip = ipOf(from.name);
    to = { name: `${PREFIX}b`, ip: ipOf(`${PREFIX}b`) };
  });

  after(async () => {
    clients.forEach((made) => made.dispose());
    // The helpers this file made (its own containers' namespaces); never another process's.
    for (const id of helpers()) {
      const mode = docker(['inspect', '-f', '{{.HostConfig.NetworkMode}}', id], { allowFailure: true });
      if (mode === `container:${from?.id}`) {
        docker(['rm', '-f', id], { allowFailure: true });
      }
    }
    removeLabelled(LABEL);
    await ssh?.stop();
    await tls?.stop();
    if (material) {
      removeTlsMaterial(material);
    }
    rmSync(folder, { recursive: true, force: true });
  });

  test('local socket, as root: the pings are in the pcap, with their addresses; no helper left', async () => {
    await captureOnePing(client('unix:///var/run/docker.sock'));
  });

  test('local socket, as a user who is not root (docker group): the same capture, no root anywhere on the client', { skip: process.getuid?.() !== 0 && 'needs root to add the test user' }, () => {
    assert.ok(ensureDockerUser(), `the test user ${DOCKER_USER} can use the engine socket`);
    const config = { host: 'unix:///var/run/docker.sock', image, containerId: from.id, containerName: from.name, peerIp: to.ip, mode: 'ping' };
    const result = runScriptAsUser(child, [JSON.stringify(config)], { user: DOCKER_USER });
    const events = result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    const listening = events.find((event) => event.event === 'listening');
    const done = events.find((event) => event.event === 'done');
    assert.ok(listening && done, `${result.stdout}\n${result.stderr}`);
    assert.notEqual(listening.uid, 0, 'the client ran without root');
    assert.deepEqual({ ping: done.ping, end: done.end, counts: done.counts }, { ping: 0, end: 'count', counts: { captured: 4, receivedByFilter: 4, droppedByKernel: 0 } });
    const lines = tcpdumpRead(Buffer.from(String(done.pcap), 'base64'), folder);
    assert.equal(lines.filter((line) => line.includes(`IP ${from.ip} > ${to.ip}: ICMP echo request`)).length, 2, lines.join('\n'));
    assert.equal(lines.filter((line) => line.includes(`IP ${to.ip} > ${from.ip}: ICMP echo reply`)).length, 2, lines.join('\n'));
    assert.deepEqual(helpers(`name=${String(listening.helperName)}`), []);
  });

  test('over SSH (the private OpenSSH server): the pcap streams back through the SSH channel', { skip: !existsSync('/usr/sbin/sshd') && 'openssh-server is not installed' }, async () => {
    ssh = await startSshServer();
    const home = path.join(folder, 'home');
    mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    copyFileSync(ssh.plainKey, path.join(home, '.ssh', 'id_ed25519'));
    const accept = { confirmHostKey: () => Promise.resolve(true), passphrase: () => Promise.resolve(undefined) };
    await captureOnePing(client(`ssh://${ssh.user}@127.0.0.1:${ssh.port}`, { sshPrompts: accept, sshFiles: { homeDir: home, agentSocket: '' } }));
  });

  test('over TLS (the socat endpoint, client certificate): the pcap streams back through TLS', async () => {
    material = makeTlsMaterial();
    tls = await startTlsEndpoint({ cert: material.serverCert, key: material.serverKey, ca: material.ca });
    await captureOnePing(client('', {}, { DOCKER_HOST: `tcp://127.0.0.1:${tls.port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: material.clientFolder, DOCKER_CONFIG: folder }));
  });

  test('the command line as a user who is not root: capture --helper IMAGE writes the pcap and the decoded lines, exit 0; without --helper nothing runs on the engine', { skip: process.getuid?.() !== 0 && 'needs root to add the test user' }, async () => {
    assert.ok(ensureDockerUser(), `the test user ${DOCKER_USER} can use the engine socket`);
    // The built CLI and a Node binary that user can read and run (the checkout may sit where only root enters).
    const place = path.join(folder, 'cli-as-user');
    mkdirSync(place, { mode: 0o777 });
    chmodSync(folder, 0o755);
    chmodSync(place, 0o777);
    copyFileSync(path.join(__dirname, '..', '..', '..', 'dist', 'cli.js'), path.join(place, 'cli.js'));
    chmodSync(path.join(place, 'cli.js'), 0o644);
    const node = [process.execPath, '/usr/bin/node'].find((candidate) => spawnSync('runuser', ['-u', DOCKER_USER, '--', candidate, '--version'], { stdio: 'ignore' }).status === 0);
    assert.ok(node, 'a Node binary the test user can run');
    const env = { ...process.env, DOCKER_HOST: 'unix:///var/run/docker.sock', DOCKER_CONFIG: place, LANG: 'C.UTF-8', LC_ALL: '' };
    const file = path.join(place, 'cli.pcap');
    const args = ['capture', from.name, '--interface', 'eth0', '--filter', 'icmp', '--count', '4', '--write', file];
    const helpersBefore = helpers().length;
    const refused = spawnSync('runuser', ['-u', DOCKER_USER, '--', node, path.join(place, 'cli.js'), ...args], { env, cwd: place, encoding: 'utf8', timeout: 60_000 });
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, /root/, 'says the local capture needs root');
    assert.equal(helpers().length, helpersBefore, 'no helper without --helper');
    const proc = spawn('runuser', ['-u', DOCKER_USER, '--', node, path.join(place, 'cli.js'), ...args, '--helper', image], { env, cwd: place, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    await waitFor('the CLI helper started', () => /helper dne-helper-capture-\w+ \(\w+\) started/.test(err), { timeoutMs: 30_000 });
    await sleep(1000); // tcpdump opens its socket just after the container starts
    docker(['exec', from.name, 'ping', '-c', '2', to.ip]);
    assert.equal(await exited, 0, err);
    const lines = tcpdumpRead(readFileSync(file), folder);
    assert.equal(lines.filter((line) => line.includes(`IP ${from.ip} > ${to.ip}: ICMP echo request`)).length, 2, lines.join('\n'));
    assert.equal(lines.filter((line) => line.includes(`IP ${to.ip} > ${from.ip}: ICMP echo reply`)).length, 2, lines.join('\n'));
    assert.equal(out.split('\n').filter((line) => line.includes(from.ip) && line.includes(to.ip)).length, 4, `decoded lines on stdout:\n${out}`);
    assert.equal(helpers().length, helpersBefore, 'its helper removed');
  });

  test('stopped mid-capture: a valid pcap, the end says stopped with the counts, no helper left', async () => {
    const capture: HelperCapture = await startHelperCapture(client('unix:///var/run/docker.sock'), spec(), options());
    const chunks: Buffer[] = [];
    capture.onPcap((chunk) => chunks.push(Buffer.from(chunk)));
    await capture.listening;
    docker(['exec', from.name, 'ping', '-c', '1', to.ip]);
    await capture.stop();
    await capture.stop(); // twice is safe
    const ended = await capture.done;
    assert.equal(ended.end, 'stopped');
    assert.equal(ended.counts?.captured, 2, 'the request and the reply');
    assert.equal(tcpdumpRead(Buffer.concat(chunks), folder).length, 2);
    assert.deepEqual(helpers(`name=${capture.helperName}`), []);
  });

  test('a time limit ends it (duration), the helper removed', async () => {
    const capture = await startHelperCapture(client('unix:///var/run/docker.sock'), spec({ durationSeconds: 1 }), options());
    const ended = await capture.done;
    assert.equal(ended.end, 'duration');
    assert.equal(ended.counts?.droppedByKernel, 0);
    assert.deepEqual(helpers(`name=${capture.helperName}`), []);
  });

  test('the client SIGKILLed mid-capture: its helper stays until a later start sweeps it', async () => {
    const config = { host: 'unix:///var/run/docker.sock', image, containerId: from.id, containerName: from.name, peerIp: to.ip, mode: 'hang' };
    const proc = spawn(process.execPath, [child, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const line = await waitFor('the child capture listening', () => out.split('\n').find((text) => text.includes('"listening"')), { timeoutMs: 30_000 });
    const helperName = String((JSON.parse(line) as { helperName: string }).helperName);
    proc.kill('SIGKILL');
    await new Promise((resolve) => proc.once('exit', resolve));
    await sleep(1500);
    assert.equal(helpers(`name=${helperName}`).length, 1, 'the killed client could not remove its helper');
    await sleep(4500); // older than the sweep's few seconds
    await captureOnePing(client('unix:///var/run/docker.sock'));
    assert.deepEqual(helpers(`name=${helperName}`), [], 'the next start swept it');
  });

  test('a missing image refuses with the sentence naming the setting, and creates nothing', async () => {
    const before = helpers().length;
    await assert.rejects(
      startHelperCapture(client('unix:///var/run/docker.sock'), spec({ count: 1 }), options({ image: 'local/dne-no-such-tcpdump:none' })),
      (error: unknown) => error instanceof HelperCaptureError && /has no image local\/dne-no-such-tcpdump:none \(setting dockerNetworks\.capture\.helperImage\)/.test(error.message),
    );
    await assert.rejects(startHelperCapture(client('unix:///var/run/docker.sock'), spec({ count: 1 }), options({ image: '' })), /Set dockerNetworks\.capture\.helperImage/);
    assert.equal(helpers().length, before);
  });

  test('Never for this engine refuses with its sentence before anything reaches the engine; a dismissed question runs nothing; Allow once runs', async () => {
    const engine = client('unix:///var/run/docker.sock');
    const stored = new Map<string, unknown>([[helperConsentKey(engine.target), 'never']]);
    const store = { get: (key: string) => stored.get(key), update: (key: string, value: unknown) => (stored.set(key, value), Promise.resolve()) };
    let asked = 0;
    const runners = (answer: 'once' | undefined) => helperCaptureRunners(engine, { ...options(), consent: store, ask: () => (asked++, Promise.resolve(answer)) });
    const callsBefore = engine.apiCallCount;
    const helpersBefore = helpers().length;
    await assert.rejects(runners('once')(spec({ count: 1 })), /Helper containers are refused on the engine test engine \(you chose Never\): nothing was run there/);
    assert.equal(asked, 0, 'not asked again');
    stored.clear();
    assert.equal(await runners(undefined)(spec({ count: 1 })), undefined);
    assert.equal(asked, 1);
    assert.equal(engine.apiCallCount, callsBefore, 'no request reached the engine');
    assert.equal(helpers().length, helpersBefore);
    const runner = await runners('once')(spec({ count: 4 }));
    assert.equal(runner?.method, 'helper');
    assert.match((await runner.checkFilter('icmp and hots 10.0.0.1')) ?? '', /syntax error/);
    assert.equal(await runner.checkFilter('icmp'), undefined);
    const capture = await runner.start();
    const chunks: Buffer[] = [];
    capture.onPcap((chunk) => chunks.push(Buffer.from(chunk)));
    await (capture as HelperCapture).listening;
    docker(['exec', from.name, 'ping', '-c', '2', to.ip]);
    assert.equal((await capture.done).end, 'count');
    assert.equal(tcpdumpRead(Buffer.concat(chunks), folder).length, 4);
  });

  test('a wrong filter is refused by tcpdump\'s own compiler before anything runs (host tcpdump); a good one passes', async () => {
    const engine = client('unix:///var/run/docker.sock');
    const before = helpers().length;
    await assert.rejects(checkHelperFilter(engine, spec({ filter: 'icmp and hots 10.0.0.1' }), options()), /tcpdump refuses this filter: .*syntax error/);
    assert.equal(await checkHelperFilter(engine, spec({ filter: 'icmp and host 10.0.0.1' }), options()), 'host');
    assert.equal(helpers().length, before);
  });
});

