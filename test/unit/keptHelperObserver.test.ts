/**
 * The kept helper's logic with time in it (src/engine/keptHelperObserver.ts), on an in-memory engine
 * that answers as the Engine API does: the reads are execs whose output is the helper output
 * RECORDED from a real engine (test/fixtures/helper-observation), the helper's main process has a
 * pid, a helper removed behind its back answers 404. Two reads are one helper; reads at once run
 * one after the other; idle and lifetime timers remove it; dispose removes it; a vanished helper is
 * replaced once; a read that outlives the limit removes it; the helper's stderr (after the end line)
 * is not read as facts but names a failure. The real engines' paths are test/engine/keptHelper.test.ts;
 * TopologySource's drop hook is here too.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { AttachedStream, ExecResult, ListedContainer } from '../../src/engine/engineApi';
import { HelperObservationError } from '../../src/engine/helperObservation';
import type { HelperObservationFailure } from '../../src/engine/helperObservation';
import { KeptHelperObserver } from '../../src/engine/keptHelperObserver';
import type { KeptHelperApi } from '../../src/engine/keptHelperObserver';
import { TopologySource, type SourceSession } from '../../src/engine/topologySource';
import type { EngineTarget } from '../../src/model/connectionResolution';
import type { ContainerInspectJson } from '../../src/model/dockerTypes';
import type { SandboxInfo } from '../../src/model/topology/facts';
import { splitKeptOutput } from '../../src/model/topology/helperScript';
import { fixtureInput, loadTopologyFixture } from './topologySupport';

interface Recording {
  stdout: string;
  sandboxes: SandboxInfo[];
}
const recording = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'helper-observation', 'engine-1.41.json'), 'utf8')) as Recording;

function engineError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message}`), { statusCode, json: { message } });
}

/** An engine with running helpers: created, started (pid 4000 + n), exec'd, removed. */
class FakeEngine implements KeptHelperApi {
  readonly target: EngineTarget = { source: 'setting', contextName: 'default', host: 'unix:///fake/kept.sock', protocol: 'unix' };
  readonly created: string[] = [];
  readonly removed: string[] = [];
  readonly execs: { id: string; argv: string[] }[] = [];
  readonly running = new Map<string, { end: () => void }>();
  runningExecs = 0;
  mostExecsAtOnce = 0;
  /** What the next execs print (default: the recorded output); `timeout`: one that outlives its limit. */
  outputs: (string | 'timeout')[] = [];
  execDelayMs = 5;

  imagePresent(): Promise<boolean> {
    return Promise.resolve(true);
  }

  createContainer(): Promise<string> {
    this.created.push(`${'a'.repeat(52)}${String(this.created.length + 1).padStart(12, '0')}`);
    return Promise.resolve(this.created[this.created.length - 1]);
  }

  attachContainer(id: string): Promise<AttachedStream> {
    const ends: ((error?: unknown) => void)[] = [];
    this.running.set(id, { end: () => ends.forEach((listener) => listener()) });
    return Promise.resolve({ onData: () => undefined, onEnd: (listener) => ends.push(listener), close: () => undefined });
  }

  startContainer(): Promise<void> {
    return Promise.resolve();
  }

  inspectContainer(id: string): Promise<ContainerInspectJson> {
    if (!this.running.has(id)) {
      return Promise.reject(engineError(404, `No such container: ${id}`));
    }
    return Promise.resolve({ Id: id, State: { Running: true, Pid: 4000 + this.created.indexOf(id) + 1 } } as ContainerInspectJson);
  }

  killContainer(): Promise<void> {
    return Promise.resolve();
  }

  /** Removed (by us or behind our back): its attach stream ends. */
  removeContainer(id: string): Promise<void> {
    this.removed.push(id);
    this.running.get(id)?.end();
    this.running.delete(id);
    return Promise.resolve();
  }

  /** Removed behind the observer's back, its stream not yet ended (the exec finds it gone first). */
  vanish(id: string): void {
    this.running.delete(id);
  }

  listContainersWithLabel(): Promise<ListedContainer[]> {
    return Promise.resolve([]);
  }

  async execInContainer(id: string, argv: string[], timeoutMs: number): Promise<ExecResult> {
    this.execs.push({ id, argv });
    this.runningExecs++;
    this.mostExecsAtOnce = Math.max(this.mostExecsAtOnce, this.runningExecs);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.execDelayMs));
      if (!this.running.has(id)) {
        return { code: null, output: `(HTTP code 404) no such container - No such container: ${id}` };
      }
      const output = this.outputs.shift() ?? recording.stdout;
      if (output === 'timeout') {
        await new Promise((resolve) => setTimeout(resolve, timeoutMs));
        return { code: null, output: 'timeout' };
      }
      return { code: 0, output };
    } finally {
      this.runningExecs--;
    }
  }
}

const failsWith = (failure: HelperObservationFailure, words: RegExp) => (error: unknown) => error instanceof HelperObservationError && error.failure === failure && words.test(error.message);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const request = { sandboxes: recording.sandboxes, hostOnly: false };

describe('the kept helper (in memory)', () => {
  test('two reads are one helper and two execs of the reader, which names the helper\'s main process (@pid) for the host\'s root; the facts are the recorded read\'s', async () => {
    const engine = new FakeEngine();
    const lines: string[] = [];
    const kept = new KeptHelperObserver(engine, { image: 'local/busybox:latest', log: (line) => lines.push(line) });
    const first = await kept.observe(request);
    const second = await kept.observe(request);
    assert.equal(engine.created.length, 1);
    assert.equal(engine.execs.length, 2);
    assert.equal(first.level, 'helper');
    assert.equal(first.namespaces[0].name, 'host');
    assert.ok(first.namespaces.length > 1);
    assert.deepEqual(second.namespaces, first.namespaces);
    const argv = engine.execs[0].argv;
    assert.deepEqual(argv.slice(0, 2), ['sh', '-c']);
    assert.equal(argv[argv.length - 1], '@4001');
    assert.equal(lines.filter((line) => /^kept helper on unix:\/\/\/fake\/kept\.sock: started dne-helper-observe-[0-9a-f]+ \(image local\/busybox:latest, pid 4001\)/.test(line)).length, 1, lines.join('\n'));
    assert.equal(lines.filter((line) => /^kept helper read on unix:\/\/\/fake\/kept\.sock: container dne-helper-observe-[0-9a-f]+, \d+ ms, \d+ namespace\(s\)/.test(line)).length, 2, lines.join('\n'));
    assert.equal((await kept.observe({ sandboxes: recording.sandboxes, hostOnly: true }), engine.execs[2].argv.length), 4, 'the host alone: no folder, no pid');
    await kept.dispose();
    assert.deepEqual(engine.removed, engine.created);
    await assert.rejects(kept.observe(request), failsWith('failed', /stopped/));
    assert.equal(engine.created.length, 1, 'nothing started after dispose');
  });

  test('reads at once run one after the other, in the same helper', async () => {
    const engine = new FakeEngine();
    engine.execDelayMs = 30;
    const kept = new KeptHelperObserver(engine, { image: 'local/busybox:latest' });
    await Promise.all([kept.observe(request), kept.observe(request), kept.observe(request)]);
    assert.equal(engine.mostExecsAtOnce, 1);
    assert.equal(engine.created.length, 1);
    await kept.dispose();
  });

  test('idle for idleMs: removed; the next read starts a new one. Past maxLifetimeMs: removed even while reads go on', async () => {
    const engine = new FakeEngine();
    const lines: string[] = [];
    const kept = new KeptHelperObserver(engine, { image: 'local/busybox:latest', idleMs: 40, log: (line) => lines.push(line) });
    await kept.observe(request);
    await wait(100);
    assert.deepEqual(engine.removed, engine.created);
    assert.ok(lines.some((line) => / removed dne-helper-observe-[0-9a-f]+ \(idle\)/.test(line)), lines.join('\n'));
    await kept.observe(request);
    assert.equal(engine.created.length, 2);
    await kept.dispose();

    const aging = new FakeEngine();
    const short = new KeptHelperObserver(aging, { image: 'local/busybox:latest', idleMs: 10_000, maxLifetimeMs: 60 });
    await short.observe(request);
    await wait(20);
    await short.observe(request);
    assert.equal(aging.created.length, 1);
    await wait(80);
    assert.equal(aging.removed.length, 1, 'removed at the end of its lifetime');
    await short.observe(request);
    assert.equal(aging.created.length, 2);
    await short.dispose();
  });

  test('a helper removed behind its back is replaced once; gone again at once: failed', async () => {
    const engine = new FakeEngine();
    const kept = new KeptHelperObserver(engine, { image: 'local/busybox:latest' });
    await kept.observe(request);
    engine.vanish(engine.created[0]);
    const facts = await kept.observe(request);
    assert.equal(facts.namespaces[0].name, 'host');
    assert.equal(engine.created.length, 2);
    // Every exec finds its helper gone: one new helper, then a failure.
    const execute = engine.execInContainer.bind(engine);
    engine.execInContainer = (id, argv, timeoutMs) => {
      engine.vanish(id);
      return execute(id, argv, timeoutMs);
    };
    await assert.rejects(kept.observe(request), failsWith('failed', /vanished twice/));
    assert.equal(engine.created.length, 3, "the second helper, gone, replaced by a third, gone too");
    await kept.dispose();
  });

  test('a read that outlives the limit: timeout, and the helper is removed', async () => {
    const engine = new FakeEngine();
    engine.outputs = [recording.stdout, 'timeout'];
    const kept = new KeptHelperObserver(engine, { image: 'local/busybox:latest', timeoutMs: 60 });
    await kept.observe(request);
    await assert.rejects(kept.observe(request), failsWith('timeout', /did not finish within 60 ms/));
    assert.deepEqual(engine.removed, engine.created);
    await kept.dispose();
  });

  test('the helper\'s stderr comes after the end line: not read as facts; a read that says nothing usable fails with it', async () => {
    const engine = new FakeEngine();
    engine.outputs = [`${recording.stdout.trimEnd()}\nX nsenter: can't open '/x': No such file\n`, 'dne-observe 1\nE\nX sh: nsenter: not found\n'];
    const kept = new KeptHelperObserver(engine, { image: 'local/busybox:latest' });
    const facts = await kept.observe(request);
    assert.deepEqual(facts.warnings, []);
    await assert.rejects(kept.observe(request), failsWith('failed', /did not read the host: sh: nsenter: not found/));
    await kept.dispose();
    assert.deepEqual(splitKeptOutput('dne-observe 1\nE\nX a\nX b\n'), { readout: 'dne-observe 1\nE\n', stderr: ['a', 'b'] });
  });
});

describe('the topology source lets go of an observer', () => {
  test('its drop hook is called once when the observer is replaced, and at dispose for the one in use', () => {
    const { inventory, endpointNames } = fixtureInput(loadTopologyFixture(), 'api');
    const session: SourceSession = {
      inventory,
      endpointNames,
      isLocal: false,
      containerDetails: () => Promise.resolve(undefined),
      onDidSeeContainerEvent: () => ({ dispose: () => undefined }),
    };
    const source = new TopologySource(session);
    const dropped: string[] = [];
    const observer = () => Promise.reject(new Error('not read'));
    source.useObserver(observer, () => dropped.push('first'));
    source.useObserver(observer, () => dropped.push('second'));
    assert.deepEqual(dropped, ['first']);
    source.useObserver(undefined);
    assert.deepEqual(dropped, ['first', 'second']);
    source.useObserver(observer, () => dropped.push('third'));
    source.dispose();
    assert.deepEqual(dropped, ['first', 'second', 'third']);
    assert.equal(source.observed, false);
  });
});
