/**
 * One extra dockerd "node" on this machine, for tests that need more than the shared engine (a
 * multi-node swarm, several engines at once). The recipe of /work/shared/ENVIRONMENT.md ("Beyond
 * one local engine"):
 *
 * - a hub network namespace `<hub>` holds a bridge `br0`; each node has its own network namespace
 *   `<hub>n<index>`, wired to the hub bridge by a veth pair (`<hub>v<index>` in the hub, `eth0` in
 *   the node). A bridge in the root namespace would not do: the main engine's FORWARD DROP policy
 *   and bridge netfilter drop the traffic.
 * - the daemon runs under `nsenter --net` (not `ip netns exec`, which remounts /sys and kills
 *   dockerd) and `unshare --uts` (its own host name), with its own data-root, exec-root, pid file,
 *   socket, bridge address, default address pool and cgroup parent; it starts its own containerd
 *   under its exec-root.
 *
 * Address plan (nothing overlaps the main engine's 172.16/12 pools nor the 10.x ranges the other
 * tests use): group G (0..3) and node index I (1..15):
 *   node address   10.150.G.I/24 (on the hub bridge)
 *   docker0 (bip)  10.151.(G*16+I).1/24
 *   local pools    base=10.(152+G).(I*16).0/20, size=24
 *   swarm pools    10.(160+G).0.0/16 (see swarmCluster.ts)
 * Two callers that use different groups (and hub names) never collide. Group 0 is the swarm test's.
 *
 * Teardown (`stop()`, also run after a failed start and before a start that finds leftovers of a
 * crashed run): stop the daemon by its pid file, kill what is left in the node's namespace (its
 * containerd, shims and containers), lazy-unmount everything under its folders, delete the
 * namespace, remove its cgroup folders and its files.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { docker, TEST_IMAGE } from './dockerCli';
import { killAll, processAlive } from './processes';
import { waitFor } from './waitFor';

export interface DockerdNode {
  /** The node's host name and network namespace name (`<hub>n<index>`). */
  readonly name: string;
  readonly socketPath: string;
  /** Its address on the hub bridge (no prefix). */
  readonly address: string;
  readonly execRoot: string;
  readonly dataRoot: string;
  /** `unix://<socketPath>`, for `docker -H`. */
  readonly host: string;
  stop(): Promise<void>;
  /**
   * Kills the daemon with SIGKILL (a crash) and returns once it is dead, so that no request sent
   * after this call can reach it. Its containers' shims stay, as after a real crash.
   */
  kill(): void;
  /** Starts the daemon again on the same roots, socket and addresses; resolves once it answers. */
  restart(): Promise<void>;
}

export interface DockerdNodeOptions {
  /** Hub namespace name, at most 8 characters (interface names are limited to 15). */
  readonly hub: string;
  /** Address group 0..3; two groups never share an address range. */
  readonly group: number;
  /** Node index 1..15 inside the group. */
  readonly index: number;
  /** Load local/busybox into the node (default true). */
  readonly loadImage?: boolean;
  /**
   * More daemon flags, after the node's own (e.g. `['--userns-remap=default']`). The flags the node
   * sets itself (roots, socket, addresses, cgroup parent) must not be given again: dockerd refuses
   * a flag given twice.
   */
  readonly extraDaemonArgs?: readonly string[];
}

const BASE_DIR = '/tmp/dne-nodes';
const CGROUP_ROOT = '/sys/fs/cgroup';

function run(command: string, args: readonly string[], allowFailure = false): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).trim();
  } catch (error) {
    if (allowFailure) {
      return '';
    }
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr.trim()}`);
  }
}

export function nodeAddresses(group: number, index: number): { address: string; bip: string; pool: string } {
  if (!Number.isInteger(group) || group < 0 || group > 3 || !Number.isInteger(index) || index < 1 || index > 15) {
    throw new Error(`dockerd node: group must be 0..3 and index 1..15 (got ${group}, ${index})`);
  }
  return {
    address: `10.150.${group}.${index}`,
    bip: `10.151.${group * 16 + index}.1/24`,
    pool: `base=10.${152 + group}.${index * 16}.0/20,size=24`,
  };
}

function namespaceExists(name: string): boolean {
  return fs.existsSync(`/run/netns/${name}`);
}

/** Creates the hub namespace and its bridge if they are not there yet. */
export function ensureHub(hub: string): void {
  if (!/^[a-z][a-z0-9]{0,7}$/.test(hub)) {
    throw new Error(`dockerd node: hub name must be 1-8 lowercase letters/digits (got "${hub}")`);
  }
  if (namespaceExists(hub)) {
    return;
  }
  run('ip', ['netns', 'add', hub]);
  run('ip', ['-n', hub, 'link', 'set', 'lo', 'up']);
  run('ip', ['-n', hub, 'link', 'add', 'br0', 'type', 'bridge']);
  run('ip', ['-n', hub, 'link', 'set', 'br0', 'up']);
}

/** Deletes the hub namespace (its bridge goes with it). Call after every node of the hub stopped. */
export function removeHub(hub: string): void {
  if (namespaceExists(hub)) {
    run('ip', ['netns', 'del', hub], true);
  }
}

function wireNode(hub: string, name: string, index: number, address: string): void {
  run('ip', ['netns', 'add', name]);
  run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  const hubSide = `${hub}v${index}`;
  run('ip', ['-n', hub, 'link', 'add', hubSide, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name]);
  run('ip', ['-n', hub, 'link', 'set', hubSide, 'master', 'br0']);
  run('ip', ['-n', hub, 'link', 'set', hubSide, 'up']);
  run('ip', ['-n', name, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
  run('ip', ['-n', name, 'link', 'set', 'eth0', 'up']);
}

interface NodePaths {
  dir: string;
  dataRoot: string;
  execRoot: string;
  pidFile: string;
  socketPath: string;
  configFile: string;
  logFile: string;
}

function nodePaths(name: string): NodePaths {
  const dir = path.join(BASE_DIR, name);
  return {
    dir,
    dataRoot: path.join(dir, 'data'),
    execRoot: path.join(dir, 'exec'),
    pidFile: path.join(dir, 'dockerd.pid'),
    socketPath: path.join(dir, 'docker.sock'),
    configFile: path.join(dir, 'daemon.json'),
    logFile: path.join(dir, 'dockerd.log'),
  };
}

function startDaemon(name: string, paths: NodePaths, bip: string, pool: string, extraArgs: readonly string[] = []): number {
  fs.mkdirSync(paths.dir, { recursive: true });
  fs.writeFileSync(paths.configFile, '{}\n');
  const log = fs.openSync(paths.logFile, 'a');
  // A fixed script: sets the UTS host name to $0 then execs the daemon with its argument array.
  const child = spawn('nsenter', [
    `--net=/run/netns/${name}`, '--', 'unshare', '--uts', '--', 'sh', '-c', 'hostname "$0" && exec "$@"', name,
    'dockerd', '--config-file', paths.configFile, '--data-root', paths.dataRoot, '--exec-root', paths.execRoot,
    '--pidfile', paths.pidFile, '-H', `unix://${paths.socketPath}`, '--bip', bip, '--default-address-pool', pool,
    '--cgroup-parent', name, '--log-level', 'warn', ...extraArgs,
  ], { detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  child.unref();
  if (child.pid === undefined) {
    throw new Error(`dockerd node ${name}: could not start nsenter`);
  }
  return child.pid;
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function stopProcess(pid: number, timeoutMs: number): Promise<void> {
  if (!processAlive(pid)) {
    return;
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  try {
    await waitFor(`process ${pid} to exit`, () => !processAlive(pid), { timeoutMs, intervalMs: 100 });
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Processes whose network namespace is the node's (its containerd, shims, containers). */
function processesInNamespace(name: string): number[] {
  if (!namespaceExists(name)) {
    return [];
  }
  return run('ip', ['netns', 'pids', name], true).split('\n').map(Number).filter((pid) => Number.isInteger(pid) && pid > 0);
}

function unmountUnder(dir: string): void {
  const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((line) => line.split(' ')[4])
    .filter((mountPoint): mountPoint is string => mountPoint !== undefined && (mountPoint === dir || mountPoint.startsWith(`${dir}/`)));
  // Deepest first; each one lazily, so a busy mount cannot block the teardown.
  for (const mountPoint of [...new Set(mounts)].sort((a, b) => b.length - a.length)) {
    run('umount', ['-l', mountPoint.replace(/\\040/g, ' ')], true);
  }
}

function removeCgroupTree(dir: string): void {
  if (!fs.existsSync(dir)) {
    return;
  }
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      removeCgroupTree(path.join(dir, entry.name));
    }
  }
  try {
    fs.rmdirSync(dir);
  } catch {
    // a cgroup that still has a process; the namespace teardown killed them, so this is rare
  }
}

function removeCgroups(name: string): void {
  if (!fs.existsSync(CGROUP_ROOT)) {
    return;
  }
  for (const controller of fs.readdirSync(CGROUP_ROOT)) {
    removeCgroupTree(path.join(CGROUP_ROOT, controller, name));
  }
}

/** Tears a node down completely; safe to call on a half-started or already stopped node. */
export async function teardownNode(name: string, spawnedPid?: number): Promise<void> {
  const paths = nodePaths(name);
  const pid = readPid(paths.pidFile) ?? spawnedPid;
  if (pid !== undefined) {
    await stopProcess(pid, 20_000);
  }
  for (const leftover of processesInNamespace(name)) {
    await stopProcess(leftover, 3_000);
  }
  unmountUnder(paths.dir);
  if (namespaceExists(name)) {
    run('ip', ['netns', 'del', name], true);
  }
  removeCgroups(name);
  fs.rmSync(paths.dir, { recursive: true, force: true });
}

let savedImage: string | undefined;

/** `docker save` of the test image, once per process. */
function imageArchive(): string {
  if (savedImage === undefined || !fs.existsSync(savedImage)) {
    fs.mkdirSync(BASE_DIR, { recursive: true });
    const file = path.join(BASE_DIR, `busybox-${process.pid}.tar`);
    docker(['save', TEST_IMAGE, '-o', file], { timeoutMs: 120_000 });
    savedImage = file;
    process.once('exit', () => fs.rmSync(file, { force: true }));
  }
  return savedImage;
}

/** Whether the process is dead: gone, or a zombie its parent has not reaped yet. */
function dead(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** SIGKILL, then a synchronous wait (a caller's next request must not reach the process). */
function killNow(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  const until = Date.now() + 10_000;
  while (!dead(pid)) {
    if (Date.now() > until) {
      throw new Error(`process ${pid} did not die after SIGKILL`);
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
  }
}

async function waitUntilAnswering(name: string, paths: NodePaths, pid: number): Promise<void> {
  await waitFor(`dockerd node ${name} to answer on ${paths.socketPath}`, () => {
    if (!processAlive(pid)) {
      throw new Error(`dockerd node ${name} exited: ${fs.readFileSync(paths.logFile, 'utf8').slice(-2000)}`);
    }
    return docker(['-H', `unix://${paths.socketPath}`, 'version', '--format', '{{.Server.Version}}'], { allowFailure: true, timeoutMs: 5_000 }) !== '';
  }, { timeoutMs: 60_000, intervalMs: 200 });
}

/** The docker CLI against one node. */
export function nodeDocker(node: Pick<DockerdNode, 'host'>, args: readonly string[], options: { allowFailure?: boolean; timeoutMs?: number } = {}): string {
  return docker(['-H', node.host, ...args], options);
}

/** Starts one node (tearing down leftovers of a crashed run of the same name first). */
export async function startDockerdNode(options: DockerdNodeOptions): Promise<DockerdNode> {
  const { address, bip, pool } = nodeAddresses(options.group, options.index);
  const name = `${options.hub}n${options.index}`;
  ensureHub(options.hub);
  await teardownNode(name);
  const paths = nodePaths(name);
  const host = `unix://${paths.socketPath}`;
  let spawnedPid: number | undefined;
  const node: DockerdNode = {
    name, socketPath: paths.socketPath, address, execRoot: paths.execRoot, dataRoot: paths.dataRoot, host,
    stop: () => teardownNode(name, spawnedPid),
    kill: () => {
      if (spawnedPid !== undefined) {
        killNow(spawnedPid);
      }
    },
    restart: async () => {
      const old = spawnedPid;
      if (old !== undefined) {
        // dockerd refuses to start while its pid file names a live process (a zombie counts).
        await waitFor(`dockerd ${old} reaped`, () => !processAlive(old), { timeoutMs: 10_000, intervalMs: 20 });
      }
      // What the dead daemon left (its containers' shims and processes): a new containerd cannot
      // take those shims over in this setup and the new daemon times out waiting for it. So the
      // node restarts like a crashed host: its processes gone and its exec-root (on a host, under
      // /run, a tmpfs) empty; the data-root stays, and the daemon starts its containers again by
      // their restart policy.
      killAll(processesInNamespace(name));
      await waitFor(`node ${name} empty`, () => processesInNamespace(name).every((pid) => dead(pid)), { timeoutMs: 10_000, intervalMs: 50 });
      unmountUnder(paths.execRoot);
      fs.rmSync(paths.execRoot, { recursive: true, force: true });
      fs.rmSync(paths.pidFile, { force: true });
      spawnedPid = startDaemon(name, paths, bip, pool, options.extraDaemonArgs);
      await waitUntilAnswering(name, paths, spawnedPid);
    },
  };
  try {
    wireNode(options.hub, name, options.index, address);
    spawnedPid = startDaemon(name, paths, bip, pool, options.extraDaemonArgs);
    await waitUntilAnswering(name, paths, spawnedPid);
    if (options.loadImage !== false) {
      docker(['-H', host, 'load', '-i', imageArchive()], { timeoutMs: 120_000 });
    }
    return node;
  } catch (error) {
    await node.stop();
    throw error;
  }
}
