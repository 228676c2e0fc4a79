/**
 * The helper observation level on Podman's Docker-compatible API (the podman tier): a rootful
 * `podman system service` is offered it; a rootless one is refused as `podmanRootless`, judged from
 * the live /info the extension's client reads (its `Rootless` field: its SecurityOptions do not say
 * rootless). And why: rootless Podman does start the helper's `--privileged --pid=host
 * --network=host`, but what that helper reads is the host's network namespace (the machine's own
 * interfaces), not the user's rootless one where that engine's bridges are, and it may not enter the
 * host's other namespaces.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EngineClient } from '../../src/engine/engineClient';
import { parseDockerHost } from '../../src/model/connectionResolution';
import { helperObservationRefusal } from '../../src/model/helperRefusal';
import { TEST_IMAGE } from '../support/dockerCli';
import { PODMAN_LABEL, podmanInstalled, PodmanService, startPodmanService } from '../support/podmanService';
import { ensureRootlessUser, RootlessPodman, rootlessUnavailable, startRootlessPodman } from '../support/rootlessPodman';

// Under CI a machine that cannot run Podman is a failure (the tier installs what it needs), never a skip.
const noPodman = process.env.CI === 'true' || podmanInstalled() ? undefined : 'podman is not installed';
const noRootless = process.env.CI === 'true' ? undefined : rootlessUnavailable();

const HELPER_FLAGS = ['--privileged', '--pid=host', '--network=host'];

describe('helper observation on rootful Podman (real podman system service)', { skip: noPodman ?? false }, () => {
  let podman: PodmanService;
  let client: EngineClient;

  before(async () => {
    podman = await startPodmanService();
    client = new EngineClient({ source: 'setting', contextName: 'default', ...parseDockerHost(podman.host) });
  });

  after(async () => {
    client?.dispose();
    await podman?.stop();
  });

  test('its live /info says Rootless: false, and the helper is offered', async () => {
    const info = await client.info();
    assert.equal(info.Rootless, false);
    assert.equal(helperObservationRefusal(info), undefined);
  });
});

describe('helper observation refused on rootless Podman (real rootless podman system service)', { skip: noRootless ?? false }, () => {
  let podman: RootlessPodman;
  let client: EngineClient;

  before(async () => {
    // Podman 4.3 does not make its socket's folder (bind: no such file or directory), and nothing
    // else does on a machine without the user's systemd podman.socket: made here, the user's own.
    const user = ensureRootlessUser();
    const socketFolder = path.join(user.runtimeDir, 'podman');
    mkdirSync(socketFolder, { recursive: true, mode: 0o700 });
    chownSync(socketFolder, user.uid, user.gid);
    podman = await startRootlessPodman();
    client = new EngineClient({ source: 'setting', contextName: 'default', ...parseDockerHost(podman.host) });
  });

  after(async () => {
    client?.dispose();
    await podman?.stop();
  });

  test('its live /info says Rootless: true (and no name=rootless), and the helper is refused as podmanRootless', async () => {
    const info = await client.info();
    assert.equal(info.Rootless, true);
    assert.ok(!((info as { SecurityOptions?: string[] }).SecurityOptions ?? []).includes('name=rootless'));
    assert.equal(helperObservationRefusal(info), 'podmanRootless');
  });

  test('a helper there would read the host\'s namespace, not the engine\'s, and could not enter the host\'s others', () => {
    const name = podman.name('dneref-helper');
    const hostInterfaces = () => new Set(readdirSync('/sys/class/net'));
    const beforeRun = hostInterfaces();
    const run = spawnSync('runuser', ['-u', podman.user.name, '--', 'env', ...Object.entries(podman.env).map(([key, value]) => `${key}=${value}`),
      'podman', 'run', '--rm', '--name', name, '--label', `${PODMAN_LABEL}=1`, ...HELPER_FLAGS, TEST_IMAGE,
      'sh', '-c', 'ls /sys/class/net; nsenter --net=/proc/1/ns/net true'], { cwd: '/tmp', encoding: 'utf8', timeout: 120_000 });
    // It starts (unlike rootless Docker's helper), and lists the host's interfaces: every one this
    // test's host namespace had before and after the run (other tests add and remove veths meanwhile).
    const afterRun = hostInterfaces();
    const stable = [...beforeRun].filter((name) => afterRun.has(name) && name !== 'lo');
    assert.ok(stable.length > 0, 'the host has interfaces besides lo');
    const seen = new Set(run.stdout.split('\n'));
    assert.deepEqual(stable.filter((name) => !seen.has(name)), [], `${run.stdout}\n${run.stderr}`);
    // busybox: "nsenter: can't open '/proc/1/ns/net': Permission denied".
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /can't open '\/proc\/1\/ns\/net': Permission denied/);
  });
});
