/**
 * Records the packet decoder's fixture from the real engine: two containers on a network of their
 * own (IPv4 and IPv6), and three tcpdumps running at once in A's namespace while A sends ARP,
 * pings (IPv4 and IPv6), a TCP exchange with busybox nc, and DNS questions to Docker's embedded DNS
 * (only names of this network: nothing leaves the machine):
 *  - `eth0`: Ethernet, microsecond timestamps;
 *  - `any-sll2`: `-i any` (the Linux cooked header v2), nanosecond timestamps (lo shows the DNS);
 *  - `any-sll`: `-i any -y LINUX_SLL` (the cooked header v1).
 * Each pcap is stored with what `tcpdump -r FILE -nn -tt -S` prints for it: the unit test decodes
 * the bytes and compares line by line. Writes test/fixtures/capture/packets.json, then removes
 * everything it made (also on failure).
 *
 *   npx tsc -p test/tsconfig.json && node out/scripts/recordCaptureFixtures.js
 *
 * Never edit the JSON by hand: re-record it.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createNetwork, docker, engineGet, removeLabelled, runContainer } from '../test/support/dockerCli';

const LABEL = 'dne.test.capturefixture';
const suffix = process.pid.toString(36);
const NETWORK = `dne-capfix-${suffix}`;
const A = `dne-capfix-a-${suffix}`;
const B = `dne-capfix-b-${suffix}`;

const CAPTURES: Array<{ name: string; args: string[] }> = [
  { name: 'eth0', args: ['-i', 'eth0'] },
  { name: 'any-sll2', args: ['-i', 'any', '--time-stamp-precision=nano'] },
  { name: 'any-sll', args: ['-i', 'any', '-y', 'LINUX_SLL'] },
];

/** Filters tcpdump's compiler refuses, and what it says (`tcpdump -d -y EN10MB -- FILTER`). */
const BAD_FILTERS = ['tcp port', 'host 999.1.1.1', 'portt 80', 'ether host zz'];

function refusal(filter: string): { filter: string; stderr: string } {
  try {
    execFileSync('tcpdump', ['-d', '-y', 'EN10MB', '--', filter], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { filter, stderr: '' };
  } catch (error) {
    return { filter, stderr: String((error as { stderr?: string }).stderr ?? '') };
  }
}

function run(file: string, args: string[], timeout = 20_000): string {
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout });
}

function inA(pid: string, args: string[]): string {
  try {
    return run('nsenter', [`--net=/proc/${pid}/ns/net`, '--', '/bin/busybox', ...args]);
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? '');
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function traffic(pidA: string, bIpv4: string, bIpv6: string): Promise<void> {
  inA(pidA, ['ping', '-c', '2', '-W', '1', bIpv4]);
  inA(pidA, ['ping', '-6', '-c', '2', '-W', '1', bIpv6]);
  inA(pidA, ['nslookup', '-type=a', B, '127.0.0.11']);
  inA(pidA, ['nslookup', '-type=a', 'web', '127.0.0.11']);
  // TCP: B listens once, A sends a line and closes.
  docker(['exec', '-d', B, 'sh', '-c', 'nc -l -p 7000 > /dev/null']);
  await sleep(300);
  execFileSync('nsenter', [`--net=/proc/${pidA}/ns/net`, '--', '/bin/busybox', 'sh', '-c', `echo hello-capture | /bin/busybox nc -w 1 ${bIpv4} 7000`], { stdio: 'ignore', timeout: 10_000 });
}

async function record(): Promise<void> {
  const version = await engineGet<{ ApiVersion: string; Version: string }>('/version');
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dne-capfix-'));
  const children: ChildProcess[] = [];
  const stderr = new Map<string, string>();
  try {
    createNetwork(NETWORK, ['--ipv6', '--subnet', 'fd00:dce:1::/64', '--subnet', '10.251.77.0/24'], LABEL);
    runContainer(A, ['--network', NETWORK], LABEL);
    runContainer(B, ['--network', NETWORK, '--network-alias', 'web'], LABEL);
    const pidA = docker(['inspect', '-f', '{{.State.Pid}}', A]);
    const bIpv4 = docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${NETWORK}").IPAddress}}`, B]);
    const bIpv6 = docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${NETWORK}").GlobalIPv6Address}}`, B]);
    for (const capture of CAPTURES) {
      const file = path.join(folder, `${capture.name}.pcap`);
      const child = spawn('nsenter', [`--net=/proc/${pidA}/ns/net`, '--', 'tcpdump', ...capture.args, '-nn', '-U', '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.on('data', (chunk: Buffer) => stderr.set(capture.name, (stderr.get(capture.name) ?? '') + chunk.toString('utf8')));
      children.push(child);
    }
    await sleep(1_500);
    await traffic(pidA, bIpv4, bIpv6);
    await sleep(1_000);
    await Promise.all(children.map((child) => new Promise((resolve) => (child.once('close', resolve), child.kill('SIGINT')))));
    const captures = CAPTURES.map((capture) => {
      const file = path.join(folder, `${capture.name}.pcap`);
      const lines = run('tcpdump', ['-r', file, '-nn', '-tt', '-S']).split('\n').filter(Boolean);
      return { name: capture.name, tcpdumpArgs: capture.args, stderr: stderr.get(capture.name) ?? '', pcapBase64: readFileSync(file).toString('base64'), tcpdump: lines };
    });
    const out = path.join(__dirname, '..', '..', 'test', 'fixtures', 'capture');
    mkdirSync(out, { recursive: true });
    const tcpdumpVersion = run('tcpdump', ['--version']).split('\n')[0];
    const fixture = { recordedWith: { engine: version.Version, api: version.ApiVersion, tcpdump: tcpdumpVersion }, captures, filterRefusals: BAD_FILTERS.map(refusal) };
    writeFileSync(path.join(out, 'packets.json'), `${JSON.stringify(fixture, null, 1)}\n`);
    console.log(`wrote test/fixtures/capture/packets.json: ${captures.map((c) => `${c.name} ${c.tcpdump.length} packets`).join(', ')}`);
  } finally {
    children.forEach((child) => child.exitCode === null && child.kill('SIGKILL'));
    removeLabelled(LABEL);
    rmSync(folder, { recursive: true, force: true });
  }
}

record().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
