/**
 * Records what real engines say in GET /info, for the helper observation level's refusal
 * (src/model/helperRefusal.ts decides from it, before anything is sent, whether a privileged helper
 * container can observe that engine's host). Into test/fixtures/helper-refusal/<engine>.json, one
 * file per engine: the whole /info (minus the proxy settings, which may carry credentials and are
 * not read) and, for the engine started with user-namespace remapping, the engine's own answer to
 * the create request the helper would send (Privileged, PidMode host, NetworkMode host).
 *
 * Sources, as arguments (any of them, in any order):
 *   docker           the local engine at /var/run/docker.sock (Docker 20.10 on the machine; Docker 28
 *                    when run under `bash scripts/engine28.sh run`)
 *   docker-rootless  the machine's dockerd run rootless by the test user of rootlessPodman.ts, through
 *                    Debian's dockerd-rootless.sh (needs `apt-get install rootlesskit`; slirp4netns and
 *                    uidmap come with scripts/ensure-system.sh)
 *   userns           a dockerd node of the local dockerd's version (test/support/dockerdNode.ts: hub
 *                    `dneref`, group 3, index 5) started with `--userns-remap=default`
 *   podman           a rootful `podman system service` (test/support/podmanService.ts)
 *   podman-rootless  a rootless one, as the test user (test/support/rootlessPodman.ts)
 *
 *   npx tsc -p test/tsconfig.json
 *   node out/scripts/recordHelperRefusalInfo.js docker docker-rootless userns podman podman-rootless
 *   bash scripts/engine28.sh run node out/scripts/recordHelperRefusalInfo.js docker userns
 *
 * Removes everything it made. Never edit the JSON by hand: re-record it.
 */
import Docker from 'dockerode';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { engineGet, TEST_IMAGE } from '../test/support/dockerCli';
import { removeHub, startDockerdNode } from '../test/support/dockerdNode';
import { startPodmanService } from '../test/support/podmanService';
import { descendants, killAll, processAlive } from '../test/support/processes';
import { ensureRootlessUser, startRootlessPodman } from '../test/support/rootlessPodman';
import { waitFor } from '../test/support/waitFor';

const FOLDER = path.join(__dirname, '..', '..', 'test', 'fixtures', 'helper-refusal');
const SCRIPT = 'scripts/recordHelperRefusalInfo.ts';
const HUB = 'dneref';
const USERNS_REMAP_ARGS = ['--userns-remap=default'] as const;

/** The part of the helper's create request that the engine judges (H1's observeThroughHelper sends these). */
const HELPER_HOST_CONFIG = { Privileged: true, PidMode: 'host', NetworkMode: 'host' } as const;

type Info = Record<string, unknown> & { ServerVersion?: string };

interface EngineAnswer {
  /** Where the engine said no: at `POST /containers/create`, or at `POST /containers/{id}/start`. */
  stage: 'create' | 'start';
  statusCode?: number;
  message: string;
}

/** GET /info without the proxy settings (they may hold a user name and password; nothing reads them). */
async function infoOf(socketPath: string): Promise<Info> {
  const info = await engineGet<Info>('/info', socketPath);
  for (const key of ['HttpProxy', 'HttpsProxy', 'NoProxy']) {
    delete info[key];
  }
  return info;
}

/** "20.10.24+dfsg1" -> "20.10", "4.3.1" -> "4.3". */
function majorMinor(version: string | undefined): string {
  return (version ?? '?').split('.').slice(0, 2).join('.');
}

function engineWords(error: unknown): { statusCode?: number; message: string } {
  const failure = error as { statusCode?: number; json?: { message?: string }; message?: string };
  return { statusCode: failure.statusCode, message: failure.json?.message ?? failure.message ?? String(error) };
}

/**
 * What the engine answers when the helper's container is created and started. One of the two must
 * fail: a helper that ran would make the fixture lie, so the recording fails then. The container
 * is removed whatever happens.
 */
async function helperRunAnswer(socketPath: string): Promise<EngineAnswer> {
  const engine = new Docker({ socketPath });
  let made: Docker.Container;
  try {
    made = await engine.createContainer({ Image: TEST_IMAGE, Cmd: ['true'], Labels: { 'dne.test': '1' }, HostConfig: { ...HELPER_HOST_CONFIG } });
  } catch (error) {
    return { stage: 'create', ...engineWords(error) };
  }
  try {
    await made.start();
  } catch (error) {
    return { stage: 'start', ...engineWords(error) };
  } finally {
    await made.remove({ force: true });
  }
  throw new Error(`the engine at ${socketPath} ran the helper's container`);
}

function write(file: string, fixture: unknown): void {
  mkdirSync(FOLDER, { recursive: true });
  writeFileSync(path.join(FOLDER, file), JSON.stringify(fixture, null, 2) + '\n');
  console.log(`recorded ${path.join(FOLDER, file)}`);
}

async function recordDocker(): Promise<void> {
  const info = await infoOf('/var/run/docker.sock');
  write(`docker-${majorMinor(info.ServerVersion)}.json`, {
    recordedWith: { engine: `Docker ${info.ServerVersion}`, script: SCRIPT },
    info,
  });
}

async function recordUsernsRemap(): Promise<void> {
  const node = await startDockerdNode({ hub: HUB, group: 3, index: 5, extraDaemonArgs: USERNS_REMAP_ARGS });
  try {
    const info = await infoOf(node.socketPath);
    write(`docker-${majorMinor(info.ServerVersion)}-userns-remap.json`, {
      recordedWith: { engine: `Docker ${info.ServerVersion}`, daemonArgs: USERNS_REMAP_ARGS, script: SCRIPT },
      info,
      /** The helper's HostConfig, and what the engine answered when asked to create and start it. */
      helperRun: { hostConfig: HELPER_HOST_CONFIG, answer: await helperRunAnswer(node.socketPath) },
    });
  } finally {
    await node.stop();
    removeHub(HUB);
  }
}

/** Debian's docker.io ships it there (moby's contrib/dockerd-rootless.sh). */
const DOCKERD_ROOTLESS = '/usr/share/docker.io/contrib/dockerd-rootless.sh';

async function recordRootlessDocker(): Promise<void> {
  if (!existsSync(DOCKERD_ROOTLESS)) {
    throw new Error(`${DOCKERD_ROOTLESS} is missing (Debian's docker.io has it)`);
  }
  const user = ensureRootlessUser();
  // Its own runtime folder and data root (not the user's /run/user/<uid>, where its rootless Podman lives).
  const folder = mkdtempSync('/tmp/dneref-rootless-');
  chmodSync(folder, 0o755);
  const runtimeDir = path.join(folder, 'run');
  const dataRoot = path.join(folder, 'data');
  for (const dir of [runtimeDir, dataRoot]) {
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, user.uid, user.gid);
  }
  const socketPath = path.join(runtimeDir, 'docker.sock');
  const logFile = path.join(folder, 'dockerd.log');
  const log = openSync(logFile, 'a');
  const daemon = spawn('runuser', [
    '-u', user.name, '--', 'env', `HOME=${user.home}`, `XDG_RUNTIME_DIR=${runtimeDir}`, 'PATH=/usr/sbin:/usr/bin:/sbin:/bin',
    'sh', DOCKERD_ROOTLESS, '--data-root', dataRoot, '-H', `unix://${socketPath}`,
  ], { cwd: '/tmp', stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  const started = daemon.pid!;
  try {
    await waitFor('rootless dockerd to answer', async () => {
      if (!processAlive(started)) {
        throw new Error(`rootless dockerd exited: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
      }
      return existsSync(socketPath) && (await engineGet('/version', socketPath).catch(() => undefined)) !== undefined;
    }, { timeoutMs: 60_000, intervalMs: 200 });
    execFileSync('docker', ['-H', `unix://${socketPath}`, 'load'], { input: execFileSync('docker', ['save', TEST_IMAGE], { maxBuffer: 256 * 1024 * 1024 }), stdio: ['pipe', 'ignore', 'pipe'] });
    const info = await infoOf(socketPath);
    write(`docker-${majorMinor(info.ServerVersion)}-rootless.json`, {
      recordedWith: { engine: `Docker ${info.ServerVersion} (rootless, user ${user.name}, dockerd-rootless.sh)`, script: SCRIPT },
      info,
      helperRun: { hostConfig: HELPER_HOST_CONFIG, answer: await helperRunAnswer(socketPath) },
    });
  } finally {
    // rootlesskit, dockerd, containerd, slirp4netns: everything this run started, by process id.
    const ours = [...descendants(started), started];
    ours.forEach((pid) => processAlive(pid) && process.kill(pid, 'SIGTERM'));
    await waitFor('rootless dockerd to stop', () => !ours.some(processAlive), { timeoutMs: 20_000, intervalMs: 100 }).catch(() => killAll(ours));
    rmSync(folder, { recursive: true, force: true });
  }
}

async function recordPodman(): Promise<void> {
  const podman = await startPodmanService();
  try {
    const info = await infoOf(podman.socketPath);
    write(`podman-${majorMinor(info.ServerVersion)}.json`, {
      recordedWith: { engine: `Podman ${info.ServerVersion} (rootful)`, script: SCRIPT },
      info,
    });
  } finally {
    await podman.stop();
  }
}

async function recordRootlessPodman(): Promise<void> {
  // Podman 4.3 does not make the socket's folder ("bind: no such file or directory"), and nothing
  // else makes it on a machine without the user's systemd podman.socket: made here, the user's own.
  const user = ensureRootlessUser();
  const socketFolder = path.join(user.runtimeDir, 'podman');
  mkdirSync(socketFolder, { recursive: true, mode: 0o700 });
  chownSync(socketFolder, user.uid, user.gid);
  const podman = await startRootlessPodman();
  try {
    const info = await infoOf(podman.socketPath);
    write(`podman-${majorMinor(info.ServerVersion)}-rootless.json`, {
      recordedWith: { engine: `Podman ${info.ServerVersion} (rootless, user ${podman.user.name})`, script: SCRIPT },
      info,
    });
  } finally {
    await podman.stop();
  }
}

const SOURCES: Record<string, () => Promise<void>> = {
  docker: recordDocker,
  'docker-rootless': recordRootlessDocker,
  userns: recordUsernsRemap,
  podman: recordPodman,
  'podman-rootless': recordRootlessPodman,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((source) => !(source in SOURCES));
  if (wanted.length === 0 || unknown.length > 0) {
    throw new Error(`usage: recordHelperRefusalInfo ${Object.keys(SOURCES).join('|')}… (unknown: ${unknown.join(', ') || 'none given'})`);
  }
  for (const source of wanted) {
    await SOURCES[source]();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
