/** The built command line (dist/cli.js) against the real engine, as a user runs it. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runScriptAsUser } from '../support/asUser';
import { createNetwork, removeLabelled } from '../support/dockerCli';

const root = path.join(__dirname, '..', '..', '..');
const LABEL = 'dne.test.cli';
const NET = 'dnecli-net';

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: '' } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('command line against the real engine', () => {
  let bridge: string;
  before(() => {
    removeLabelled(LABEL);
    bridge = `br-${createNetwork(NET, [], LABEL).slice(0, 12)}`;
  });
  after(() => removeLabelled(LABEL));

  test('--help goes to stdout with exit 0', () => {
    const { code, out, err } = cli(['--help']);
    assert.equal(code, 0);
    assert.equal(err, '');
    assert.match(out, /^Usage: docker-network-explorer/);
  });

  test('diagram --network=NAME draws that network\'s bridge', () => {
    const { code, out } = cli(['diagram', `--network=${NET}`]);
    assert.equal(code, 0);
    assert.match(out, /^flowchart /);
    assert.ok(out.includes(bridge), `${bridge} in the diagram`);
  });

  test('an unknown network is a usage error that says so', () => {
    const { code, err } = cli(['diagram', '--network', 'dnecli-missing']);
    assert.equal(code, 2);
    assert.match(err, /there is no network "dnecli-missing"/);
  });

  test('a user outside the docker group gets the docker-group hint (EACCES), exit 1', { skip: process.getuid?.() === 0 ? false : 'needs root to run as nobody' }, () => {
    const { status, stderr } = runScriptAsUser(path.join(root, 'dist', 'cli.js'), ['diagram'], { env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: '' } });
    assert.equal(status, 1, stderr);
    assert.match(stderr, /Permission denied on the Docker socket\. Add your user to the docker group/);
    assert.match(stderr, /EACCES/);
  });

});
