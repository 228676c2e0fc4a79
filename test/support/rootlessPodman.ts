/**
 * A real rootless Podman for the tests (and the fixture recorder): a test user (`dne-rootless`,
 * made here when missing, with subordinate ids in /etc/subuid and /etc/subgid) runs its own
 * `podman system service` on `$XDG_RUNTIME_DIR/podman/podman.sock` (the socket the engine
 * resolution looks for), under a private containers.conf with the rlimits this kind of VM accepts
 * (as podmanService.ts), with the test image loaded from the Docker engine. Everything made through
 * it carries the label `dne.test.podman=1` and a `pdm-` name; `stop()` removes those, stops the
 * service and the user's pause process (by their process ids) and deletes its folder.
 * Needs root (to make the user and run as it); the tests skip without it.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { engineGet, TEST_IMAGE } from './dockerCli';
import { sharedTempFolder } from './asUser';
import { PODMAN_LABEL, podmanInstalled } from './podmanService';
import { descendants, killAll } from './processes';
import { waitFor } from './waitFor';

export const ROOTLESS_USER = 'dne-rootless';

export interface RootlessUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  runtimeDir: string;
}

/** Why rootless Podman cannot run here, or undefined when it can be tried. */
export function rootlessUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (to make the test user and run as it)';
  if (!podmanInstalled()) return 'podman is not installed';
  for (const tool of ['newuidmap', 'slirp4netns']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0) return `${tool} is missing (scripts/ensure-system.sh installs it)`;
  }
  return undefined;
}

function idOf(flag: '-u' | '-g', user: string): number | undefined {
  const result = spawnSync('id', [flag, user], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim()) : undefined;
}

/** The test user, made (with a home and subordinate ids) when missing; its runtime folder, made too. */
export function ensureRootlessUser(): RootlessUser {
  if (idOf('-u', ROOTLESS_USER) === undefined) {
    execFileSync('useradd', ['--create-home', '--shell', '/usr/sbin/nologin', ROOTLESS_USER]);
  }
  // useradd gives subordinate ids on Debian (login.defs SUB_UID_*); an older user may have none.
  for (const [file, flag] of [['/etc/subuid', '--add-subuids'], ['/etc/subgid', '--add-subgids']] as const) {
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
    if (!lines.some((line) => line.startsWith(`${ROOTLESS_USER}:`))) {
      execFileSync('usermod', [flag, '300000-365535', ROOTLESS_USER]);
    }
  }
  const uid = idOf('-u', ROOTLESS_USER)!;
  const gid = idOf('-g', ROOTLESS_USER)!;
  const runtimeDir = `/run/user/${uid}`;
  mkdirSync(runtimeDir, { recursive: true });
  chownSync(runtimeDir, uid, gid);
  chmodSync(runtimeDir, 0o700);
  return { name: ROOTLESS_USER, uid, gid, home: `/home/${ROOTLESS_USER}`, runtimeDir };
}

export interface RootlessPodman {
  user: RootlessUser;
  socketPath: string;
  host: string;
  /** The environment the user's tools run with (HOME, XDG_RUNTIME_DIR, CONTAINERS_CONF, DOCKER_HOST). */
  env: NodeJS.ProcessEnv;
  podman(args: readonly string[], options?: { allowFailure?: boolean; input?: Buffer }): string;
  name(base: string): string;
  runContainer(name: string, extraArgs?: readonly string[]): string;
  createNetwork(name: string, extraArgs?: readonly string[]): string;
  stop(): Promise<void>;
}

export async function startRootlessPodman(): Promise<RootlessPodman> {
  const user = ensureRootlessUser();
  const folder = sharedTempFolder();
  const conf = path.join(folder, 'containers.conf');
  writeFileSync(conf, '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n', { mode: 0o644 });
  const socketPath = path.join(user.runtimeDir, 'podman', 'podman.sock');
  const env: NodeJS.ProcessEnv = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: user.home,
    USER: user.name,
    XDG_RUNTIME_DIR: user.runtimeDir,
    CONTAINERS_CONF: conf,
    DOCKER_HOST: `unix://${socketPath}`,
    LANG: 'C.UTF-8',
  };
  const asUser = (args: readonly string[]) => ['-u', user.name, '--', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...args];
  const podman = (args: readonly string[], options: { allowFailure?: boolean; input?: Buffer } = {}): string => {
    try {
      return execFileSync('runuser', asUser(['podman', ...args]), { cwd: '/tmp', encoding: 'utf8', input: options.input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 120_000, maxBuffer: 256 * 1024 * 1024 }).trim();
    } catch (error) {
      if (options.allowFailure) return '';
      throw new Error(`podman ${args.join(' ')} (as ${user.name}) failed: ${((error as { stderr?: string }).stderr ?? '').trim()}`);
    }
  };
  // Podman 4.3 binds its socket without making the folder first (bind: no such file or directory).
  const socketFolder = path.dirname(socketPath);
  mkdirSync(socketFolder, { recursive: true });
  chownSync(socketFolder, user.uid, user.gid);
  chmodSync(socketFolder, 0o700);
  const service: ChildProcess = spawn('runuser', asUser(['podman', 'system', 'service', '-t', '0', `unix://${socketPath}`]), { cwd: '/tmp', stdio: 'ignore', detached: true });
  const stopService = () => {
    if (service.pid !== undefined) killAll([...descendants(service.pid), service.pid]);
  };
  const suffix = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
  const removeOwn = () => {
    const containers = podman(['ps', '-aq', '--filter', `label=${PODMAN_LABEL}=1`, '--filter', `name=${suffix}`], { allowFailure: true }).split('\n').filter(Boolean);
    if (containers.length > 0) podman(['rm', '-f', '-t', '0', ...containers], { allowFailure: true });
    for (const network of podman(['network', 'ls', '--format', '{{.Name}}', '--filter', `label=${PODMAN_LABEL}=1`], { allowFailure: true }).split('\n')) {
      if (network.endsWith(suffix)) podman(['network', 'rm', '-f', network], { allowFailure: true });
    }
  };
  try {
    await waitFor('rootless podman system service to answer', async () => existsSync(socketPath) && (await engineGet('/version', socketPath).catch(() => undefined)) !== undefined, { timeoutMs: 30_000, intervalMs: 100 });
    if (podman(['images', '-q', TEST_IMAGE], { allowFailure: true }) === '') {
      podman(['load'], { input: execFileSync('docker', ['save', TEST_IMAGE], { maxBuffer: 256 * 1024 * 1024, timeout: 120_000 }) });
    }
  } catch (error) {
    stopService();
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    user,
    socketPath,
    host: `unix://${socketPath}`,
    env,
    podman,
    name: (base) => `pdm-${base}-${suffix}`,
    runContainer: (name, extraArgs = []) => podman(['run', '-d', '--name', name, '--label', `${PODMAN_LABEL}=1`, ...extraArgs, TEST_IMAGE, 'sleep', '100000']),
    createNetwork: (name, extraArgs = []) => podman(['network', 'create', '--label', `${PODMAN_LABEL}=1`, ...extraArgs, name]),
    stop: async () => {
      removeOwn();
      stopService();
      await waitFor('rootless podman system service to stop', () => service.exitCode !== null || service.signalCode !== null, { timeoutMs: 10_000 }).catch(() => undefined);
      // The user's pause process (it holds the user and mount namespaces) outlives the service: end it when it is that user's.
      const pauseFile = path.join(user.runtimeDir, 'libpod', 'tmp', 'pause.pid');
      const pause = existsSync(pauseFile) ? Number(readFileSync(pauseFile, 'utf8').trim()) : NaN;
      if (Number.isInteger(pause) && pause > 1 && spawnSync('ps', ['-o', 'user=', '-p', String(pause)], { encoding: 'utf8' }).stdout.trim() === user.name) {
        killAll([pause]);
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
