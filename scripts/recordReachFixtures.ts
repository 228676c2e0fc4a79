/**
 * Records the connectivity doctor's fixture from the real engine: it builds one situation per rule
 * (test/support/reachSituations.ts, labelled `dne.test.reach`), reads the raw Engine API JSON the
 * doctor reads (`GET /networks`, `GET /containers/json?all=1`, each container's inspect), the host
 * address of the macvlan parent, and the packet filter's counters (`iptables-save -c`) around a
 * ping that a hand-made DOCKER-USER DROP stops; writes test/fixtures/engine-<api>/reachability.json,
 * then removes everything it made (the rule too, even on failure).
 *
 *   npx tsc -p test/tsconfig.json && node out/scripts/recordReachFixtures.js
 *
 * Never edit the JSON by hand: re-record it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { docker, engineGet } from '../test/support/dockerCli';
import { buildReachSituations, PARENT, PARENT_ADDRESS, removeReachSituations } from '../test/support/reachSituations';

function run(file: string, args: string[]): string {
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
}

function addressOf(container: string, network: string): string {
  return docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, container]);
}

/** Counters before and after two pings from rch-a to rch-b, with a DROP for that pair in DOCKER-USER. */
function recordFilterCounters(): { rule: string[]; before: string; after: string } {
  const from = addressOf('rch-a', 'rch-user');
  const to = addressOf('rch-b', 'rch-user');
  const rule = ['DOCKER-USER', '-s', `${from}/32`, '-d', `${to}/32`, '-j', 'DROP'];
  run('iptables', ['-I', ...rule]);
  try {
    const before = run('iptables-save', ['-c', '-t', 'filter']);
    const pid = docker(['inspect', '-f', '{{.State.Pid}}', 'rch-a']);
    try {
      run('nsenter', [`--net=/proc/${pid}/ns/net`, '--', '/bin/busybox', 'ping', '-c', '2', '-W', '1', to]);
    } catch {
      // dropped, as intended
    }
    const after = run('iptables-save', ['-c', '-t', 'filter']);
    return { rule, before, after };
  } finally {
    run('iptables', ['-D', ...rule]);
  }
}

async function record(): Promise<void> {
  const version = await engineGet<{ ApiVersion: string; Version: string }>('/version');
  const networks = await engineGet<{ Id: string; Labels?: Record<string, string> }[]>('/networks');
  const containers = await engineGet<{ Id: string; Labels?: Record<string, string> }[]>('/containers/json?all=1');
  // Only what this recorder made (and the predefined networks): other work on the shared engine stays out.
  const ours = containers.filter((container) => container.Labels?.['dne.test.reach'] === '1');
  const ourNetworks = networks.filter((network) => network.Labels?.['dne.test.reach'] === '1' || ['bridge', 'host', 'none'].includes((network as { Name?: string }).Name ?? ''));
  const containerDetails: Record<string, unknown> = {};
  for (const container of ours) {
    containerDetails[container.Id] = await engineGet(`/containers/${container.Id}/json`);
  }
  const info = await engineGet<Record<string, unknown>>('/info');
  const folder = path.join(__dirname, '..', '..', 'test', 'fixtures', `engine-${version.ApiVersion}`);
  mkdirSync(folder, { recursive: true });
  const fixture = {
    recordedWith: { engine: version.Version, apiVersion: version.ApiVersion, script: 'scripts/recordReachFixtures.ts' },
    info: { Name: info.Name, ServerVersion: info.ServerVersion, OSType: info.OSType },
    networks: ourNetworks,
    containers: ours,
    containerDetails,
    networkDetails: {},
    hostAddresses: { [PARENT]: [`${PARENT_ADDRESS}/24`] },
    filterCounters: recordFilterCounters(),
  };
  writeFileSync(path.join(folder, 'reachability.json'), JSON.stringify(fixture, null, 2) + '\n');
  console.log(`recorded ${ourNetworks.length} networks and ${ours.length} containers into ${folder}`);
}

async function main(): Promise<void> {
  try {
    buildReachSituations();
    await record();
  } finally {
    removeReachSituations();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
