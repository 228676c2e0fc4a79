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

/**
 * Removes what this run made (the label and the run's name suffix): containers first, then networks,
 * then the isolation rules the CNI firewall plugin leaves behind for those networks' bridges (a
 * network made through the compatible API is isolated; without this, the next network given the same
 * bridge name would be isolated by them, whoever made it).
 */
function removeOwn(podman: ReturnType<typeof podmanCli>, suffix: string): void {
  const containers = podman(['ps', '-aq', '--filter', `label=${PODMAN_LABEL}=1`, '--filter', `name=${suffix}`], { allowFailure: true }).split('\n').filter(Boolean);
  if (containers.length > 0) {
    podman(['rm', '-f', '-t', '0', ...containers], { allowFailure: true });
  }
  const networks = podman(['network', 'ls', '--format', '{{.Name}}', '--filter', `label=${PODMAN_LABEL}=1`], { allowFailure: true }).split('\n');
  const bridges: string[] = [];
  for (const network of networks.filter((name) => name.endsWith(suffix))) {
    bridges.push(podman(['network', 'inspect', network, '--format', '{{.NetworkInterface}}'], { allowFailure: true }));
    podman(['network', 'rm', '-f', network], { allowFailure: true });
  }
  removeIsolationLeftovers([...bridges.filter(Boolean), ...staleIsolationBridges()]);
}

/**
 * Bridges the CNI firewall plugin's isolation rules name that no longer exist: left by networks
 * removed without this helper (the extension's own remove in a test). The plugin adds its rules
 * after making the bridge, so a rule whose bridge is absent belongs to a network already gone.
 */
function staleIsolationBridges(): string[] {
  let rules = '';
  try {
    rules = execFileSync('iptables', ['-t', 'filter', '-S', 'CNI-ISOLATION-STAGE-2'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  } catch {
    return [];
  }
  return [...rules.matchAll(/^-A CNI-ISOLATION-STAGE-2 -o (\S+) /gm)].map((match) => match[1]).filter((bridge) => !existsSync(`/sys/class/net/${bridge}`));
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

const SAME_BRIDGE_COMMENT = 'CNI firewall plugin rules (ingressPolicy: same-bridge)';

/**
 * The CNI firewall plugin leaves its isolation rules behind when an isolated network goes (Podman
 * 4.3: `CNI-ISOLATION-STAGE-1 -i <bridge> …` and `CNI-ISOLATION-STAGE-2 -o <bridge> … DROP` stay
 * after `podman network rm`), and the next network given that bridge name is isolated by them.
 * Removes those of `bridges` (ours) once the bridge is gone, never one a live network uses.
 */
export function removeIsolationLeftovers(bridges: readonly string[]): void {
  for (const bridge of bridges) {
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridge) || existsSync(`/sys/class/net/${bridge}`)) {
      continue;
    }
    const rules = [
      ['CNI-ISOLATION-STAGE-1', '-i', bridge, '!', '-o', bridge, '-m', 'comment', '--comment', SAME_BRIDGE_COMMENT, '-j', 'CNI-ISOLATION-STAGE-2'],
      ['CNI-ISOLATION-STAGE-2', '-o', bridge, '-m', 'comment', '--comment', SAME_BRIDGE_COMMENT, '-j', 'DROP'],
    ];
    for (const rule of rules) {
      for (let guard = 0; guard < 10; guard++) {
        try {
          execFileSync('iptables', ['-t', 'filter', '-D', ...rule], { stdio: 'ignore', timeout: 10_000 });
        } catch {
          break;
        }
      }
    }
  }
}
