/**
 * observeThroughHelper's paths that a healthy engine seldom takes, on an in-memory ContainerRunApi
 * that answers as the Engine API does (the attach stream in its real framing, errors with the
 * status and message dockerode gives): an engine that refuses the create or the start (an
 * authorization plugin, a policy) gives `refused` with its own words; a missing image creates
 * nothing; a helper that outlives the limit, prints without end or says nothing usable is removed
 * and named; a connection lost mid-read is `lost`, and the helper it could not remove then is
 * removed at the next read on that engine. The real engines' paths are test/engine/helperObservation.test.ts.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { AttachedStream, ContainerRunApi, ListedContainer } from '../../src/engine/engineApi';
import { HelperObservationError, observationCreateRequest, observeThroughHelper } from '../../src/engine/helperObservation';
import type { HelperObservationFailure } from '../../src/engine/helperObservation';
import type { EngineTarget } from '../../src/model/connectionResolution';
import { helperDockerRunArgs } from '../../src/model/helperContainerSpec';
import type { SandboxInfo } from '../../src/model/topology/facts';

interface Recording {
  stdout: string;
  sandboxes: SandboxInfo[];
}
const recording = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'helper-observation', 'engine-1.41.json'), 'utf8')) as Recording;

/** One frame of the Engine API's multiplexed attach stream (1: stdout, 2: stderr). */
function frame(stream: 1 | 2, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text) : text;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** An error as dockerode gives it for an HTTP answer. */
function engineError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message}`), { statusCode, json: { message } });
}

interface Script {
  image?: boolean;
  create?: Error;
  start?: Error;
  /** What the helper sends once started; `end` undefined: the stream never ends. */
  chunks?: Buffer[];
  end?: 'clean' | Error;
  remove?: Error;
  host?: string;
}

class FakeEngine implements ContainerRunApi {
  readonly target: EngineTarget;
  readonly created: string[] = [];
  readonly removed: string[] = [];
  private stream?: { data: (chunk: Uint8Array) => void; end: (error?: unknown) => void };

  constructor(private readonly script: Script) {
    this.target = { source: 'setting', contextName: 'default', host: script.host ?? 'unix:///fake/docker.sock', protocol: 'unix' };
  }

  imagePresent(): Promise<boolean> {
    return Promise.resolve(this.script.image ?? true);
  }

  createContainer(name: string): Promise<string> {
    if (this.script.create) {
      return Promise.reject(this.script.create);
    }
    this.created.push(name);
    return Promise.resolve(`${'f'.repeat(52)}${String(this.created.length).padStart(12, '0')}`);
  }

  attachContainer(): Promise<AttachedStream> {
    const listeners: { data?: (chunk: Uint8Array) => void; end: ((error?: unknown) => void)[] } = { end: [] };
    this.stream = { data: (chunk) => listeners.data?.(chunk), end: (error) => listeners.end.forEach((listener) => listener(error)) };
    return Promise.resolve({ onData: (listener) => (listeners.data = listener), onEnd: (listener) => listeners.end.push(listener), close: () => undefined });
  }

  startContainer(): Promise<void> {
    if (this.script.start) {
      return Promise.reject(this.script.start);
    }
    setImmediate(() => {
      for (const chunk of this.script.chunks ?? []) {
        this.stream?.data(chunk);
      }
      if (this.script.end === 'clean') {
        this.stream?.end();
      } else if (this.script.end) {
        this.stream?.end(this.script.end);
      }
    });
    return Promise.resolve();
  }

  killContainer(): Promise<void> {
    return Promise.resolve();
  }

  removeContainer(id: string): Promise<void> {
    if (this.script.remove) {
      return Promise.reject(this.script.remove);
    }
    this.removed.push(id);
    return Promise.resolve();
  }

  listContainersWithLabel(): Promise<ListedContainer[]> {
    return Promise.resolve([]);
  }
}

const failsWith = (failure: HelperObservationFailure, words: RegExp) => (error: unknown) => error instanceof HelperObservationError && error.failure === failure && words.test(error.message);
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('observeThroughHelper on an engine that does not behave', () => {
  test('a normal read: the recorded output becomes level helper facts, one log line, the helper removed', async () => {
    const engine = new FakeEngine({ chunks: [frame(1, recording.stdout.slice(0, 5000)), frame(2, 'noise\n'), frame(1, recording.stdout.slice(5000))], end: 'clean' });
    const lines: string[] = [];
    const facts = await observeThroughHelper(engine, { image: 'local/busybox:latest', sandboxes: recording.sandboxes, log: (line) => lines.push(line) });
    assert.equal(facts.level, 'helper');
    assert.equal(facts.namespaces[0].name, 'host');
    assert.ok(typeof facts.elapsedMs === 'number');
    await settle();
    assert.equal(engine.removed.length, 1);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^helper observation on unix:\/\/\/fake\/docker\.sock: image local\/busybox:latest, container dne-helper-observe-[0-9a-f]{16}, \d+ ms, \d+ namespace\(s\), \d+ interface\(s\), 0 warning\(s\)$/);
  });

  test('an image the engine does not have: imageMissing naming it, nothing created; no image set: the same', async () => {
    const engine = new FakeEngine({ image: false });
    await assert.rejects(observeThroughHelper(engine, { image: 'local/none:1', sandboxes: [] }), failsWith('imageMissing', /local\/none:1 \(nothing is pulled\)/));
    await assert.rejects(observeThroughHelper(engine, { image: ' ', sandboxes: [] }), failsWith('imageMissing', /no helper image is set/));
    assert.deepEqual(engine.created, []);
  });

  test('the engine refuses the create (an authorization plugin): refused, in its words; nothing to remove', async () => {
    const engine = new FakeEngine({ create: engineError(403, 'authorization denied by plugin opa-docker-authz: privileged and host namespaces are not allowed') });
    await assert.rejects(observeThroughHelper(engine, { image: 'local/busybox:latest', sandboxes: [] }), failsWith('refused', /^the engine refused the helper container: authorization denied by plugin opa-docker-authz/));
    assert.deepEqual(engine.removed, []);
  });

  test('the engine refuses the start (a runtime that cannot apply the capabilities): refused, in its words; the created helper removed', async () => {
    const engine = new FakeEngine({ start: engineError(500, 'failed to create shim task: OCI runtime create failed: unable to apply caps: operation not permitted') });
    await assert.rejects(observeThroughHelper(engine, { image: 'local/busybox:latest', sandboxes: [] }), failsWith('refused', /unable to apply caps/));
    assert.equal(engine.removed.length, 1);
  });

  test('a helper that outlives the limit: timeout, removed', async () => {
    const engine = new FakeEngine({ chunks: [frame(1, 'dne-observe 1\n')] });
    await assert.rejects(observeThroughHelper(engine, { image: 'local/busybox:latest', sandboxes: [], timeoutMs: 150 }), failsWith('timeout', /did not finish within 150 ms/));
    assert.equal(engine.removed.length, 1);
  });

  test('a helper that prints more than 16 MB: failed, not read, removed at once', async () => {
    const big = Buffer.alloc(1024 * 1024, 'x');
    const engine = new FakeEngine({ chunks: Array.from({ length: 17 }, () => frame(1, big)) });
    await assert.rejects(observeThroughHelper(engine, { image: 'local/busybox:latest', sandboxes: [], timeoutMs: 10_000 }), failsWith('failed', /more than 16 MB/));
    assert.equal(engine.removed.length, 1);
  });

  test('a helper that reads nothing (an image without busybox applets): failed, with its stderr', async () => {
    const engine = new FakeEngine({ chunks: [frame(2, 'sh: nsenter: not found\n')], end: 'clean' });
    await assert.rejects(observeThroughHelper(engine, { image: 'local/busybox:latest', sandboxes: [] }), failsWith('failed', /did not read the host: sh: nsenter: not found/));
  });

  test('the connection lost mid-read: lost; the helper it could not remove is removed at the next read on that engine', async () => {
    const host = 'unix:///fake/lost.sock';
    const gone = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const first = new FakeEngine({ host, chunks: [frame(1, recording.stdout.slice(0, 3000))], end: gone, remove: gone });
    await assert.rejects(observeThroughHelper(first, { image: 'local/busybox:latest', sandboxes: [] }), failsWith('lost', /dropped during the read/));
    const next = new FakeEngine({ host, chunks: [frame(1, recording.stdout)], end: 'clean' });
    const lines: string[] = [];
    await observeThroughHelper(next, { image: 'local/busybox:latest', sandboxes: recording.sandboxes, log: (line) => lines.push(line) });
    assert.equal(next.removed[0], `${'f'.repeat(52)}000000000001`, 'the lost helper first');
    assert.match(lines[0], /^removed helper ffffffffffff, left when the connection to unix:\/\/\/fake\/lost\.sock dropped$/);
  });

  test('what the consent modal shows is what is sent: the observe create request and its docker run', () => {
    const create = observationCreateRequest('local/busybox:latest', recording.sandboxes);
    assert.deepEqual(create.body.Cmd.slice(3), ['dne-observe', ...new Set(recording.sandboxes.map((s) => path.dirname(s.sandboxKey!))), '/var/run/netns', ...recording.sandboxes.map((s) => String(s.pid))]);
    const args = helperDockerRunArgs(create);
    assert.deepEqual(args.slice(0, 4), ['docker', 'run', '--rm', '--name']);
    assert.ok(args.includes('--pid=host') && args.includes('--network=host'));
    assert.deepEqual(args.slice(args.indexOf('local/busybox:latest')), ['local/busybox:latest', ...create.body.Cmd]);
    assert.deepEqual(observationCreateRequest('local/busybox:latest', recording.sandboxes, true).body.Cmd.slice(3), ['dne-observe']);
  });
});
