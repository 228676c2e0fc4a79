/**
 * How long the helper observation level takes on a remote engine (a dockerd node) at 10 and 150 running containers, beside the local probe of the same host
 * (run inside the node's network namespace, benchHelperChild.ts): the sysfs level (the issue's
 * yardstick: the helper within 2x of it) and the netns level (whose facts the helper's equal). Over
 * the unix socket and over SSH, one-shot (a helper per read) and kept (keptHelperObserver.ts: one
 * helper, a read is one exec in it; timed after a first read that starts it). Prints the figures
 * (`# bench …` lines) and both ratios of each. Its node is its own (hub `dnekeptb`, group 3, index
 * 11), so that its teardown never deletes the hub of a test that runs meanwhile.
 * A benchmark script (prints figures, checks only that every namespace was read), not a test tier:
 *   npm run build && npx tsc -p test/tsconfig.json && node --test --test-concurrency=1 out/scripts/benchHelper.js
 * (add `bash scripts/engine28.sh run` in front for Docker 28).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../src/engine/connection';
import { EngineClient } from '../src/engine/engineClient';
import { observeThroughHelper } from '../src/engine/helperObservation';
import { KeptHelperObserver } from '../src/engine/keptHelperObserver';
import { parseDockerHost } from '../src/model/connectionResolution';
import type { SandboxInfo } from '../src/model/topology/facts';
import { TEST_IMAGE } from '../test/support/dockerCli';
import { DockerdNode, nodeDocker, startDockerdNode } from '../test/support/dockerdNode';
import { startSshServer } from '../test/support/sshServer';
import type { SshTestServer } from '../test/support/sshServer';

const HUB = 'dnekeptb';
const PREFIX = 'dnekeptb-';
const ROUNDS = 5;
const benchChild = path.join(__dirname, 'benchHelperChild.js');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('helper observation: read time at 10 and 150 containers', () => {
  let node: DockerdNode;
  let client: EngineClient;
  let sshClient: EngineClient | undefined;
  let ssh: SshTestServer | undefined;
  let folder: string;
  let running = 0;

  before(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'dnekeptb-'));
    node = await startDockerdNode({ hub: HUB, group: 3, index: 11 });
    nodeDocker(node, ['network', 'create', `${PREFIX}net`]);
    client = new EngineClient({ source: 'setting', contextName: 'default', ...parseDockerHost(node.host) }, 60_000);
    if (existsSync('/usr/sbin/sshd')) {
      ssh = await startSshServer({ extraConfig: [`SetEnv DOCKER_HOST=${node.host}`] });
      const home = path.join(folder, 'home');
      mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
      copyFileSync(ssh.plainKey, path.join(home, '.ssh', 'id_ed25519'));
      const accept = { confirmHostKey: () => Promise.resolve(true), passphrase: () => Promise.resolve(undefined) };
      sshClient = new EngineClient(resolveTarget(`ssh://${ssh.user}@127.0.0.1:${ssh.port}`, undefined, { DOCKER_CONFIG: folder }), 60_000, { sshPrompts: accept, sshFiles: { homeDir: home, agentSocket: '' } });
    }
  });

  after(async () => {
    client?.dispose();
    sshClient?.dispose();
    await ssh?.stop();
    await node?.stop();
    try {
      execFileSync('ip', ['netns', 'del', HUB], { stdio: 'ignore' });
    } catch {
      // another file's node may still use the hub
    }
    rmSync(folder, { recursive: true, force: true });
  });

  async function grow(count: number): Promise<SandboxInfo[]> {
    for (; running < count; running++) {
      const network = running % 2 === 0 ? ['--network', `${PREFIX}net`] : [];
      nodeDocker(node, ['run', '-d', '--name', `${PREFIX}${running}`, ...network, TEST_IMAGE, 'sleep', '100000']);
    }
    const listed = await client.listContainers();
    return Promise.all(listed.map(async (c) => {
      const inspected = await client.inspectContainer(c.Id);
      return { containerId: c.Id, pid: inspected.State?.Pid, sandboxKey: inspected.NetworkSettings?.SandboxKey ?? undefined };
    }));
  }

  /** The local probe of the node's host, from inside its network namespace (a sysfs of its own). */
  function local(sandboxes: SandboxInfo[], level: 'sysfs' | 'netns'): { ms: number[]; namespaces: number } {
    const config = JSON.stringify({ sandboxes, netnsDir: path.join(node.execRoot, 'netns'), level, rounds: ROUNDS });
    const out = execFileSync('nsenter', [`--net=/var/run/netns/${node.name}`, '--', 'unshare', '--mount', '--', 'sh', '-c', 'mount -t sysfs sysfs /sys && exec "$0" "$@"', process.execPath, benchChild, config], { encoding: 'utf8', timeout: 300_000 });
    return JSON.parse(out) as { ms: number[]; namespaces: number };
  }

  async function helper(engine: EngineClient, sandboxes: SandboxInfo[]): Promise<{ ms: number[]; namespaces: number }> {
    const ms: number[] = [];
    let namespaces = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const facts = await observeThroughHelper(engine, { image: TEST_IMAGE, sandboxes });
      ms.push(facts.elapsedMs ?? -1);
      namespaces = facts.namespaces.length;
    }
    return { ms, namespaces };
  }

  /** The kept helper: a first read starts it (not timed), then ROUNDS reads, each an exec in it; removed after. */
  async function keptHelper(engine: EngineClient, sandboxes: SandboxInfo[]): Promise<{ ms: number[]; namespaces: number }> {
    const kept = new KeptHelperObserver(engine, { image: TEST_IMAGE });
    try {
      await kept.observe({ sandboxes, hostOnly: false });
      const ms: number[] = [];
      let namespaces = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const facts = await kept.observe({ sandboxes, hostOnly: false });
        ms.push(facts.elapsedMs ?? -1);
        namespaces = facts.namespaces.length;
      }
      return { ms, namespaces };
    } finally {
      await kept.dispose();
    }
  }

  for (const count of [10, 150]) {
    test(`${count} containers: the helper read (unix socket, SSH) beside the local sysfs and netns reads of the same host`, { timeout: 900_000 }, async () => {
      const sandboxes = await grow(count);
      assert.equal(sandboxes.length, count);
      const sysfs = local(sandboxes, 'sysfs');
      const netns = local(sandboxes, 'netns');
      const unix = await helper(client, sandboxes);
      const overSsh = sshClient ? await helper(sshClient, sandboxes) : undefined;
      const keptUnix = await keptHelper(client, sandboxes);
      const keptSsh = sshClient ? await keptHelper(sshClient, sandboxes) : undefined;
      const line = (what: string, run: { ms: number[]; namespaces: number }) => `# bench ${count} containers, ${what}: median ${median(run.ms)} ms (${run.ms.join(', ')}), ${run.namespaces} namespaces`;
      const runs: [string, { ms: number[]; namespaces: number } | undefined][] = [
        ['helper unix', unix],
        ['helper ssh', overSsh],
        ['kept helper unix', keptUnix],
        ['kept helper ssh', keptSsh],
      ];
      console.log([line('local sysfs', sysfs), line('local netns', netns), ...runs.flatMap(([what, run]) => (run ? [line(what, run)] : []))].join('\n'));
      for (const [what, run] of runs) {
        if (run) {
          assert.ok(run.namespaces >= count, `${what} read every container namespace (${run.namespaces})`);
          console.log(`# bench ${count} containers: ${what} / local sysfs = ${(median(run.ms) / median(sysfs.ms)).toFixed(2)}, ${what} / local netns = ${(median(run.ms) / median(netns.ms)).toFixed(2)}`);
        }
      }
      // Figures, not a timed check: the yardstick is the sysfs level (2x); the netns level's
      // facts are the ones the helper gives. The helper's own start and removal (about 0.15 s at any
      // size) alone are more than the sysfs read of 150 containers; the kept helper pays them once.
    });
  }
});
