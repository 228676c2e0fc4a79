/**
 * A real Podman serving its Docker-compatible API for the tests (and the fixture recorder):
 * `podman system service -t 0 unix://<tmp>/podman.sock` under a private containers.conf (this kind
 * of VM refuses Podman's default rlimits: `default_ulimits` sets ones it accepts), with the test
 * image loaded from the Docker engine (`docker save | podman load`). Everything made through it
 * carries the label `dne.test.podman=1` and a `pdm-` name; `stop()` removes those, stops the
 * service it started (by its process id) and deletes its folder. The Docker engines are never touched.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { descendants, killAll } from './processes';
import { engineGet, TEST_IMAGE } from './dockerCli';
import { waitFor } from './waitFor';

export const PODMAN_LABEL = 'dne.test.podman';

export interface PodmanService {
  socketPath: string;
  /** `unix://…`, as DOCKER_HOST or the extension's setting takes it. */
  host: string;
  /** Runs the podman CLI (argument array) on the same storage and configuration; its trimmed stdout. */
  podman(args: readonly string[], options?: { allowFailure?: boolean }): string;
  /** A `pdm-` name unique to this run (two runs may share the storage: the engine tier runs in two places). */
  name(base: string): string;
  /** Runs a long-lived busybox container with the label; extra arguments go before the image. */
  runContainer(name: string, extraArgs?: readonly string[]): string;
  createNetwork(name: string, extraArgs?: readonly string[]): string;
  stop(): Promise<void>;
}

/** Whether this machine has Podman (the tests that need it are skipped without it). */
export function podmanInstalled(): boolean {
  try {
    execFileSync('podman', ['--version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

function podmanCli(env: NodeJS.ProcessEnv) {
  return (args: readonly string[], options: { allowFailure?: boolean; input?: Buffer } = {}): string => {
    try {
      return execFileSync('podman', args, { encoding: 'utf8', env, input: options.input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 120_000, maxBuffer: 256 * 1024 * 1024 }).trim();
    } catch (error) {
      if (options.allowFailure) {
        return '';
      }
      throw new Error(`podman ${args.join(' ')} failed: ${((error as { stderr?: string }).stderr ?? '').trim()}`);
    }
  };
}

/** Gives Podman the test image (from the Docker engine's copy) unless it has it already. */
function ensureImage(podman: ReturnType<typeof podmanCli>): void {
  if (podman(['images', '-q', TEST_IMAGE], { allowFailure: true }) !== '') {
    return;
  }
  const archive = execFileSync('docker', ['save', TEST_IMAGE], { maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  podman(['load'], { input: archive });
}

/** Removes what this run made (the label and the run's name suffix): containers first, then networks. */
function removeOwn(podman: ReturnType<typeof podmanCli>, suffix: string): void {
  const containers = podman(['ps', '-aq', '--filter', `label=${PODMAN_LABEL}=1`, '--filter', `name=${suffix}`], { allowFailure: true }).split('\n').filter(Boolean);
  if (containers.length > 0) {
    podman(['rm', '-f', '-t', '0', ...containers], { allowFailure: true });
  }
  const networks = podman(['network', 'ls', '--format', '{{.Name}}', '--filter', `label=${PODMAN_LABEL}=1`], { allowFailure: true }).split('\n');
  for (const network of networks.filter((name) => name.endsWith(suffix))) {
    podman(['network', 'rm', '-f', network], { allowFailure: true });
  }
}

export async function startPodmanService(): Promise<PodmanService> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dne-podman-'));
  const conf = path.join(folder, 'containers.conf');
  writeFileSync(conf, '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n');
  const env = { ...process.env, CONTAINERS_CONF: conf };
  const podman = podmanCli(env);
  const socketPath = path.join(folder, 'podman.sock');
  const service: ChildProcess = spawn('podman', ['system', 'service', '-t', '0', `unix://${socketPath}`], { env, stdio: 'ignore', detached: true });
  const stopService = () => {
    if (service.pid !== undefined) {
      killAll([...descendants(service.pid), service.pid]);
    }
  };
  try {
    await waitFor('podman system service to answer', async () => existsSync(socketPath) && (await engineGet('/version', socketPath).catch(() => undefined)) !== undefined, { timeoutMs: 30_000, intervalMs: 100 });
    ensureImage(podman);
  } catch (error) {
    stopService();
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  const suffix = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
  return {
    socketPath,
    host: `unix://${socketPath}`,
    podman: (args, options) => podman(args, options),
    name: (base) => `pdm-${base}-${suffix}`,
    runContainer: (name, extraArgs = []) => podman(['run', '-d', '--name', name, '--label', `${PODMAN_LABEL}=1`, ...extraArgs, TEST_IMAGE, 'sleep', '100000']),
    createNetwork: (name, extraArgs = []) => podman(['network', 'create', '--label', `${PODMAN_LABEL}=1`, ...extraArgs, name]),
    stop: async () => {
      removeOwn(podman, suffix);
      stopService();
      await waitFor('podman system service to stop', () => service.exitCode !== null || service.signalCode !== null, { timeoutMs: 10_000 }).catch(() => undefined);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
