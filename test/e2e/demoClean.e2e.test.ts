/**
 * Tier 4 for issue 22, item 8: `scripts/demo.sh --clean` leaves nothing of the demo behind. The real
 * script serves the demo (the e2e VSIX, so it does not build and package again; on a free port; its
 * code-server folder under a temporary parent through DNE_DEMO_STATE, so that a demo of the user's is
 * not touched), then `--clean` runs from another shell while the demo still serves, as a user would.
 * Afterwards: no demo container or network on the engine, no process of the demo (its code-server
 * and children, nothing serving the port or naming its folder), and no folder it made (the parent
 * is empty). Uses the demo's names (devops, prod, AppDev, AppProd): they must be free.
 */
import * as assert from 'node:assert';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, packagedVsix, REPO_ROOT } from '../harness/codeServer';
import { ensureDocker } from '../harness/workbench';
import { docker } from '../support/dockerCli';
import { descendants, processAlive } from '../support/processes';
import { waitFor } from '../support/waitFor';

const DEMO = path.join(REPO_ROOT, 'scripts', 'demo.sh');
const LABEL = 'dne.demo=1';
const NETWORKS = ['devops', 'prod'];
const CONTAINERS = ['AppDev', 'AppProd'];

/** The demo's objects on the engine: by its label, and by its names. */
function demoObjects(): string[] {
  const labelled = [...docker(['ps', '-aq', '--filter', `label=${LABEL}`]).split('\n'), ...docker(['network', 'ls', '-q', '--filter', `label=${LABEL}`]).split('\n')];
  const named = [
    ...CONTAINERS.filter((name) => docker(['ps', '-aq', '--filter', `name=^/?${name}$`]) !== ''),
    ...NETWORKS.filter((name) => docker(['network', 'ls', '-q', '--filter', `name=^${name}$`]) !== ''),
  ];
  return [...labelled.filter(Boolean), ...named];
}

/** Processes whose command line names `text` (this test's own excepted). */
function processesNaming(text: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)) {
    const command = (() => {
      try {
        return fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      } catch {
        return '';
      }
    })();
    if (command.includes(text)) found.push(`${entry}: ${command.slice(0, 200)}`);
  }
  return found;
}

describe('scripts/demo.sh --clean (e2e: the real script, engine and code-server)', { timeout: 600_000 }, () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'dne-demo-clean-'));
  const state = path.join(parent, 'demo');
  let env: NodeJS.ProcessEnv = process.env;
  let demo: ChildProcess | undefined;
  let output = '';

  before(async () => {
    ensureDocker();
    assert.deepStrictEqual(demoObjects(), [], 'the demo\'s names are taken (a demo or another test runs here: remove it first)');
    env = { ...process.env, PORT: String(await freePort()), DNE_DEMO_STATE: state, DNE_DEMO_VSIX: packagedVsix('docker-network-explorer-demo-clean') };
  });

  after(() => {
    // Whatever the outcome: the demo this test started, and its topology.
    if (demo?.pid && processAlive(demo.pid)) process.kill(-demo.pid, 'SIGKILL');
    execFileSync('bash', [DEMO, '--clean'], { env, stdio: 'ignore' });
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('serves the demo, then --clean leaves no container, network, process or folder of it', async () => {
    demo = spawn('bash', [DEMO], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    demo.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = await waitFor('the demo to serve', async () => {
      const printed = /demo: Docker Network Explorer in code-server: (\S+)/.exec(output)?.[1];
      return printed && (await fetch(printed).then((response) => response.ok, () => false)) ? printed : undefined;
    }, { timeoutMs: 300_000, intervalMs: 500, lastSeen: () => output });
    const served = [demo.pid!, ...descendants(demo.pid!)];
    assert.ok(served.length >= 2, `code-server and its server process: ${served.join(', ')}`);
    assert.ok(fs.existsSync(path.join(state, 'user-data')) && fs.existsSync(path.join(state, 'extensions')), 'the demo made its code-server folder');
    assert.deepStrictEqual(demoObjects().length, NETWORKS.length + CONTAINERS.length + NETWORKS.length + CONTAINERS.length, 'the demo made its topology (labelled and named)');

    // From another shell, while the demo still serves.
    const cleaned = execFileSync('bash', [DEMO, '--clean'], { env, encoding: 'utf8' });
    await waitFor('every process of the demo to end', () => served.every((pid) => !processAlive(pid)), { timeoutMs: 10_000, lastSeen: () => `alive: ${served.filter(processAlive).join(', ')}; --clean said: ${cleaned}` });
    assert.deepStrictEqual(processesNaming(state), [], 'no process names the demo\'s folder');
    assert.deepStrictEqual(processesNaming(`127.0.0.1:${env.PORT}`), [], 'nothing serves the demo\'s port');
    assert.strictEqual(await fetch(url).then(() => 'answered', () => 'refused'), 'refused');
    assert.deepStrictEqual(demoObjects(), [], 'no demo container or network');
    assert.deepStrictEqual(fs.readdirSync(parent), [], `no folder of the demo (--clean said: ${cleaned})`);
  });
});
