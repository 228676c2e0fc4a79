/**
 * The helper observation level refused where it cannot work, judged from the live engine's /info
 * read by the extension's own client, and checked against what the engine really does with what the
 * helper would send (`--privileged --pid=host --network=host`):
 * - a dockerd node started with `--userns-remap=default` (test/support/dockerdNode.ts, of the
 *   running tier's Docker version: 20.10, or 28 under scripts/engine28.sh run) says `name=userns`,
 *   is refused as `usernsRemap`, and the engine itself refuses the helper's run, while it runs the
 *   same image without those flags;
 * - the machine's engine (the tier's one) is not refused, and does run the helper's flags, except
 *   where a Docker before 23.0 runs on a machine whose capability bounding set lacks one the kernel
 *   knows (this VM lacks CAP_SYS_RESOURCE): such an engine asks runc for every capability the
 *   kernel knows for a privileged container, and runc cannot grant the missing one (moby/moby#42933,
 *   in 23.0, limits them to the engine's bounding set). /info does not tell it; the helper's run
 *   fails with the engine's words, which its failure sentence carries.
 * Everything made here is named `dneref-…`; the node and its hub are removed in `after`.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { EngineClient } from '../../src/engine/engineClient';
import { helperFailureText } from '../../src/messages/helperObservationMessages';
import { englishTranslator } from '../../src/messages/translator';
import { parseDockerHost } from '../../src/model/connectionResolution';
import { helperObservationRefusal } from '../../src/model/helperRefusal';
import { docker, TEST_IMAGE, TEST_LABEL } from '../support/dockerCli';
import { DockerdNode, nodeDocker, removeHub, startDockerdNode } from '../support/dockerdNode';

/** This file's hub and address slot (dockerdNode.ts: group 3, indexes 1..2 are the several-engines tests'). */
const HUB = 'dneref';
const GROUP = 3;
const INDEX = 5;
const PREFIX = 'dneref-';
const MACHINE_HOST = 'unix:///var/run/docker.sock';

/** The flags the helper observation level runs with (issue 20): the engine host's processes and network. */
const HELPER_FLAGS = ['--privileged', '--pid=host', '--network=host'];

/** `docker -H host run --rm …`: its exit status and what the CLI printed on stderr (the engine's words). */
function dockerRun(host: string, name: string, flags: readonly string[]): { status: number | null; stderr: string } {
  const result = spawnSync('docker', ['-H', host, 'run', '--rm', '--name', name, '--label', `${TEST_LABEL}=1`, ...flags, TEST_IMAGE, 'true'], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stderr: result.stderr.trim() };
}

function removeOurs(host: string): void {
  const ours = spawnSync('docker', ['-H', host, 'ps', '-aq', '--filter', `name=^${PREFIX}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  if (ours.length > 0) {
    spawnSync('docker', ['-H', host, 'rm', '-f', ...ours], { encoding: 'utf8' });
  }
}

describe('helper observation refused on an engine with --userns-remap', () => {
  let node: DockerdNode;
  let client: EngineClient;

  before(async () => {
    node = await startDockerdNode({ hub: HUB, group: GROUP, index: INDEX, extraDaemonArgs: ['--userns-remap=default'] });
    client = new EngineClient({ source: 'setting', contextName: 'default', ...parseDockerHost(node.host) });
  });

  after(async () => {
    client?.dispose();
    if (node) {
      removeOurs(node.host);
      await node.stop();
    }
    removeHub(HUB);
  });

  test('its live /info says name=userns, and the helper is refused as usernsRemap before anything is sent', async () => {
    const info = await client.info();
    // The node runs the tier's Docker (the dockerd first on PATH), so both versions are checked.
    assert.equal(info.ServerVersion, docker(['version', '--format', '{{.Server.Version}}']));
    assert.ok((info as { SecurityOptions?: string[] }).SecurityOptions?.includes('name=userns'), JSON.stringify((info as { SecurityOptions?: string[] }).SecurityOptions));
    assert.equal(helperObservationRefusal(info), 'usernsRemap');
  });

  test('the engine itself refuses what the helper would send, and runs the same image without those flags', () => {
    // The image is there: the refusal is about the flags, not a missing image.
    assert.notEqual(nodeDocker(node, ['image', 'inspect', '--format', '{{.Id}}', TEST_IMAGE]), '');
    const helper = dockerRun(node.host, `${PREFIX}helper`, HELPER_FLAGS);
    // Docker 20.10 and 28.5 both answer (status 125 from the CLI):
    //   docker: Error response from daemon: privileged mode is incompatible with user namespaces.
    //   You must run the container in the host namespace when running privileged mode.
    assert.equal(helper.status, 125, helper.stderr);
    assert.match(helper.stderr, /privileged mode is incompatible with user namespaces\.\s+You must run the container in the host namespace when running privileged mode/);
    const plain = dockerRun(node.host, `${PREFIX}plain`, []);
    assert.equal(plain.status, 0, plain.stderr);
    // What the user would read had it been sent anyway: the engine's words, on one line.
    const words = helper.stderr.replace(/^docker: Error response from daemon: /, '').split('\n')[0];
    assert.match(helperFailureText('refused', { image: TEST_IMAGE, engineLabel: node.host, engineMessage: words }, englishTranslator), /refused the helper container: privileged mode is incompatible with user namespaces/);
  });
});

/** Whether the kernel knows a capability that this machine's bounding set (the engine's too: same boot, root) lacks. */
function boundingSetLacksACapability(): boolean {
  const lastCap = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
  const bounding = BigInt(`0x${/^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]}`);
  const known = (1n << BigInt(lastCap + 1)) - 1n;
  return (bounding & known) !== known;
}

describe('helper observation offered on the machine\'s engine', () => {
  let client: EngineClient;

  before(() => {
    client = new EngineClient({ source: 'setting', contextName: 'default', ...parseDockerHost(MACHINE_HOST) });
  });

  after(() => {
    client?.dispose();
    removeOurs(MACHINE_HOST);
  });

  test('its live /info is not refused, and the engine runs the helper\'s flags (or says why not, before Docker 23 on a machine short of a capability)', async () => {
    const info = await client.info();
    assert.equal(info.OSType, 'linux');
    assert.equal(helperObservationRefusal(info), undefined);
    const helper = dockerRun(MACHINE_HOST, `${PREFIX}helper-${process.pid}`, HELPER_FLAGS);
    const major = Number.parseInt(info.ServerVersion ?? '', 10);
    if (major < 23 && boundingSetLacksACapability()) {
      // Docker 20.10.24 on this VM (CapBnd 000001fffeffffff: no CAP_SYS_RESOURCE):
      //   docker: Error response from daemon: failed to create shim task: OCI runtime create failed:
      //   runc create failed: unable to start container process: unable to apply caps: operation not permitted: unknown.
      assert.equal(helper.status, 125, helper.stderr);
      assert.match(helper.stderr, /unable to apply caps: operation not permitted/);
      const words = helper.stderr.replace(/^docker: Error response from daemon: /, '').split('\n')[0];
      assert.match(helperFailureText('failed', { image: TEST_IMAGE, engineLabel: MACHINE_HOST, engineMessage: words }, englishTranslator), /failed: failed to create shim task: .*unable to apply caps: operation not permitted/);
    } else {
      assert.equal(helper.status, 0, helper.stderr);
    }
  });
});
