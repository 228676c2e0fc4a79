/**
 * Capture Packets' local path against the real engine (run on Docker 20.10 and, through
 * scripts/engine28.sh, on 28): two containers the test made on a network of its own, the host's
 * tcpdump in A's namespace through our runner, and what tcpdump itself reads back from the file
 * (`tcpdump -r -nn`) as the reference:
 *  - pings captured on A with a count limit: echo requests and replies between A's and B's
 *    addresses in the file, and our decoded lines agree with tcpdump's;
 *  - a wrong BPF filter is refused by tcpdump's compiler before anything runs (no capturing
 *    tcpdump is ever started, no file written);
 *  - a capture stopped early leaves a valid pcap (tcpdump reads it, as many packets as it counted)
 *    and no tcpdump process;
 *  - a flood (busybox dd | nc) is decoded as fast as tcpdump writes it, with the lines kept in
 *    memory bounded; the figure is printed;
 *  - the CLI's exit codes (limit 0, Ctrl-C 0 with counts, unknown target 2, bad filter 2, engine
 *    that does not answer 2).
 * Traffic only between A and B. Everything carries the label dne.test.capture and is removed.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chooseCaptureRunner } from '../../src/engine/capture/captureRunner';
import type { CaptureRunner } from '../../src/engine/capture/captureRunner';
import { followCapture } from '../../src/engine/capture/captureSession';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import type { CaptureSpec } from '../../src/model/capture/types';
import { createNetwork, docker, removeLabelled, runContainer } from '../support/dockerCli';
import { descendants } from '../support/processes';
import { waitFor } from '../support/waitFor';

const root = path.join(__dirname, '..', '..', '..');
const LABEL = 'dne.test.capture';
const suffix = process.pid.toString(36);
const NET = `dne-cap-net-${suffix}`;
const A = `dne-cap-a-${suffix}`;
const B = `dne-cap-b-${suffix}`;

function tcpdumpRead(file: string): { code: number | null; lines: string[] } {
  const result = spawnSync('tcpdump', ['-r', file, '-nn'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  return { code: result.status, lines: result.stdout.split('\n').filter(Boolean) };
}

/** tcpdump processes started by this test process (its descendants), with their arguments. */
/**
 * Whether one of our tcpdumps has its packet socket open (it captures from then on): a socket among
 * its open files that its namespace's /proc/net/packet lists. The process alone exists earlier, and
 * pings sent before the socket opens are never seen (the count limit then waits for ever).
 */
function tcpdumpCapturing(): boolean {
  for (const pid of descendants(process.pid)) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\u0000').some((arg) => path.basename(arg) === 'tcpdump')) continue;
      const sockets = new Set(readdirSync(`/proc/${pid}/fd`).map((fd) => { try { return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]; } catch { return undefined; } }).filter(Boolean));
      const packet = readFileSync(`/proc/${pid}/net/packet`, 'utf8').split('\n').slice(1);
      if (packet.some((line) => sockets.has(line.trim().split(/\s+/).pop()))) return true;
    } catch {
      // Gone, or not ours to read: not capturing.
    }
  }
  return false;
}

function ourTcpdumps(): string[][] {
  return descendants(process.pid)
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\u0000').filter(Boolean);
      } catch {
        return [];
      }
    })
    .filter((argv) => argv.some((arg) => path.basename(arg) === 'tcpdump'));
}

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: '' } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('capture on the real engine (host tcpdump in the container namespace)', { skip: process.getuid?.() === 0 ? false : 'needs root' }, () => {
  let client: EngineClient;
  let session: EngineSession;
  let folder: string;
  let addressA: string;
  let addressB: string;

  const spec = (change: Partial<CaptureSpec>): CaptureSpec => ({ target: { kind: 'container', containerId: A, containerName: A, interface: 'eth0' }, file: path.join(folder, 'x.pcap'), ...change });
  async function runner(capture: CaptureSpec): Promise<CaptureRunner> {
    const choice = await chooseCaptureRunner(capture, { api: client, target: client.target, isLocal: session.isLocal });
    assert.ok(choice.runner, `local runner refused: ${choice.reason}`);
    return choice.runner;
  }

  before(async () => {
    removeLabelled(LABEL);
    folder = mkdtempSync(path.join(os.tmpdir(), 'dne-capture-'));
    createNetwork(NET, ['--subnet', '10.252.31.0/24'], LABEL);
    runContainer(A, ['--network', NET], LABEL);
    runContainer(B, ['--network', NET], LABEL);
    addressA = docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${NET}").IPAddress}}`, A]);
    addressB = docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${NET}").IPAddress}}`, B]);
    client = new EngineClient(resolveTarget(undefined, undefined), 10_000);
    session = new EngineSession(client, { debounceMs: 0, watch: false });
    await session.start();
  });
  after(() => {
    session?.dispose();
    client?.dispose();
    removeLabelled(LABEL);
    rmSync(folder, { recursive: true, force: true });
  });

  test('pings captured on A (count limit): tcpdump -r reads echo requests and replies A <-> B, and our lines agree', async () => {
    const capture = spec({ filter: 'icmp', count: 6, file: path.join(folder, 'pings.pcap') });
    const followed = followCapture(await (await runner(capture)).start(), { file: capture.file });
    await waitFor('tcpdump listening', () => tcpdumpCapturing());
    docker(['exec', A, 'ping', '-c', '3', addressB]);
    const summary = await followed.done;
    assert.equal(summary.end, 'count');
    assert.equal(summary.counts?.captured, 6);
    const read = tcpdumpRead(capture.file);
    assert.equal(read.code, 0);
    assert.equal(read.lines.filter((line) => line.includes(`IP ${addressA} > ${addressB}: ICMP echo request`)).length, 3, read.lines.join('\n'));
    assert.equal(read.lines.filter((line) => line.includes(`IP ${addressB} > ${addressA}: ICMP echo reply`)).length, 3);
    const ours = followed.keptLines();
    assert.equal(ours.length, read.lines.length);
    ours.forEach((packet, index) => {
      const theirs = /IP (\S+) > (\S+): ICMP (echo (?:request|reply)), id (\d+), seq (\d+)/.exec(read.lines[index]);
      assert.ok(theirs, read.lines[index]);
      assert.deepEqual([packet.source, packet.destination, packet.protocol], [theirs[1], theirs[2], 'ICMP']);
      assert.ok(packet.summary.startsWith(`${theirs[3]}, id ${theirs[4]}, seq ${theirs[5]}`), `${packet.summary} vs ${read.lines[index]}`);
    });
  });

  test('a wrong BPF filter is refused by tcpdump before anything runs: no capturing tcpdump, no file', async () => {
    const capture = spec({ filter: 'tcp port', count: 1, file: path.join(folder, 'refused.pcap') });
    assert.match((await (await runner(capture)).checkFilter('tcp port')) ?? '', /can't parse filter expression: syntax error/);
    assert.equal(await (await runner(capture)).checkFilter('icmp or tcp port 80'), undefined);
    // The CLI, watched while it runs: a tcpdump with -d (the compiler) may appear, never one that captures.
    const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'capture', A, '--filter', 'tcp port', '--count', '1', '--write', capture.file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const seen: string[][] = [];
    const watch = setInterval(() => seen.push(...ourTcpdumps()), 5);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(watch);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /tcpdump refuses this filter: can't parse filter expression: syntax error/);
    assert.deepEqual(seen.filter((argv) => !argv.includes('-d')), []);
    assert.equal(existsSync(capture.file), false);
  });

  test('a capture stopped early leaves a valid pcap and no tcpdump process', async () => {
    const capture = spec({ file: path.join(folder, 'stopped.pcap') });
    const followed = followCapture(await (await runner(capture)).start(), { file: capture.file, batchMs: 50 });
    await waitFor('tcpdump running', () => ourTcpdumps().length === 1);
    docker(['exec', '-d', A, 'ping', '-c', '30', '-i', '0.2', addressB]);
    await waitFor('a few packets decoded', () => followed.total >= 4, { timeoutMs: 15_000 });
    await followed.stop();
    const summary = await followed.done;
    assert.equal(summary.end, 'stopped');
    assert.ok(summary.counts && summary.counts.captured >= 4, JSON.stringify(summary));
    const read = tcpdumpRead(capture.file);
    assert.equal(read.code, 0);
    assert.equal(read.lines.length, summary.counts.captured);
    assert.equal(summary.decoded, summary.counts.captured);
    assert.deepEqual(ourTcpdumps(), []);
  });

  test('a flood (dd | nc, 64 MB) is decoded as fast as tcpdump writes it, with bounded lines in memory', async () => {
    const capture = spec({ filter: 'tcp port 7001', file: path.join(folder, 'flood.pcap') });
    const kept = 2_000;
    let batches = 0;
    let firstPacket: number | undefined;
    const followed = followCapture(await (await runner(capture)).start(), {
      file: capture.file,
      keptLines: kept,
      onBatch: (batch) => {
        batches += 1;
        firstPacket ??= batch.packets[0]?.timestamp;
      },
    });
    await waitFor('tcpdump running', () => ourTcpdumps().length === 1);
    // busybox nc ends the connection when its stdin ends: keep the listener's open.
    docker(['exec', '-d', B, 'sh', '-c', 'sleep 30 | nc -l -p 7001 > /dev/null']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const heapBefore = process.memoryUsage().heapUsed;
    const started = process.hrtime.bigint();
    // Not execFileSync: the event loop must go on reading tcpdump's pipe while the flood runs.
    const flood = spawn('docker', ['exec', A, 'sh', '-c', `busybox dd if=/dev/zero bs=65536 count=1024 2>/dev/null | nc -w 2 ${addressB} 7001`], { stdio: 'ignore' });
    await new Promise((resolve) => flood.on('close', resolve));
    await waitFor('the stream drained', async () => {
      const before = followed.total;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return followed.total === before;
    });
    await followed.stop();
    const summary = await followed.done;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const heapAfter = process.memoryUsage().heapUsed;
    const counts = summary.counts!;
    // The flood's own duration, from the first to the last packet tcpdump stamped (nc idles 2 s after).
    const lastPacket = followed.keptLines().at(-1)?.timestamp ?? 0;
    const wireSeconds = Math.max(1e-3, lastPacket - (firstPacket ?? lastPacket));
    console.log(
      `flood: ${counts.captured} packets captured, ${counts.droppedByKernel} dropped by the kernel, ${summary.decoded} decoded, ` +
        `${(summary.bytes / 1e6).toFixed(1)} MB of pcap in ${wireSeconds.toFixed(2)} s on the wire ` +
        `(${Math.round(summary.decoded / wireSeconds)} packets/s, ${(summary.bytes / 1e6 / wireSeconds).toFixed(1)} MB/s); all done in ${seconds.toFixed(2)} s; ${batches} view batches; ` +
        `lines kept ${followed.keptLines().length}; heap ${((heapAfter - heapBefore) / 1e6).toFixed(1)} MB more`,
    );
    assert.ok(counts.captured > 1_000, `a flood: ${counts.captured} packets`);
    assert.equal(summary.decoded, counts.captured, 'every packet tcpdump wrote was decoded');
    assert.equal(followed.keptLines().length, kept);
    assert.ok(batches < summary.decoded / 10, `${batches} batches for ${summary.decoded} packets`);
    assert.equal(tcpdumpRead(capture.file).lines.length, counts.captured);
  });

  test("the CLI: 0 at its limit, 0 on Ctrl-C with tcpdump's counts, 2 for an unknown target or an engine that does not answer", async () => {
    const file = path.join(folder, 'cli.pcap');
    const ping = spawn('docker', ['exec', A, 'ping', '-c', '8', '-i', '0.3', addressB], { stdio: 'ignore' });
    const limited = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'capture', A, '--interface', 'eth0', '--filter', 'icmp', '--count', '4', '--write', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('close', (code) => resolve({ code, out, err }));
    });
    assert.equal(limited.code, 0, limited.err);
    assert.equal(limited.out.split('\n').filter((line) => line.includes(`${addressA} -> ${addressB} ICMP`) && line.includes('echo request')).length, 2, limited.out);
    assert.match(limited.err, /Ended at its packet limit\. 4 packets captured, 0 dropped by the kernel\./);
    await new Promise((resolve) => ping.on('close', resolve));

    const interrupted = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'capture', A, '--write', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    interrupted.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    await waitFor('the CLI capturing', () => descendants(interrupted.pid!).length > 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    interrupted.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => interrupted.on('close', resolve));
    assert.equal(code, 0, err);
    assert.match(err, /Stopped\. \d+ packets captured, \d+ dropped by the kernel\./);
    assert.equal(tcpdumpRead(file).code, 0);

    const unknown = cli(['capture', `dne-cap-missing-${suffix}`, '--count', '1', '--write', file]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /is neither a container of this engine nor an interface of this host/);
    const noEngine = cli(['capture', A, '--count', '1', '--write', file, '--host', `unix://${folder}/missing.sock`]);
    assert.equal(noEngine.code, 2, noEngine.err);
    const usage = cli(['capture', A, '--count', '1']);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /capture needs --write FILE\.pcap/);
    execFileSync('true');
  });
});
