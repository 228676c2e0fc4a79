/**
 * A capture through a helper container, its pure parts: the Engine API's stream framing split on
 * bytes recorded from real engines (20.10 and 28, scripts/recordHelperStream.ts) whatever the chunk
 * boundaries; the helper's create request and argv (every engine value checked by type, the filter
 * one argv item); which leftovers a start removes; tcpdump's closing counts.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { EngineStreamDemuxer, EngineStreamError } from '../../src/model/capture/engineStream';
import type { EngineStreamFrame } from '../../src/model/capture/engineStream';
import { helperCaptureArgv, helperCaptureProblem } from '../../src/model/capture/helperArgv';
import { parseCaptureCounts as parseTcpdumpCounts } from '../../src/model/capture/tcpdumpOutput';
import type { CaptureSpec } from '../../src/model/capture/types';
import { abandonedHelpers, helperCreateRequest, helperRequestProblem, HELPER_LABEL } from '../../src/model/helperContainerSpec';
import type { HelperRequest } from '../../src/model/helperContainerSpec';
import { FIXTURES_FOLDER, fixtureVersions } from '../support/fixtures';

interface RecordedStream {
  engine: string;
  argv: string[];
  fromIp: string;
  toIp: string;
  chunks: string[];
}

const recordings = fixtureVersions()
  .map((version) => path.join(FIXTURES_FOLDER, version, 'helper-attach-stream.json'))
  .filter((file) => {
    try {
      readFileSync(file);
      return true;
    } catch {
      return false;
    }
  })
  .map((file) => JSON.parse(readFileSync(file, 'utf8')) as RecordedStream);

function demux(chunks: readonly Uint8Array[]): { stdout: Buffer; stderr: string; frames: number } {
  const demuxer = new EngineStreamDemuxer();
  const stdout: Uint8Array[] = [];
  let stderr = '';
  let frames = 0;
  const take = (frame: EngineStreamFrame) => {
    frames++;
    if (frame.stream === 'stdout') {
      stdout.push(frame.data);
    } else {
      stderr += Buffer.from(frame.data).toString('utf8');
    }
  };
  chunks.forEach((chunk) => demuxer.push(chunk).forEach(take));
  assert.equal(demuxer.buffered, 0, 'nothing left half-read');
  return { stdout: Buffer.concat(stdout), stderr, frames };
}

/** What the host's tcpdump reads in a pcap (the real tool as the judge). */
function tcpdumpRead(pcap: Buffer): string[] {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dne-unit-pcap-'));
  try {
    writeFileSync(path.join(folder, 'c.pcap'), pcap);
    return execFileSync('tcpdump', ['-r', path.join(folder, 'c.pcap'), '-nn'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const hasTcpdump = (() => {
  try {
    execFileSync('tcpdump', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('engine stream framing, on bytes recorded from real engines', () => {
  test('recordings exist for 20.10 and 28', () => {
    assert.ok(recordings.some((recording) => recording.engine.startsWith('20.10')), 'a 20.10 recording');
    assert.ok(recordings.some((recording) => recording.engine.startsWith('28.')), 'a 28 recording');
  });

  for (const recording of recordings) {
    const chunks = recording.chunks.map((chunk) => Buffer.from(chunk, 'base64'));
    const whole = Buffer.concat(chunks);

    test(`${recording.engine}: stdout is tcpdump's pcap (its magic), stderr its banner and counts`, () => {
      const { stdout, stderr } = demux(chunks);
      assert.equal(stdout.readUInt32LE(0), 0xa1b2c3d4, 'a pcap file header first');
      assert.match(stderr, /listening on eth0/);
      assert.deepEqual(parseTcpdumpCounts(stderr), { captured: 4, receivedByFilter: 4, droppedByKernel: 0 });
    });

    test(`${recording.engine}: tcpdump -r reads the echo requests and replies between the two containers`, { skip: !hasTcpdump && 'no tcpdump on this machine' }, () => {
      const lines = tcpdumpRead(demux(chunks).stdout);
      assert.equal(lines.length, 4);
      assert.equal(lines.filter((line) => line.includes(`IP ${recording.fromIp} > ${recording.toIp}: ICMP echo request`)).length, 2);
      assert.equal(lines.filter((line) => line.includes(`IP ${recording.toIp} > ${recording.fromIp}: ICMP echo reply`)).length, 2);
    });

    test(`${recording.engine}: any chunking gives the same frames (one byte at a time, headers cut in two)`, () => {
      const reference = demux(chunks);
      const bytewise = demux([...whole].map((byte) => Uint8Array.of(byte)));
      assert.deepEqual(bytewise.stdout, reference.stdout);
      assert.equal(bytewise.stderr, reference.stderr);
      for (const size of [3, 7, 8, 9, 100]) {
        const pieces: Uint8Array[] = [];
        for (let at = 0; at < whole.length; at += size) {
          pieces.push(whole.subarray(at, at + size));
        }
        assert.deepEqual(demux(pieces).stdout, reference.stdout, `chunks of ${size}`);
      }
      assert.deepEqual(demux([whole]).stdout, reference.stdout, 'all in one chunk');
    });
  }

  test('a stream that is not framed (a TTY\'s raw text) is refused, not read as frames', () => {
    const demuxer = new EngineStreamDemuxer();
    assert.throws(() => demuxer.push(Buffer.from('tcpdump: listening on eth0\n')), EngineStreamError);
    assert.deepEqual(demuxer.push(Buffer.from([1, 0, 0, 0, 0, 0, 0, 1, 65])), [], 'nothing more after a bad header');
  });

  test('a frame split before its payload waits for it; an empty frame is a frame', () => {
    const demuxer = new EngineStreamDemuxer();
    assert.deepEqual(demuxer.push(Buffer.from([2, 0, 0, 0, 0, 0, 0, 3, 0x61])), []);
    assert.equal(demuxer.buffered, 9);
    const frames = demuxer.push(Buffer.from([0x62, 0x63, 1, 0, 0, 0, 0, 0, 0, 0]));
    assert.deepEqual(frames.map((frame) => [frame.stream, Buffer.from(frame.data).toString()]), [['stderr', 'abc'], ['stdout', '']]);
  });
});

const containerId = 'a'.repeat(64);
const spec = (extra: Partial<CaptureSpec> = {}, iface?: string): CaptureSpec => ({ target: { kind: 'container', containerId, containerName: 'web', interface: iface }, file: '/tmp/x.pcap', ...extra });

describe('helper capture: argv, checks, create request', () => {
  test('the argv: tcpdump streaming the pcap, the count, the filter as one item after --', () => {
    assert.deepEqual(helperCaptureArgv(spec({ count: 10, filter: ' icmp and host 10.0.0.2 ' }, 'eth0')), ['tcpdump', '-Z', 'root', '-i', 'eth0', '--immediate-mode', '-nn', '-U', '-w', '-', '-c', '10', '--', 'icmp and host 10.0.0.2']);
    assert.deepEqual(helperCaptureArgv(spec()), ['tcpdump', '-Z', 'root', '-i', 'any', '--immediate-mode', '-nn', '-U', '-w', '-']);
  });

  test('interface names by the kernel\'s rule; counts, durations and filters in range', () => {
    for (const good of ['eth0', 'any', 'veth1234567890a', 'br-0123456789ab']) {
      assert.equal(helperCaptureProblem(spec({}, good)), undefined, good);
    }
    for (const bad of ['', 'eth0 -w /x', '../x', '.', '..', 'a/b', 'eth0:1', 'abcdefghijklmnop']) {
      assert.equal(helperCaptureProblem(spec({}, bad)), 'interface', JSON.stringify(bad));
    }
    assert.equal(helperCaptureProblem(spec({}, 'é'.repeat(8))), 'interface', '16 bytes');
    assert.equal(helperCaptureProblem(spec({ count: 0 })), 'count');
    assert.equal(helperCaptureProblem(spec({ count: 1.5 })), 'count');
    assert.equal(helperCaptureProblem(spec({ durationSeconds: -1 })), 'duration');
    assert.equal(helperCaptureProblem({ target: { kind: 'container', containerId: 'web; rm -rf /', containerName: 'x' }, file: '/tmp/x' }), 'container');
    assert.equal(helperCaptureProblem(spec({ durationSeconds: Number.NaN })), 'duration');
    assert.equal(helperCaptureProblem(spec({ filter: '-w /etc/passwd' })), 'filter');
    assert.equal(helperCaptureProblem(spec({ filter: 'icmp\0' })), 'filter');
    assert.equal(helperCaptureProblem({ target: { kind: 'hostInterface', interface: 'docker0' }, file: '/tmp/x' }), 'target');
  });

  const request = (extra: Partial<HelperRequest> = {}): HelperRequest => ({
    purpose: 'capture',
    session: '0123456789abcdef',
    image: 'local/tcpdump:latest',
    joinContainerId: containerId,
    argv: ['tcpdump', '-i', 'eth0'],
    capabilities: ['NET_RAW'],
    client: { hostHash: 'h'.repeat(16), pid: 42 },
    ...extra,
  });

  test('the create request: joined to the container, every capability dropped but the named ones, labelled, removed on exit, not logged', () => {
    const made = helperCreateRequest(request({ deadline: 1000.2 }));
    assert.equal(made.name, 'dne-helper-capture-0123456789abcdef');
    assert.equal(made.body.HostConfig.NetworkMode, `container:${containerId}`);
    assert.deepEqual(made.body.HostConfig.CapDrop, ['ALL']);
    assert.deepEqual(made.body.HostConfig.CapAdd, ['NET_RAW']);
    assert.equal(made.body.HostConfig.AutoRemove, true);
    assert.equal(made.body.HostConfig.LogConfig.Type, 'none');
    assert.deepEqual(made.body.Labels, {
      'io.github.dne.helper': 'capture',
      'io.github.dne.helper.session': '0123456789abcdef',
      'io.github.dne.helper.client': 'h'.repeat(16),
      'io.github.dne.helper.pid': '42',
      'io.github.dne.helper.deadline': '1001',
    });
  });

  test('engine values are checked by type before a request is made', () => {
    assert.equal(helperRequestProblem(request()), undefined);
    assert.equal(helperRequestProblem(request({ joinContainerId: 'web; rm -rf /' })), 'containerId');
    assert.equal(helperRequestProblem(request({ capabilities: ['ALL ', 'SYS_ADMIN'] })), 'capability');
    assert.equal(helperRequestProblem(request({ session: 'x' })), 'session');
    assert.equal(helperRequestProblem(request({ image: ' ' })), 'image');
  });
});

describe('helper sweep: which leftovers a start removes', () => {
  const now = 10_000;
  const host = 'h'.repeat(16);
  const listed = (id: string, age: number, labels: Record<string, string>) => ({ Id: id, Created: now - age, Labels: { [HELPER_LABEL]: 'capture', ...labels } });
  const alive = new Set([100]);
  const context = { now, hostHash: host, processAlive: (pid: number) => alive.has(pid) };

  test('a helper of a process of this machine that is gone, older than a few seconds: removed', () => {
    assert.deepEqual(abandonedHelpers([listed('gone', 60, { 'io.github.dne.helper.client': host, 'io.github.dne.helper.pid': '200' })], context), ['gone']);
  });

  test('kept: its process runs; it is too young; it belongs to another machine and has no deadline; not a helper', () => {
    const listing = [
      listed('running', 60, { 'io.github.dne.helper.client': host, 'io.github.dne.helper.pid': '100' }),
      listed('young', 2, { 'io.github.dne.helper.client': host, 'io.github.dne.helper.pid': '200' }),
      listed('elsewhere', 600, { 'io.github.dne.helper.client': 'other', 'io.github.dne.helper.pid': '200' }),
      { Id: 'foreign', Created: 0, Labels: { other: 'x' } },
    ];
    assert.deepEqual(abandonedHelpers(listing, context), []);
  });

  test('past its deadline and the grace: removed, whoever owns it', () => {
    const listing = [
      listed('late', 600, { 'io.github.dne.helper.client': 'other', 'io.github.dne.helper.pid': '1', 'io.github.dne.helper.deadline': String(now - 31) }),
      listed('onTime', 600, { 'io.github.dne.helper.client': 'other', 'io.github.dne.helper.pid': '1', 'io.github.dne.helper.deadline': String(now - 5) }),
    ];
    assert.deepEqual(abandonedHelpers(listing, context), ['late']);
  });
});

