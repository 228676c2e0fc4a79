/**
 * Records the fixtures the unit tier uses, from the real engine: it builds the seed labs'
 * situations (labelled `dne.fixture`), reads the raw Engine API JSON the extension reads, writes
 * it under test/fixtures/engine-<api version>/, then removes everything it made.
 *
 *   npm run compile-tests && npm run record-fixtures
 *
 * Never edit the JSON by hand: re-record it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createNetwork, docker, engineGet, removeLabelled, runContainer } from '../test/support/dockerCli';

const LABEL = 'dne.fixture';

/** The alias a hostile user might give; the engine accepts it, so renderers must escape it. */
export const HOSTILE_ALIAS = 'x"]; click a call alert(1); y["';
export const HTML_ALIAS = '<img src=x onerror=alert(1)>';

/** The docker CLI reads list flags as CSV: quote the value and double its quotes. */
function csvQuoted(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

function buildSeedLabs(): void {
  const net = (name: string, args: string[] = []) => createNetwork(name, args, LABEL);
  const run = (name: string, args: string[] = []) => runContainer(name, args, LABEL);

  // Default bridge with two containers, one of them linked to the other the legacy way.
  run('web1');
  run('web2', ['--link', 'web1:db']);
  // A user-defined bridge with two containers and a network-scoped alias.
  net('bnet');
  run('c1', ['--network', 'bnet', '--network-alias', 'web']);
  run('c2', ['--network', 'bnet']);
  // `dev` with the search alias, and a container on two networks.
  net('dev');
  run('es', ['--network', 'dev', '--network-alias', 'search']);
  docker(['network', 'connect', 'dev', 'c2']);
  // The special network modes.
  run('hostbox', ['--network', 'host']);
  run('isolated', ['--network', 'none']);
  run('sidecar', ['--network', 'container:c1']);
  // The French labs: devops and prod, a subnet with a gateway, AppProd on both with an alias.
  net('devops');
  net('prod', ['--subnet', '172.16.86.0/24', '--gateway', '172.16.86.1', '--ip-range', '172.16.86.128/25',
    '--aux-address', 'router=172.16.86.2', '--label', 'env=prod', '--opt', 'com.docker.network.driver.mtu=1400']);
  run('AppDev', ['--network', 'devops']);
  run('AppProd', ['--network', 'prod', '--ip', '172.16.86.130']);
  docker(['network', 'connect', '--alias', 'api', '--alias', csvQuoted(HOSTILE_ALIAS), '--alias', HTML_ALIAS, 'devops', 'AppProd']);
  // An internal IPv6 network, a custom bridge name, and a stopped container still attached.
  net('secure', ['--internal', '--ipv6', '--subnet', 'fd00:dead:beef::/64', '--subnet', '10.30.0.0/24']);
  net('named', ['--opt', 'com.docker.network.bridge.name=br-named']);
  run('sleeper', ['--network', 'secure']);
  run('stopped', ['--network', 'named']);
  docker(['stop', '-t', '0', 'stopped']);
}

async function record(): Promise<void> {
  const version = await engineGet<{ ApiVersion: string; Version: string }>('/version');
  const networks = await engineGet<{ Id: string }[]>('/networks');
  const containers = await engineGet<{ Id: string; Labels?: Record<string, string> }[]>('/containers/json?all=1');
  const containerDetails: Record<string, unknown> = {};
  for (const container of containers) {
    containerDetails[container.Id] = await engineGet(`/containers/${container.Id}/json`);
  }
  const networkDetails: Record<string, unknown> = {};
  for (const network of networks) {
    networkDetails[network.Id] = await engineGet(`/networks/${network.Id}`);
  }
  const info = await engineGet<Record<string, unknown>>('/info');
  const folder = path.join(__dirname, '..', '..', 'test', 'fixtures', `engine-${version.ApiVersion}`);
  mkdirSync(folder, { recursive: true });
  const fixture = {
    recordedWith: { engine: version.Version, apiVersion: version.ApiVersion, script: 'scripts/recordFixtures.ts' },
    info: { Name: info.Name, ServerVersion: info.ServerVersion, OSType: info.OSType, Swarm: info.Swarm, Plugins: info.Plugins },
    networks,
    containers,
    containerDetails,
    networkDetails,
  };
  writeFileSync(path.join(folder, 'seed-labs.json'), JSON.stringify(fixture, null, 2) + '\n');
  console.log(`recorded ${networks.length} networks and ${containers.length} containers into ${folder}`);
}

async function main(): Promise<void> {
  removeLabelled(LABEL);
  try {
    buildSeedLabs();
    await record();
  } finally {
    removeLabelled(LABEL);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
