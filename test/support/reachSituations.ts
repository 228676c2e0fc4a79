/**
 * The connectivity doctor's situations, one per rule, built on the real engine by the fixture
 * recorder (scripts/recordReachFixtures.ts) and by the engine tier (test/engine/reach.test.ts).
 * Every container gets `--dns 127.0.0.1`: a name the embedded DNS does not know is then forwarded
 * to the container's own loopback, never to the host's resolvers (the traffic rule).
 */
import { execFileSync } from 'node:child_process';
import type { RuleCode, VerdictValue } from '../../src/model/reachability/types';
import { createNetwork, docker, removeLabelled, TEST_IMAGE } from './dockerCli';

export const REACH_LABEL = 'dne.test.reach';
/** The host end of the macvlan parent (a veth pair this module makes), and its address. */
export const PARENT = 'rchp0';
export const PARENT_PEER = 'rchp1';
export const PARENT_ADDRESS = '10.199.7.1';
export const LISTEN_PORT = 8080;

export interface ReachCase {
  title: string;
  from: string;
  to: string;
  name?: string;
  port?: number;
  /** The first rule of the explanation, or none when it should work. */
  rule?: RuleCode;
  /** Further rules the explanation must name. */
  alsoRules?: RuleCode[];
  explained: VerdictValue;
  observed: VerdictValue;
}

export const REACH_CASES: ReachCase[] = [
  { title: 'same user-defined network, by alias', from: 'rch-a', to: 'rch-b', name: 'rch-bee', explained: 'reachable', observed: 'reachable' },
  { title: 'alias on another network only', from: 'rch-a', to: 'rch-b', name: 'rch-oth', rule: 'aliasOnOtherNetwork', explained: 'unreachable', observed: 'unreachable' },
  { title: 'no common network (bridges isolated)', from: 'rch-a', to: 'rch-c', rule: 'noCommonNetwork', explained: 'unreachable', observed: 'unreachable' },
  { title: 'internal network', from: 'rch-i', to: 'rch-b', rule: 'noCommonNetwork', alsoRules: ['internalNetwork'], explained: 'unreachable', observed: 'unreachable' },
  { title: 'ICC disabled on the bridge', from: 'rch-x1', to: 'rch-x2', rule: 'iccDisabled', explained: 'unreachable', observed: 'unreachable' },
  { title: 'default bridge, by --link alias', from: 'rch-l2', to: 'rch-l1', name: 'rch-db', explained: 'reachable', observed: 'reachable' },
  { title: '--link on the other side only', from: 'rch-l1', to: 'rch-l2', name: 'rch-l2', rule: 'linkOtherSideOnly', explained: 'unreachable', observed: 'unreachable' },
  { title: 'default bridge, by name without --link', from: 'rch-l3', to: 'rch-l1', name: 'rch-l1', rule: 'noNamesOnDefaultBridge', explained: 'unreachable', observed: 'unreachable' },
  { title: 'default bridge, by address', from: 'rch-l3', to: 'rch-l1', explained: 'reachable', observed: 'reachable' },
  { title: 'host-mode source, by name', from: 'rch-h', to: 'rch-b', name: 'rch-b', rule: 'sourceHostMode', explained: 'unreachable', observed: 'unreachable' },
  { title: 'host-mode source, by address', from: 'rch-h', to: 'rch-b', explained: 'reachable', observed: 'reachable' },
  { title: 'host-mode target, by name', from: 'rch-a', to: 'rch-h', name: 'rch-h', rule: 'targetHostMode', explained: 'unreachable', observed: 'unreachable' },
  { title: 'host-mode target, by address (the gateway)', from: 'rch-a', to: 'rch-h', explained: 'reachable', observed: 'reachable' },
  { title: 'none-mode source', from: 'rch-n', to: 'rch-b', rule: 'sourceNoneMode', explained: 'unreachable', observed: 'unreachable' },
  { title: 'none-mode target', from: 'rch-b', to: 'rch-n', rule: 'targetNoneMode', explained: 'unreachable', observed: 'unreachable' },
  { title: 'container: mode target, by its own name', from: 'rch-b', to: 'rch-side', name: 'rch-side', rule: 'targetSharesStack', explained: 'unreachable', observed: 'unreachable' },
  { title: 'container: mode source, by alias', from: 'rch-side', to: 'rch-b', name: 'rch-bee', explained: 'reachable', observed: 'reachable' },
  { title: 'target stopped', from: 'rch-a', to: 'rch-stop', name: 'rch-stop', rule: 'targetStopped', explained: 'unreachable', observed: 'unreachable' },
  { title: 'macvlan child to its parent host', from: 'rch-m', to: 'host', rule: 'macvlanParent', explained: 'unreachable', observed: 'unreachable' },
  { title: 'host to a macvlan child', from: 'host', to: 'rch-m', rule: 'macvlanParent', explained: 'unreachable', observed: 'unreachable' },
  { title: 'host to a container through a published port', from: 'host', to: 'rch-p', port: LISTEN_PORT, explained: 'reachable', observed: 'reachable' },
  { title: 'the host by a container name', from: 'host', to: 'rch-b', name: 'rch-b', rule: 'hostHasNoContainerNames', explained: 'unreachable', observed: 'unreachable' },
  { title: 'a port nothing listens on', from: 'rch-a', to: 'rch-p', port: LISTEN_PORT + 1, explained: 'reachable', observed: 'unreachable' },
];

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

function run(name: string, args: string[] = [], command: string[] = ['sleep', '100000']): void {
  // A `container:` mode container uses its owner's resolver (the engine refuses --dns there).
  const dns = args.some((arg) => arg.startsWith('container:')) ? [] : ['--dns', '127.0.0.1'];
  docker(['run', '-d', '--name', name, '--label', `${REACH_LABEL}=1`, ...dns, ...args, TEST_IMAGE, ...command]);
}

/** Removes what buildReachSituations made (containers, networks, the macvlan parent). */
export function removeReachSituations(): void {
  removeLabelled(REACH_LABEL);
  try {
    ip(['link', 'del', PARENT]);
  } catch {
    // not there
  }
}

export function buildReachSituations(): void {
  removeReachSituations();
  const net = (name: string, args: string[] = []) => createNetwork(name, args, REACH_LABEL);
  net('rch-user');
  net('rch-other');
  run('rch-a', ['--network', 'rch-user']);
  run('rch-b', ['--network', 'rch-user', '--network-alias', 'rch-bee']);
  docker(['network', 'connect', '--alias', 'rch-oth', 'rch-other', 'rch-b']);
  run('rch-c', ['--network', 'rch-other']);
  run('rch-p', ['--network', 'rch-user', '-p', `127.0.0.1::${LISTEN_PORT}`], ['busybox', 'nc', '-ll', '-p', String(LISTEN_PORT), '-e', '/bin/cat']);
  run('rch-stop', ['--network', 'rch-user']);
  docker(['stop', '-t', '0', 'rch-stop']);
  net('rch-int', ['--internal']);
  run('rch-i', ['--network', 'rch-int']);
  net('rch-noicc', ['-o', 'com.docker.network.bridge.enable_icc=false']);
  run('rch-x1', ['--network', 'rch-noicc']);
  run('rch-x2', ['--network', 'rch-noicc']);
  run('rch-l1');
  run('rch-l2', ['--link', 'rch-l1:rch-db']);
  run('rch-l3');
  run('rch-h', ['--network', 'host']);
  run('rch-n', ['--network', 'none']);
  run('rch-side', ['--network', 'container:rch-a']);
  buildMacvlan(net);
}

function buildMacvlan(net: (name: string, args: string[]) => string): void {
  ip(['link', 'add', PARENT, 'type', 'veth', 'peer', 'name', PARENT_PEER]);
  ip(['addr', 'add', `${PARENT_ADDRESS}/24`, 'dev', PARENT]);
  ip(['link', 'set', PARENT, 'up']);
  ip(['link', 'set', PARENT_PEER, 'up']);
  net('rch-mac', ['-d', 'macvlan', '--subnet', '10.199.7.0/24', '--ip-range', '10.199.7.128/25', '--gateway', '10.199.7.254', '--aux-address', `host=${PARENT_ADDRESS}`, '-o', `parent=${PARENT}`]);
  run('rch-m', ['--network', 'rch-mac']);
}
