/**
 * The seed labs' host plumbing, built on the real engine for the topology tests and the fixture
 * recorder: default bridge, bnet, devops/prod with a hand-made veth (`int_hote` on devops' bridge,
 * its peer moved into AppProd's namespace and renamed eth1), `container:` sharing, host, none, a
 * swarm overlay with a service, macvlan on a dummy parent, a container on two networks with a
 * second hand-made veth on the bridge it already uses (AppDev), a network nobody uses (its bridge
 * has no carrier), and a namespace made with `ip netns add` with a veth from the host. Everything carries the label given
 * (dne.test by default) and a name prefix; `teardownSeed` removes it all, also after a failure.
 * Root only (ip link, nsenter). Commands run with argument arrays, never a shell string.
 */
import { execFileSync } from 'node:child_process';
import { createNetwork, docker, runContainer } from '../support/dockerCli';
import { waitFor } from '../support/waitFor';

export interface SeedOptions {
  prefix: string;
  label: string;
  swarm: boolean;
}

export interface Seed {
  prefix: string;
  name(base: string): string;
  /** Whether this seed initialized swarm (and so must leave it). */
  swarmInitialized: boolean;
  hostVeth: string;
  dummy: string;
  /** Second hand-made veth: host end on devops' bridge, peer eth1 in AppDev (already on devops). */
  devVeth: string;
  /** `ip netns add` namespace and the host end of the veth into it. */
  netns: string;
  netnsVeth: string;
}

/** The fixed host-side names the seed uses (interface names are global, not prefixed). */
const HOST_NAMES = { hostVeth: 'int_hote', dummy: 'dnetopo-dmy0', devVeth: 'int_dev', netns: 'dnetopo-ns1', netnsVeth: 'dnetopo-vh0' };

/** A veth made by hand: `host` on `bridge`, its peer moved into the container `pid` and renamed eth1 (the lab's steps), with `address` if given. */
function handMadeVeth(host: string, bridge: string, pid: string, address?: string): void {
  sh('ip', ['link', 'del', host], true);
  sh('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', 'int_conteneur']);
  sh('ip', ['link', 'set', host, 'master', bridge]);
  sh('ip', ['link', 'set', host, 'up']);
  sh('ip', ['link', 'set', 'int_conteneur', 'netns', pid]);
  sh('nsenter', [`--net=/proc/${pid}/ns/net`, 'ip', 'link', 'set', 'int_conteneur', 'name', 'eth1']);
  sh('nsenter', [`--net=/proc/${pid}/ns/net`, 'ip', 'link', 'set', 'eth1', 'up']);
  if (address) {
    sh('nsenter', [`--net=/proc/${pid}/ns/net`, 'ip', 'addr', 'add', address, 'dev', 'eth1']);
  }
}

/** `ip netns add` as the labs do, with a veth from the host into it, addressed on both ends. */
function namedNamespace(seed: Seed): void {
  sh('ip', ['netns', 'del', seed.netns], true);
  sh('ip', ['link', 'del', seed.netnsVeth], true);
  sh('ip', ['netns', 'add', seed.netns]);
  const inside = ['nsenter', `--net=/var/run/netns/${seed.netns}`, '--', 'ip'];
  sh('ip', ['link', 'add', seed.netnsVeth, 'type', 'veth', 'peer', 'name', 'dnetopo-vn0']);
  sh('ip', ['link', 'set', 'dnetopo-vn0', 'netns', seed.netns]);
  sh('ip', ['addr', 'add', '10.213.9.1/24', 'dev', seed.netnsVeth]);
  sh('ip', ['link', 'set', seed.netnsVeth, 'up']);
  sh(inside[0], [...inside.slice(1), 'addr', 'add', '10.213.9.2/24', 'dev', 'dnetopo-vn0']);
  sh(inside[0], [...inside.slice(1), 'link', 'set', 'dnetopo-vn0', 'up']);
  sh(inside[0], [...inside.slice(1), 'link', 'set', 'lo', 'up']);
}

export function sh(file: string, args: string[], allowFailure = false): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    if (allowFailure) {
      return '';
    }
    throw new Error(`${file} ${args.join(' ')}: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
}

export const HOSTILE_ALIAS = 'x"]; click a call alert(1); y["';
export const HTML_ALIAS = '<img src=x onerror=alert(1)>';

function swarmState(): string {
  return docker(['info', '--format', '{{.Swarm.LocalNodeState}}'], { allowFailure: true });
}

export async function buildSeed(options: Partial<SeedOptions> = {}): Promise<Seed> {
  const prefix = options.prefix ?? 'dnetopo-';
  const label = options.label ?? 'dne.test';
  const name = (base: string) => `${prefix}${base}`;
  const seed: Seed = { prefix, name, swarmInitialized: false, ...HOST_NAMES };
  const net = (base: string, args: string[] = []) => createNetwork(name(base), args, label);
  const run = (base: string, args: string[] = []) => runContainer(name(base), args, label);

  run('web1');
  net('bnet');
  run('c1', ['--network', name('bnet'), '--network-alias', 'web']);
  run('c2', ['--network', name('bnet')]);
  run('sidecar', ['--network', `container:${name('c1')}`]);
  run('hostbox', ['--network', 'host']);
  run('isolated', ['--network', 'none']);
  net('devops', ['--subnet', '10.213.8.0/24']);
  net('prod', ['--subnet', '172.16.86.0/24', '--gateway', '172.16.86.1']);
  run('AppDev', ['--network', name('devops')]);
  run('AppProd', ['--network', name('prod'), '--ip', '172.16.86.130', '--network-alias', 'api', '--network-alias', HOSTILE_ALIAS, '--network-alias', HTML_ALIAS]);
  run('stopped', ['--network', name('bnet')]);
  docker(['stop', '-t', '0', name('stopped')]);
  run('multi', ['--network', name('bnet')]);
  docker(['network', 'connect', name('devops'), name('multi')]);
  net('empty');

  // The hand-made links of the lab: host ends on devops' bridge, peers renamed eth1 inside
  // AppProd (on prod) and AppDev (on devops already: two links from one namespace to one bridge).
  const devopsBridge = `br-${docker(['network', 'inspect', '-f', '{{.Id}}', name('devops')]).slice(0, 12)}`;
  handMadeVeth(seed.hostVeth, devopsBridge, docker(['inspect', '-f', '{{.State.Pid}}', name('AppProd')]));
  // AppDev's eth1 on its eth0's subnet: without root, procfs cannot say which of the two holds which address.
  handMadeVeth(seed.devVeth, devopsBridge, docker(['inspect', '-f', '{{.State.Pid}}', name('AppDev')]), '10.213.8.200/24');
  namedNamespace(seed);

  // macvlan on a dummy parent.
  sh('ip', ['link', 'del', seed.dummy], true);
  // A dummy parent as in the lab; kernels built without the dummy driver get one end of a veth pair.
  if (sh('ip', ['link', 'add', seed.dummy, 'type', 'dummy'], true) === '' && !sh('ip', ['-o', 'link', 'show', seed.dummy], true)) {
    sh('ip', ['link', 'add', seed.dummy, 'type', 'veth', 'peer', 'name', 'dnetopo-dmy1']);
  }
  sh('ip', ['link', 'set', seed.dummy, 'up']);
  net('mvnet', ['-d', 'macvlan', '-o', `parent=${seed.dummy}`, '--subnet', '10.213.7.0/24']);
  run('mv1', ['--network', name('mvnet')]);

  if (options.swarm ?? true) {
    if (swarmState() !== 'active') {
      docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
      seed.swarmInitialized = true;
    }
    net('ovnet', ['-d', 'overlay', '--attachable']);
    docker(['service', 'create', '--detach', '--no-resolve-image', '--name', name('s1'), '--label', `${label}=1`, '--container-label', `${label}=1`,
      '--network', name('ovnet'), 'local/busybox:latest', 'sleep', '100000']);
    await waitFor('the service task to run', () => docker(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${name('s1')}`, '--filter', 'status=running'], { allowFailure: true }) !== '', {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
  }
  return seed;
}

export async function teardownSeed(seed: Pick<Seed, 'prefix' | 'swarmInitialized'> | undefined, label = 'dne.test', prefix = seed?.prefix ?? 'dnetopo-'): Promise<void> {
  const services = docker(['service', 'ls', '-q', '--filter', `label=${label}`], { allowFailure: true }).split('\n').filter(Boolean);
  if (services.length > 0) {
    docker(['service', 'rm', ...services], { allowFailure: true });
  }
  const containers = docker(['ps', '-aq', '--filter', `name=^${prefix}`], { allowFailure: true }).split('\n').filter(Boolean);
  const labelled = docker(['ps', '-aq', '--filter', `label=${label}`, '--filter', `name=${prefix}`], { allowFailure: true }).split('\n').filter(Boolean);
  const all = [...new Set([...containers, ...labelled])];
  if (all.length > 0) {
    docker(['rm', '-f', ...all], { allowFailure: true });
  }
  // Service tasks leave with the service; give them a moment before removing the overlay network.
  await waitFor('the service tasks to leave', () => docker(['ps', '-aq', '--filter', `label=com.docker.swarm.service.name=${prefix}s1`], { allowFailure: true }) === '', {
    timeoutMs: 10_000,
    intervalMs: 500,
  }).catch(() => undefined); // the networks are removed anyway; what is still in use stays
  const networks = docker(['network', 'ls', '--format', '{{.Name}}', '--filter', `label=${label}`], { allowFailure: true }).split('\n').filter((n) => n.startsWith(prefix));
  for (const network of networks) {
    docker(['network', 'rm', network], { allowFailure: true });
  }
  for (const link of [HOST_NAMES.hostVeth, HOST_NAMES.devVeth, HOST_NAMES.dummy, HOST_NAMES.netnsVeth]) {
    sh('ip', ['link', 'del', link], true);
  }
  sh('ip', ['netns', 'del', HOST_NAMES.netns], true);
  if (seed?.swarmInitialized) {
    docker(['swarm', 'leave', '--force'], { allowFailure: true });
    // `swarm leave` keeps the docker_gwbridge network swarm created; it was not there before.
    docker(['network', 'rm', 'docker_gwbridge'], { allowFailure: true });
  }
}
