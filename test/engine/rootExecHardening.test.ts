/**
 * Issue 16, command execution as root, against the real engine and as root (the doctor's root
 * path): a hostile engine (test/support/hostileEngine.ts, a proxy in front of the real socket that
 * rewrites its answers) gets a sentence naming the bad field and nothing runs; a proxy socket owned
 * by another user, or a pid whose namespace is not the SandboxKey's, sends the doctor to docker exec
 * and the report says why; a container whose /etc/hosts is an absolute symlink to a host file does
 * not leak that file, a FIFO as /etc/resolv.conf does not hang; a DOCKER-USER rule whose comment is
 * shell code is printed quoted (read back by /bin/sh as the argv, run: deletes the rule, runs
 * nothing else); an engine string with ESC never reaches stdout raw. Everything made here is named
 * rx-… and removed at the end, also on failure.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { dockerExecRunner } from '../../src/engine/reachability/runners';
import type { ContainerInspectJson, ContainerSummaryJson } from '../../src/model/dockerTypes';
import type { ReachReport } from '../../src/model/reachability/types';
import { docker, TEST_IMAGE } from '../support/dockerCli';
import { apiPath, HostileEngine, Rewrite, startHostileEngine } from '../support/hostileEngine';

const root = path.join(__dirname, '..', '..', '..');
const isRoot = process.getuid?.() === 0;
const NETWORK = 'rx-net';
const CONTAINERS = ['rx-a', 'rx-b', 'rx-hosts', 'rx-fifo'];
const TAG = `${process.pid}`;
const PWNED = `/tmp/dne-rootexec-pwned-${TAG}`;
const HOST_MARKER_DIR = `/tmp/dne-rootexec-marker-${TAG}`;
const HOST_MARKER = `${HOST_MARKER_DIR}/hosts`;
const COMMENT_MARKER = `/tmp/dne-rootexec-comment-${TAG}`;
/** Not the shared dne.test label: other suites remove everything carrying that one while this runs. */
const LABEL = 'dne.test.rootexec';
/** Caps that let the test's own containers unmount Docker's /etc/hosts and /etc/resolv.conf. */
const UNMOUNT_CAPS = ['--cap-add', 'SYS_ADMIN', '--security-opt', 'apparmor=unconfined', '--security-opt', 'seccomp=unconfined'];

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The built CLI, asynchronously (the hostile engine answers from this process). */
function cli(args: string[], timeoutMs = 90_000): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

function nameOf(body: { Names?: string[] | null; Name?: string }): string {
  return (body.Names?.[0] ?? body.Name ?? '').replace(/^\//, '');
}

/** Rewrites the list entry and the inspection of one container. */
function rewriteContainer(name: string, change: (container: ContainerSummaryJson | ContainerInspectJson) => void): Rewrite {
  return (url, body) => {
    const where = apiPath(url);
    if (where === '/containers/json' && Array.isArray(body)) {
      (body as ContainerSummaryJson[]).filter((container) => nameOf(container) === name).forEach(change);
    } else if (/^\/containers\/[^/]+\/json$/.test(where) && nameOf(body as ContainerInspectJson) === name) {
      change(body as ContainerInspectJson);
    }
    return body;
  };
}

function ipOf(container: string): string {
  return docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${NETWORK}").IPAddress}}`, container]);
}

function ncProcesses(): string[] {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => /\bnc\b.*-le/.test(line));
}

function cleanUp(): void {
  docker(['rm', '-f', ...CONTAINERS], { allowFailure: true });
  docker(['network', 'rm', NETWORK], { allowFailure: true });
  rmSync(HOST_MARKER_DIR, { recursive: true, force: true });
  rmSync(PWNED, { force: true });
  rmSync(COMMENT_MARKER, { force: true });
}

describe('root execution against a hostile engine and hostile containers', { skip: isRoot ? false : 'needs root (the doctor\'s nsenter path, iptables)' }, () => {
  let bAddress = '';

  before(() => {
    cleanUp();
    docker(['network', 'create', '--label', `${LABEL}=1`, NETWORK]);
    for (const name of ['rx-a', 'rx-b']) {
      docker(['run', '-d', '--name', name, '--label', `${LABEL}=1`, '--network', NETWORK, TEST_IMAGE, 'sleep', '100000']);
    }
    bAddress = ipOf('rx-b');
    // On the host, a file the container's /etc/hosts will point at by its absolute path; inside the
    // container, the same path holds another file.
    mkdirSync(HOST_MARKER_DIR, { recursive: true });
    writeFileSync(HOST_MARKER, `${bAddress} rx-leak\n`);
    const hostsScript = `umount /etc/hosts && mkdir -p ${HOST_MARKER_DIR} && echo "${bAddress} rx-inside" > ${HOST_MARKER} && ln -sf ${HOST_MARKER} /etc/hosts && sleep 100000`;
    docker(['run', '-d', '--name', 'rx-hosts', '--label', `${LABEL}=1`, '--network', NETWORK, ...UNMOUNT_CAPS, TEST_IMAGE, 'sh', '-c', hostsScript]);
    const fifoScript = 'umount /etc/resolv.conf && rm -f /etc/resolv.conf && mkfifo /etc/resolv.conf && sleep 100000';
    docker(['run', '-d', '--name', 'rx-fifo', '--label', `${LABEL}=1`, '--network', NETWORK, ...UNMOUNT_CAPS, TEST_IMAGE, 'sh', '-c', fifoScript]);
    for (let i = 0; i < 50 && !/^p/.test(docker(['exec', 'rx-fifo', 'ls', '-l', '/etc/resolv.conf'], { allowFailure: true })); i++) {
      execFileSync('sleep', ['0.1']);
    }
    assert.match(docker(['exec', 'rx-hosts', 'ls', '-l', '/etc/hosts']), /-> \/tmp\/dne-rootexec-marker/);
  });

  after(() => cleanUp());

  async function withEngine<T>(rewrite: Rewrite, work: (engine: HostileEngine) => Promise<T>, socketOwner?: number): Promise<T> {
    const engine = await startHostileEngine(rewrite, { socketOwner });
    try {
      return await work(engine);
    } finally {
      await engine.close();
    }
  }

  test('an endpoint address answered as "-le/usr/bin/touch …": exit 2, the field named, nothing ran', async () => {
    const rewrite = rewriteContainer('rx-b', (container) => {
      container.NetworkSettings!.Networks![NETWORK].IPAddress = `-le/usr/bin/touch ${PWNED}`;
    });
    await withEngine(rewrite, async (engine) => {
      const result = await cli(['reach', 'rx-a', 'rx-b', '--port', '80', '--host', engine.host]);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, /the engine answered a value that is not valid, so nothing was run: NetworkSettings\.Networks\.rx-net\.IPAddress of container rx-b is "-le\/usr\/bin\/touch/);
      assert.match(result.stderr, /not an IP address/);
      assert.doesNotMatch(result.stderr, /could not be reached|Cannot read properties/);
      assert.equal(existsSync(PWNED), false, 'no program ran');
      assert.deepEqual(ncProcesses(), [], 'no nc listens');
      assert.deepEqual(engine.requests.filter((request) => /\/exec/.test(request)), [], 'no exec either');
    });
  });

  test('State.Pid answered as "1/../../self" or -1: exit 2, State.Pid named, nothing entered', async () => {
    for (const pid of ['1/../../self', -1]) {
      const rewrite = rewriteContainer('rx-a', (container) => {
        if ('State' in container && container.State) {
          (container.State as { Pid: unknown }).Pid = pid;
        }
      });
      await withEngine(rewrite, async (engine) => {
        const result = await cli(['reach', 'rx-a', 'rx-b', '--host', engine.host]);
        assert.equal(result.code, 2, result.stdout + result.stderr);
        assert.match(result.stderr, /State\.Pid of container rx-a is "[^"]+", not a process id/);
      });
    }
  });

  test('an engine string with ESC and a newline never reaches stdout raw', async () => {
    const bId = docker(['inspect', '-f', '{{.Id}}', 'rx-b']);
    const rewrite = rewriteContainer('rx-b', (container) => {
      if ('Names' in container && container.Names) {
        container.Names = ['/rx-b\u001b[2J\u001b]0;owned\u0007\nFORGED LINE'];
      } else {
        (container as ContainerInspectJson).Name = '/rx-b\u001b[2J\u001b]0;owned\u0007\nFORGED LINE';
      }
    });
    await withEngine(rewrite, async (engine) => {
      const result = await cli(['reach', 'rx-a', bId, '--no-verify', '--host', engine.host]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /rx-b/);
      assert.doesNotMatch(result.stdout, /[\u001b\u0007]/);
      assert.doesNotMatch(result.stdout, /^FORGED LINE/m);
    });
  });

  test('a socket owned by another user: observed with docker exec, and the report says why', async () => {
    await withEngine(
      () => undefined,
      async (engine) => {
        const result = await cli(['reach', 'rx-a', 'rx-b', '--format', 'json', '--host', engine.host]);
        const report = JSON.parse(result.stdout) as ReachReport;
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(report.observation, { method: 'dockerExec', tools: ['docker exec'], reason: 'socketNotOwned' });
        assert.equal(report.verdict.observed, 'reachable');
        const text = await cli(['reach', 'rx-a', 'rx-b', '--host', engine.host]);
        assert.match(text.stdout, /Not as root with nsenter: the engine's socket is owned neither by root nor by you/);
        // By name: /etc/hosts and /etc/resolv.conf read with `cat --` through exec, then nslookup there.
        const byName = JSON.parse((await cli(['reach', 'rx-a', 'rx-b', '--name', 'rx-b', '--format', 'json', '--host', engine.host])).stdout) as ReachReport;
        assert.equal(byName.checks.find((check) => check.kind === 'dns')?.observed, 'pass', JSON.stringify(byName.checks));
      },
      65534,
    );
  });

  test('tcp://127.0.0.1:N served by another user (a squatted port): docker exec, "portNotOwned"; served by root: nsenter', async () => {
    await withEngine(
      () => undefined,
      async (engine) => {
        for (const [user, expected] of [
          ['nobody', { method: 'dockerExec', reason: 'portNotOwned' }],
          ['root', { method: 'nsenter', reason: undefined }],
        ] as const) {
          const port = 23000 + (process.pid % 1000) + (user === 'root' ? 1000 : 0);
          // socat as that user forwards the loopback port to the (open) proxy socket.
          const forwarder = spawn('runuser', ['-u', user, '--', 'socat', `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, `UNIX-CONNECT:${engine.socketPath}`], { stdio: 'ignore' });
          try {
            for (let i = 0; i < 50 && spawnSync('busybox', ['nc', '-z', '127.0.0.1', String(port)]).status !== 0; i++) {
              execFileSync('sleep', ['0.1']);
            }
            const result = await cli(['reach', 'rx-a', 'rx-b', '--format', 'json', '--host', `tcp://127.0.0.1:${port}`]);
            const report = JSON.parse(result.stdout) as ReachReport;
            assert.equal(report.observation.method, expected.method, `${user}: ${result.stderr}`);
            assert.equal(report.observation.reason, expected.reason, user);
          } finally {
            // socat (runuser's child, by its parent's id) first, then runuser itself.
            spawnSync('pkill', ['-TERM', '-P', String(forwarder.pid)]);
            forwarder.kill('SIGTERM');
          }
        }
      },
      65534,
    );
  });

  test('a pid whose namespace is not the one SandboxKey names: docker exec, not nsenter into it', async () => {
    const otherPid = Number(docker(['inspect', '-f', '{{.State.Pid}}', 'rx-b']));
    const rewrite = rewriteContainer('rx-a', (container) => {
      if ('State' in container && container.State && typeof container.State === 'object') {
        container.State.Pid = otherPid;
      }
    });
    await withEngine(rewrite, async (engine) => {
      const result = await cli(['reach', 'rx-a', 'rx-b', '--format', 'json', '--host', engine.host]);
      const report = JSON.parse(result.stdout) as ReachReport;
      assert.deepEqual(report.observation, { method: 'dockerExec', tools: ['docker exec'], reason: 'namespaceMismatch' }, result.stderr);
    });
    const direct = JSON.parse((await cli(['reach', 'rx-a', 'rx-b', '--format', 'json'])).stdout) as ReachReport;
    assert.equal(direct.observation.method, 'nsenter', 'the real socket and pid: the root path');
  });

  test('/etc/hosts as an absolute symlink to a host file: the host file is not read, the container\'s is', async () => {
    const leak = JSON.parse((await cli(['reach', 'rx-hosts', 'rx-b', '--name', 'rx-leak', '--format', 'json'])).stdout) as ReachReport;
    assert.equal(leak.observation.method, 'nsenter');
    const leakDns = leak.checks.find((check) => check.kind === 'dns');
    assert.equal(leakDns?.observed, 'fail', JSON.stringify(leakDns));
    assert.notEqual(leakDns?.detail, '/etc/hosts');
    const inside = JSON.parse((await cli(['reach', 'rx-hosts', 'rx-b', '--name', 'rx-inside', '--format', 'json'])).stdout) as ReachReport;
    const insideDns = inside.checks.find((check) => check.kind === 'dns');
    assert.equal(insideDns?.observed, 'pass', JSON.stringify(insideDns));
    assert.equal(insideDns?.detail, '/etc/hosts');
  });

  test('a FIFO as /etc/resolv.conf: no hang, as root (nsenter) or through docker exec (cat killed by timeout)', async () => {
    const local = await cli(['reach', 'rx-fifo', 'rx-b', '--name', 'rx-nothere', '--format', 'json'], 30_000);
    assert.notEqual(local.code, null, `killed after ${local.ms} ms: it hung`);
    const report = JSON.parse(local.stdout) as ReachReport;
    assert.equal(report.observation.method, 'nsenter');
    assert.match(report.checks.find((check) => check.kind === 'dns')?.detail ?? '', /resolv\.conf does not use the embedded DNS/);
    assert.ok(local.ms < 15_000, `${local.ms} ms`);
    await withEngine(
      () => undefined,
      async (engine) => {
        const viaExec = await cli(['reach', 'rx-fifo', 'rx-b', '--name', 'rx-nothere', '--format', 'json', '--host', engine.host], 40_000);
        assert.notEqual(viaExec.code, null, 'it hung');
        assert.equal((JSON.parse(viaExec.stdout) as ReachReport).observation.method, 'dockerExec');
      },
      65534,
    );
    const leftovers = docker(['exec', 'rx-fifo', 'busybox', 'ps', '-o', 'args']).split('\n').filter((line) => /cat -- \/etc\/resolv\.conf/.test(line));
    assert.deepEqual(leftovers, [], 'the cat that waited on the FIFO was killed');
  });

  test('docker exec output is capped at once, and the doctor\'s exec\'d commands are stopped by the container\'s timeout', async () => {
    const client = new EngineClient(resolveTarget(undefined, undefined), 10_000);
    const id = docker(['inspect', '-f', '{{.Id}}', 'rx-a']);
    const running = () => docker(['exec', 'rx-a', 'busybox', 'ps', '-o', 'args']).split('\n').filter((line) => /^busybox yes|^yes/.test(line.trim()));
    try {
      const started = Date.now();
      // Closing the stream does not stop an exec'd process (the API cannot): this one stops itself after 5 s.
      const result = await client.execInContainer(id, ['busybox', 'timeout', '-s', 'KILL', '5', 'busybox', 'yes'], 30_000, 64 * 1024);
      assert.equal(result.truncated, true, result.output.slice(0, 100));
      assert.ok(result.output.length <= 64 * 1024);
      assert.ok(Date.now() - started < 4_000, `cut at the cap, not at the timeout: ${Date.now() - started} ms`);
      const runner = dockerExecRunner(client, id);
      const ran = await runner.run('yes', [], 2_000);
      assert.equal(ran.truncated, true);
      let left = running();
      for (let i = 0; i < 80 && left.length > 0; i++) {
        execFileSync('sleep', ['0.1']);
        left = running();
      }
      assert.deepEqual(left, [], 'the doctor\'s yes was killed by its timeout -s KILL');
    } finally {
      client.dispose();
    }
  });

  test('a DOCKER-USER rule whose comment is shell code: the fix is printed quoted, /bin/sh reads it back as the argv', async () => {
    const rule = ['DOCKER-USER', '-s', `${ipOf('rx-a')}/32`, '-d', `${bAddress}/32`, '-m', 'comment', '--comment', `block; touch ${COMMENT_MARKER} #`, '-j', 'DROP'];
    execFileSync('iptables', ['-I', ...rule]);
    try {
      const result = await cli(['reach', 'rx-a', 'rx-b']);
      assert.equal(result.code, 1, result.stderr);
      const line = result.stdout.split('\n').find((candidate) => candidate.startsWith('    $ iptables'));
      assert.ok(line, result.stdout);
      const printed = line.slice('    $ '.length);
      assert.match(printed, /'block; touch \/tmp\/dne-rootexec-comment-\d+ #'/);
      const argv = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${printed}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
      assert.deepEqual(argv, ['iptables', '-t', 'filter', '-D', ...rule]);
      // Pasted as root, it deletes the rule and runs nothing else.
      execFileSync('/bin/sh', ['-c', printed]);
      assert.notEqual(spawnSync('iptables', ['-C', ...rule]).status, 0, 'the rule is gone');
      assert.equal(existsSync(COMMENT_MARKER), false, 'the comment did not run');
    } finally {
      spawnSync('iptables', ['-D', ...rule]);
    }
  });
});
